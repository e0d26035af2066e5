import type { TFunction } from 'i18next';
import type { GrantJson } from '#libs/contracts/index.js';

export const groupsText = (t: TFunction, groups: string[]) => groups.map((g) => t(`common:fieldGroups.${g}`)).join('、');
export const permissionsText = (t: TFunction, permissions: string[]) =>
  permissions.length ? permissions.map((p) => t(`common:values.permission.${p}`)).join('、') : t('common:none');
export const basisText = (t: TFunction, grant: Pick<GrantJson, 'legalBasis' | 'basisReference'>) =>
  `${t(`common:values.legalBasis.${grant.legalBasis}`)}${grant.basisReference ? `（${grant.basisReference}）` : ''}`;
