import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/session/session';
import { ErrorAlert, Panel } from '../../shared/ui/feedback';
import { GrantDetails } from './GrantDetails';
import { grantState } from './grant-time';
import { useGrants } from './queries';

/** A partner's view of why it sees this record: its own grants (groups, permissions, legal basis, until when). */
export function OwnGrantPanel({ recipientId }: { recipientId: string }) {
  const { t } = useTranslation(['grants', 'common']);
  const me = useMe();
  const grants = useGrants(recipientId);
  const own = (grants.data?.items ?? []).filter((g) => g.granteeOrganisationId === me.organisation.id && grantState(g) === 'active');
  return (
    <Panel title={t('grants:own.title')} testId="own-grant">
      <ErrorAlert error={grants.error ?? undefined} />
      {own.map((g) => (
        <GrantDetails key={g.id} grant={g} testId="own-grant-item" />
      ))}
    </Panel>
  );
}
