import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { FIELD_GROUPS, type FieldGroup, RECIPIENT_FIELD_GROUPS, RECIPIENT_IMMUTABLE_FIELDS, type RecipientJson } from '#libs/contracts/index.js';
import { ApiError, api } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { useRecipientSubscription } from '../../shared/live/live-context';
import { useMe } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert, Notice, Panel } from '../../shared/ui/feedback';
import { ConsentsPanel } from '../grants/ConsentsPanel';
import { GrantsPanel } from '../grants/GrantsPanel';
import { OwnGrantPanel } from '../grants/OwnGrantPanel';
import { NotesPanel } from '../notes/NotesPanel';
import { HistoryPanel } from './HistoryPanel';
import { usePageTitle } from './hooks';
import { RecipientEditor } from './RecipientEditor';
import { displayValue, fullName } from './recipient-values';

/** `/recipients/:id`: the shared record as this caller may see it. */
export function RecipientPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation(['recipients', 'common']);
  // Set by the live reducer when access ends: from then on nothing of this recipient is rendered.
  const revoked = useQuery({ queryKey: queryKeys.revoked(id), queryFn: () => false, initialData: false, staleTime: Infinity });
  useRecipientSubscription(revoked.data ? undefined : id);
  if (revoked.data) {
    return (
      <section data-testid="access-revoked" role="alert" className="rounded-12 border-2 border-error-2 bg-white p-6">
        <h1 className="mb-2 text-2xl font-bold">{t('recipients:revoked.title')}</h1>
        <p className="mb-4">{t('recipients:revoked.body')}</p>
        <Link to="/recipients" className="font-bold text-blue-900 underline underline-offset-4">
          {t('recipients:revoked.back')}
        </Link>
      </section>
    );
  }
  return <RecipientRecord key={id} id={id} />;
}

function RecipientRecord({ id }: { id: string }) {
  const { t, i18n } = useTranslation(['recipients', 'common']);
  const me = useMe();
  const organisations = useOrganisations();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const record = useQuery({
    queryKey: queryKeys.recipientRecord(id),
    queryFn: ({ signal }) => api.get<RecipientJson>(`/recipients/${encodeURIComponent(id)}`, signal),
  });
  const title = record.data ? `${fullName(record.data)}（${String(record.data.caseNumber ?? '')}）` : t('recipients:record.title');
  usePageTitle(title);

  if (record.isPending) {
    return (
      <p role="status" className="p-4">
        {t('common:loading')}
      </p>
    );
  }
  if (record.error) {
    const notFound = record.error instanceof ApiError && record.error.status === 404;
    return (
      <div className="flex flex-col gap-3">
        <h1 className="text-2xl font-bold">{t('recipients:record.title')}</h1>
        <ErrorAlert error={record.error} />
        {!notFound && (
          <div>
            <Button variant="secondary" onClick={() => void record.refetch()}>
              {t('common:retry')}
            </Button>
          </div>
        )}
      </div>
    );
  }
  const r = record.data;
  const readable = new Set(r.access.fieldGroups);
  const isLead = r.leadOrganisationId === me.organisation.id;
  const canWrite = isLead || r.access.permissions.includes('profile.write');
  const writableGroups = canWrite ? FIELD_GROUPS.filter((g) => readable.has(g)) : [];
  const lang = i18n.language;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link to="/recipients" className="text-blue-900 underline underline-offset-4">
              {t('recipients:list.title')}
            </Link>
          </p>
          <h1 data-testid="recipient-title" className="text-2xl font-bold">
            {fullName(r)} <span className="font-mono text-lg text-solid-gray-700">{String(r.caseNumber ?? '')}</span>
          </h1>
          <p className="text-sm text-solid-gray-700">
            {t('recipients:record.lead', { organisation: organisations.name(r.leadOrganisationId as string) })}
            {isLead && <> · {t('recipients:record.youAreLead')}</>}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {!editing && writableGroups.length > 0 && (
            <Button data-testid="recipient-edit" onClick={() => setEditing(true)}>
              {t('recipients:edit.open')}
            </Button>
          )}
          <Link to={`/recipients/${r.id}/print`} className="inline-flex min-h-11 items-center rounded-8 border border-blue-900 px-4 font-bold text-blue-900">
            {t('recipients:record.print')}
          </Link>
        </div>
      </div>

      {!isLead && <OwnGrantPanel recipientId={r.id} />}

      {editing ? (
        <RecipientEditor
          record={r}
          writableFields={writableGroups.flatMap((g) => RECIPIENT_FIELD_GROUPS[g]).filter((f) => !RECIPIENT_IMMUTABLE_FIELDS.includes(f))}
          onDone={(saved) => {
            if (saved) queryClient.setQueryData(queryKeys.recipientRecord(r.id), saved);
            setEditing(false);
          }}
        />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {FIELD_GROUPS.map((group) =>
            readable.has(group) ? (
              groupPanel(group, r, lang)
            ) : (
              <LockedPanel key={group} group={group} />
            ),
          )}
        </div>
      )}

      <NotesPanel recipientId={r.id} access={r.access} isLead={isLead} />
      {isLead && <GrantsPanel recipientId={r.id} />}
      {isLead && <ConsentsPanel recipientId={r.id} />}
      <HistoryPanel recipientId={r.id} />
    </div>
  );

  function groupPanel(group: FieldGroup, record: RecipientJson, lang: string) {
    return (
      <Panel key={group} title={t(`common:fieldGroups.${group}`)} testId={`field-group-${group}`}>
        <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-2">
          {RECIPIENT_FIELD_GROUPS[group].map((field) => (
            <div key={field} className="contents">
              <dt className="text-sm font-bold text-solid-gray-800">{t(`common:fields.${field}`)}</dt>
              <dd data-testid={`field-${field}`} className="break-words whitespace-pre-wrap">
                {displayValue(field, record[field], t, lang, organisations.name)}
              </dd>
            </div>
          ))}
        </dl>
      </Panel>
    );
  }
}

function LockedPanel({ group }: { group: FieldGroup }) {
  const { t } = useTranslation(['recipients', 'common']);
  return (
    <section
      data-testid={`field-group-${group}-locked`}
      aria-label={t(`common:fieldGroups.${group}`)}
      className="rounded-12 border-2 border-dashed border-solid-gray-420 bg-solid-gray-50 p-4"
    >
      <h2 className="mb-2 flex items-center gap-2 text-lg font-bold">
        <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5 fill-current">
          <path d="M17 9h-1V7a4 4 0 0 0-8 0v2H7a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-9a2 2 0 0 0-2-2Zm-7-2a2 2 0 0 1 4 0v2h-4V7Z" />
        </svg>
        {t(`common:fieldGroups.${group}`)}
      </h2>
      <Notice>{t('recipients:record.locked')}</Notice>
    </section>
  );
}
