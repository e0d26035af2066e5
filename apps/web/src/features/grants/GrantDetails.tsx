import { useTranslation } from 'react-i18next';
import type { GrantJson } from '#libs/contracts/index.js';
import { formatDateTime } from '../../shared/format/wareki';
import { basisText, groupsText, permissionsText } from './grant-labels';

/** What a grant gives and why: groups, permissions, legal basis, until when (and when revoked, by what reason). */
export function GrantDetails({ grant, testId }: { grant: GrantJson; testId?: string }) {
  const { t, i18n } = useTranslation(['grants', 'common']);
  return (
    <dl data-testid={testId} className="mt-1 grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-3 gap-y-1 text-sm">
      <dt className="font-bold">{t('grants:fields.groups')}</dt>
      <dd>{groupsText(t, grant.fieldGroups)}</dd>
      <dt className="font-bold">{t('grants:fields.permissions')}</dt>
      <dd>{permissionsText(t, grant.permissions)}</dd>
      <dt className="font-bold">{t('grants:fields.basis')}</dt>
      <dd>{basisText(t, grant)}</dd>
      <dt className="font-bold">{t('grants:fields.validUntil')}</dt>
      <dd>{grant.validUntil ? formatDateTime(grant.validUntil, i18n.language) : t('grants:noEnd')}</dd>
      {grant.revokedAt && (
        <>
          <dt className="font-bold">{t('grants:fields.revokedAt')}</dt>
          <dd>
            {formatDateTime(grant.revokedAt, i18n.language)} {grant.revokeReason && `（${grant.revokeReason}）`}
          </dd>
        </>
      )}
    </dl>
  );
}
