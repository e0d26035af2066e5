import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { GrantJson, Page } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { useMe } from '../../shared/session/session';
import { ErrorAlert, Panel } from '../../shared/ui/feedback';
import { basisText, groupsText, permissionsText } from './grant-labels';
import { grantState } from './grant-time';

/** A partner's view of why it sees this record: its own grants (groups, permissions, legal basis, until when). */
export function OwnGrantPanel({ recipientId }: { recipientId: string }) {
  const { t, i18n } = useTranslation(['grants', 'common']);
  const me = useMe();
  const grants = useQuery({
    queryKey: queryKeys.grants(recipientId),
    queryFn: ({ signal }) => api.get<Page<GrantJson>>(`/recipients/${recipientId}/grants?limit=200`, signal),
  });
  const own = (grants.data?.items ?? []).filter((g) => g.granteeOrganisationId === me.organisation.id && grantState(g) === 'active');
  return (
    <Panel title={t('grants:own.title')} testId="own-grant">
      <ErrorAlert error={grants.error ?? undefined} />
      {own.map((g) => (
        <dl key={g.id} className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-1" data-testid="own-grant-item">
          <dt className="font-bold">{t('grants:fields.groups')}</dt>
          <dd>{groupsText(t, g.fieldGroups)}</dd>
          <dt className="font-bold">{t('grants:fields.permissions')}</dt>
          <dd>{permissionsText(t, g.permissions)}</dd>
          <dt className="font-bold">{t('grants:fields.basis')}</dt>
          <dd>{basisText(t, g)}</dd>
          <dt className="font-bold">{t('grants:fields.validUntil')}</dt>
          <dd>{g.validUntil ? formatDateTime(g.validUntil, i18n.language) : t('grants:noEnd')}</dd>
        </dl>
      ))}
    </Panel>
  );
}
