import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_OUTCOMES, type AuditEventWithNames, type Page, type RecipientIdentityJson, type StaffIdentityJson } from '#libs/contracts/index.js';
import { api, query } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert, Notice, Panel } from '../../shared/ui/feedback';
import { SelectField, TextField } from '../../shared/ui/fields';
import { usePageTitle } from '../recipients/hooks';
import { FILTER_ACTIONS, type AuditFilters, auditParams, dateRangeError, EMPTY_FILTERS, type PickedFilter, resolveLookup } from './audit-filters';
import { downloadAuditCsv } from './csv-download';
import { type LookupChoice, LookupField } from './LookupField';
import { VerifyPanel } from './VerifyPanel';

const PAGE_SIZE = 50;

const recipientLabel = (r: RecipientIdentityJson) =>
  `${r.familyName} ${r.givenName}${r.familyNameKana ? `（${[r.familyNameKana, r.givenNameKana].filter(Boolean).join(' ')}）` : ''} ${r.caseNumber}`;
const staffLabel = (s: StaffIdentityJson) => `${s.displayName} (${s.loginId}) ${s.organisationName}`;

/** `/audit`: who did what to whose record, from which organisation, on what basis; CSV export; chain verification. */
export function AuditPage() {
  const { t, i18n } = useTranslation(['audit', 'common']);
  usePageTitle(t('audit:title'));
  const organisations = useOrganisations();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_FILTERS);
  const [choices, setChoices] = useState<{ recipient: LookupChoice[] | null; person: LookupChoice[] | null }>({ recipient: null, person: null });
  const [resolving, setResolving] = useState(false);
  const [lookupError, setLookupError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const rangeError = dateRangeError(draft.from, draft.to);

  const params = auditParams(applied);
  const events = useInfiniteQuery({
    queryKey: queryKeys.auditEvents(params),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<AuditEventWithNames>>(`/audit-events${query({ ...params, order: 'desc', expand: 'names', limit: PAGE_SIZE, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = events.data?.pages.flatMap((p) => p.items) ?? [];

  /** Text typed into the recipient or person filter becomes an id through the auditor look-ups, when it names one. */
  async function resolve<T extends { id: string }>(
    filter: PickedFilter,
    path: string,
    key: (item: T) => string,
    label: (item: T) => string,
  ): Promise<PickedFilter | LookupChoice[]> {
    const text = filter.text.trim();
    if (!text || filter.id) return filter;
    const page = await api.get<Page<T>>(`${path}${query({ q: text, limit: 20 })}`);
    const found = resolveLookup(text, page.items, key);
    if ('pick' in found) return { text, id: found.pick.id, label: label(found.pick) };
    if ('choices' in found) return found.choices.map((c) => ({ id: c.id, label: label(c) }));
    return { text };
  }

  async function search(event?: FormEvent) {
    event?.preventDefault();
    if (rangeError) return;
    setResolving(true);
    setLookupError(null);
    try {
      const [recipient, person] = await Promise.all([
        resolve<RecipientIdentityJson>(draft.recipient, '/audit/recipients', (r) => r.caseNumber, recipientLabel),
        resolve<StaffIdentityJson>(draft.person, '/audit/users', (s) => s.loginId, staffLabel),
      ]);
      setChoices({ recipient: Array.isArray(recipient) ? recipient : null, person: Array.isArray(person) ? person : null });
      if (Array.isArray(recipient) || Array.isArray(person)) return; // the user picks first
      const next = { ...draft, recipient, person };
      setDraft(next);
      setApplied(next);
    } catch (error) {
      setLookupError(error);
    } finally {
      setResolving(false);
    }
  }

  function choose(which: 'recipient' | 'person', choice: LookupChoice) {
    const next = { ...draft, [which]: { text: draft[which].text, id: choice.id, label: choice.label } };
    setDraft(next);
    setChoices((c) => ({ ...c, [which]: null }));
    if (!choices[which === 'recipient' ? 'person' : 'recipient']) setApplied(next);
  }

  /** One click on a row's recipient: every access to that recipient, whoever made it. */
  function showRecipient(id: string, caseNumber: string) {
    const next = { ...EMPTY_FILTERS, recipient: { text: caseNumber, id, label: caseNumber } };
    setDraft(next);
    setApplied(next);
    setChoices({ recipient: null, person: null });
  }

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      await downloadAuditCsv(params, i18n.language);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  const lang = i18n.language;
  const set = (patch: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...patch }));

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('audit:title')}</h1>
      <p>{t('audit:intro')}</p>

      <Panel title={t('audit:filters.title')}>
        <form onSubmit={(e) => void search(e)} className="flex flex-col gap-4" aria-label={t('audit:filters.title')}>
          <div className="grid gap-4 md:grid-cols-2">
            <LookupField
              label={t('audit:filters.recipient')}
              hint={t('audit:filters.recipientHint')}
              testId="audit-filter-recipient"
              value={draft.recipient}
              onChange={(recipient) => {
                set({ recipient });
                setChoices((c) => ({ ...c, recipient: null }));
              }}
              choices={choices.recipient}
              onChoose={(c) => choose('recipient', c)}
            />
            <LookupField
              label={t('audit:filters.person')}
              hint={t('audit:filters.personHint')}
              testId="audit-filter-person"
              value={draft.person}
              onChange={(person) => {
                set({ person });
                setChoices((c) => ({ ...c, person: null }));
              }}
              choices={choices.person}
              onChoose={(c) => choose('person', c)}
            />
            <SelectField
              label={t('audit:filters.organisation')}
              data-testid="audit-filter-organisation"
              value={draft.organisationId}
              onChange={(e) => set({ organisationId: e.target.value })}
              options={[{ value: '', label: t('audit:filters.any') }, ...organisations.list.map((o) => ({ value: o.id, label: o.name }))]}
            />
            <SelectField
              label={t('audit:filters.action')}
              data-testid="audit-filter-action"
              value={draft.action}
              onChange={(e) => set({ action: e.target.value })}
              options={[{ value: '', label: t('audit:filters.any') }, ...FILTER_ACTIONS.map((a) => ({ value: a, label: `${t(`audit:actions.${a}`)} (${a})` }))]}
            />
            <SelectField
              label={t('audit:filters.outcome')}
              data-testid="audit-filter-outcome"
              value={draft.outcome}
              onChange={(e) => set({ outcome: e.target.value as AuditFilters['outcome'] })}
              options={[{ value: '', label: t('audit:filters.any') }, ...AUDIT_OUTCOMES.map((o) => ({ value: o, label: t(`audit:outcomes.${o}`) }))]}
            />
            <div className="grid grid-cols-2 gap-3">
              <TextField
                type="date"
                label={t('audit:filters.from')}
                data-testid="audit-filter-from"
                value={draft.from}
                onChange={(e) => set({ from: e.target.value })}
              />
              <TextField
                type="date"
                label={t('audit:filters.to')}
                data-testid="audit-filter-to"
                value={draft.to}
                error={rangeError ? t('audit:filters.rangeError') : undefined}
                onChange={(e) => set({ to: e.target.value })}
              />
            </div>
          </div>
          <p className="text-sm text-solid-gray-700">{t('audit:filters.jstNote')}</p>
          <ErrorAlert error={lookupError} />
          <div className="flex flex-wrap gap-3">
            <Button type="submit" data-testid="audit-search" disabled={resolving}>
              {t('audit:filters.search')}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setDraft(EMPTY_FILTERS);
                setApplied(EMPTY_FILTERS);
                setChoices({ recipient: null, person: null });
              }}
            >
              {t('audit:filters.reset')}
            </Button>
            <Button variant="secondary" data-testid="audit-export" disabled={exporting} onClick={() => void exportCsv()}>
              {exporting ? t('audit:export.running') : t('audit:export.button')}
            </Button>
          </div>
          <ErrorAlert error={exportError} />
        </form>
      </Panel>

      <section aria-labelledby="audit-results-title" className="flex flex-col gap-2">
        <h2 id="audit-results-title" className="text-xl font-bold">
          {t('audit:table.title')}
        </h2>
        {applied.recipient.id && <Notice testId="audit-recipient-scope">{t('audit:table.recipientScope', { label: applied.recipient.label })}</Notice>}
        <ErrorAlert error={events.error} />
        <div className="overflow-x-auto rounded-12 border border-solid-gray-200 bg-white shadow-1">
          <table data-testid="audit-table" className="w-full min-w-[60rem] border-collapse text-sm" aria-busy={events.isFetching}>
            <caption className="sr-only">{t('audit:table.caption')}</caption>
            <thead className="bg-solid-gray-50 text-left">
              <tr>
                {(['at', 'actor', 'organisation', 'action', 'outcome', 'recipient', 'legalBasis', 'fieldGroups'] as const).map((c) => (
                  <th key={c} scope="col" className="whitespace-nowrap border-b border-solid-gray-200 px-3 py-2 font-bold">
                    {t(`audit:table.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-event-id={e.id} data-action={e.action} className="border-b border-solid-gray-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
                  </td>
                  <td className="px-3 py-2">
                    {e.names.actorDisplayName ?? t('audit:table.noActor')}
                    {e.names.actorLoginId && <span className="block font-mono text-xs text-solid-gray-700">{e.names.actorLoginId}</span>}
                  </td>
                  <td className="px-3 py-2">{e.names.actorOrganisationName ?? '—'}</td>
                  <td className="px-3 py-2">
                    {t(`audit:actions.${e.action}`, { defaultValue: e.action })}
                    <span className="block font-mono text-xs text-solid-gray-700">{e.action}</span>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <span className={e.outcome === 'allowed' ? '' : 'font-bold text-error-2'}>{t(`audit:outcomes.${e.outcome}`, { defaultValue: e.outcome })}</span>
                  </td>
                  <td className="px-3 py-2">
                    <RecipientCell event={e} onShow={showRecipient} />
                  </td>
                  <td className="px-3 py-2">{e.legalBasis ? t([`audit:legalBasis.${e.legalBasis}`, `common:values.legalBasis.${e.legalBasis}`], { defaultValue: e.legalBasis }) : '—'}</td>
                  <td className="px-3 py-2">{e.fieldGroups?.length ? e.fieldGroups.map((g) => t(`common:fieldGroups.${g}`, { defaultValue: g })).join('、') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.isPending && (
            <p role="status" className="p-3">
              {t('common:loading')}
            </p>
          )}
          {events.isSuccess && rows.length === 0 && (
            <p role="status" className="p-3" data-testid="audit-empty">
              {t('audit:table.empty')}
            </p>
          )}
        </div>
        {events.hasNextPage && (
          <div>
            <Button variant="secondary" data-testid="audit-more" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              {events.isFetchingNextPage ? t('common:loading') : t('audit:table.more')}
            </Button>
          </div>
        )}
      </section>

      <VerifyPanel />
    </div>
  );
}

/** The recipient an event is about (or the recipients a list returned): case numbers, each one click from its accesses. */
function RecipientCell({ event, onShow }: { event: AuditEventWithNames; onShow: (id: string, caseNumber: string) => void }) {
  const { t } = useTranslation('audit');
  const items: { id: string; caseNumber: string }[] = [];
  if (event.recipientId) items.push({ id: event.recipientId, caseNumber: event.names.recipientCaseNumber ?? event.recipientId.slice(0, 8) });
  else
    (event.recipientIds ?? []).forEach((id, i) => items.push({ id, caseNumber: event.names.recipientCaseNumbers?.[i] ?? id.slice(0, 8) }));
  if (items.length === 0) return <>—</>;
  const shown = items.slice(0, 3);
  return (
    <span className="flex flex-wrap gap-x-2">
      {shown.map((r) => (
        <button
          key={r.id}
          type="button"
          data-testid="audit-row-recipient"
          className="font-mono text-blue-900 underline underline-offset-4 hover:bg-blue-50"
          aria-label={t('table.showRecipient', { caseNumber: r.caseNumber })}
          onClick={() => onShow(r.id, r.caseNumber)}
        >
          {r.caseNumber}
        </button>
      ))}
      {items.length > shown.length && <span>{t('table.andMore', { count: items.length - shown.length })}</span>}
    </span>
  );
}
