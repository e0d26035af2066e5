import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { FIELD_GROUPS, RECIPIENT_FIELD_GROUPS, type RecipientPrintJson } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDate, formatDateTime, tokyoParts } from '../../shared/format/wareki';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert } from '../../shared/ui/feedback';
import { usePageTitle } from '../recipients/hooks';
import { displayValue, fullKana, fullName } from '../recipients/recipient-values';

/**
 * `/recipients/:id/print`: the 支援経過記録 on A4. Everything comes from the print endpoint (which records the
 * printout as `recipient.print`), projected exactly like the record: a group the caller may not read is printed as
 * locked, never with values. Fetched once per visit, so a reprint is a new visit and a new audit event.
 */
export function PrintPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation(['print', 'recipients', 'common']);
  const printout = useQuery({
    queryKey: queryKeys.print(id),
    queryFn: ({ signal }) => api.get<RecipientPrintJson>(`/recipients/${encodeURIComponent(id)}/print`, signal),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  usePageTitle(printout.data ? `${t('print:title')} ${String(printout.data.recipient.caseNumber ?? '')}` : t('print:title'));
  const lang = i18n.language;

  const toolbar = (
    <div className="no-print mb-4 flex flex-wrap items-center gap-3">
      <Link to={`/recipients/${encodeURIComponent(id)}`} className="font-bold text-blue-900 underline underline-offset-4">
        {t('print:back')}
      </Link>
      {printout.data && (
        <Button data-testid="print-button" onClick={() => window.print()}>
          {t('print:print')}
        </Button>
      )}
      <p className="text-sm text-solid-gray-700">{t('print:hint')}</p>
    </div>
  );

  if (printout.isPending) {
    return (
      <>
        {toolbar}
        <p role="status">{t('common:loading')}</p>
      </>
    );
  }
  if (printout.error) {
    return (
      <>
        {toolbar}
        <h1 className="mb-3 text-2xl font-bold">{t('print:title')}</h1>
        <ErrorAlert error={printout.error} />
      </>
    );
  }
  const { recipient: r, notes, names, printedAt, printedBy } = printout.data;
  const readable = new Set(r.access.fieldGroups);
  const organisationName = (orgId: string) => names.organisations[orgId] ?? '—';
  const printedDay = tokyoParts(printedAt).date;
  // As on the record: the lead organisation reads every note, a partner only with notes.read.
  const canReadNotes = r.leadOrganisationId === printedBy.organisationId || r.access.permissions.includes('notes.read');

  return (
    <>
      {toolbar}
      <article data-testid="print-page" className="print-sheet mx-auto max-w-[210mm] bg-white p-8 shadow-1 print:p-0 print:shadow-none">
        <header className="mb-4 border-b-2 border-solid-gray-900 pb-2">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h1 className="text-2xl font-bold tracking-widest">{t('print:title')}</h1>
            <p>
              {t('print:dateLabel')}: <span data-testid="print-date">{formatDate(printedDay, lang)}</span>
            </p>
          </div>
          <dl className="mt-2 grid grid-cols-[auto_1fr_auto_1fr] gap-x-3 gap-y-1">
            <dt className="font-bold">{t('common:fields.caseNumber')}</dt>
            <dd className="font-mono" data-testid="print-case-number">
              {String(r.caseNumber ?? '')}
            </dd>
            <dt className="font-bold">{t('print:name')}</dt>
            <dd>
              {fullName(r)}
              {fullKana(r) && <span className="ml-2 text-sm">（{fullKana(r)}）</span>}
            </dd>
          </dl>
        </header>

        {FIELD_GROUPS.map((group) => (
          <section key={group} className="print-block mb-3" aria-labelledby={`print-group-${group}`}>
            <h2 id={`print-group-${group}`} className="mb-1 border-l-4 border-solid-gray-900 pl-2 font-bold">
              {t(`common:fieldGroups.${group}`)}
            </h2>
            {readable.has(group) ? (
              <table className="w-full border-collapse text-sm" data-testid={`print-group-${group}`}>
                <tbody>
                  {RECIPIENT_FIELD_GROUPS[group].map((field) => (
                    <tr key={field}>
                      <th scope="row" className="w-1/3 border border-solid-gray-536 bg-solid-gray-50 px-2 py-1 text-left font-bold">
                        {t(`common:fields.${field}`)}
                      </th>
                      <td className="border border-solid-gray-536 px-2 py-1 whitespace-pre-wrap">{displayValue(field, r[field], t, lang, organisationName)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p data-testid={`print-group-${group}-locked`} className="border border-dashed border-solid-gray-536 px-2 py-1 text-sm">
                {t('recipients:record.locked')}
              </p>
            )}
          </section>
        ))}

        <section className="mt-4" aria-labelledby="print-notes">
          <h2 id="print-notes" className="mb-1 border-l-4 border-solid-gray-900 pl-2 font-bold">
            {t('print:notes')}
          </h2>
          {canReadNotes ? (
            notes.length === 0 ? (
              <p className="text-sm">{t('print:noNotes')}</p>
            ) : (
              <table className="w-full border-collapse text-sm">
                <thead>
                  <tr className="bg-solid-gray-50">
                    <th scope="col" className="w-40 border border-solid-gray-536 px-2 py-1 text-left">
                      {t('print:noteAt')}
                    </th>
                    <th scope="col" className="w-40 border border-solid-gray-536 px-2 py-1 text-left">
                      {t('print:noteBy')}
                    </th>
                    <th scope="col" className="border border-solid-gray-536 px-2 py-1 text-left">
                      {t('print:noteContent')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {notes.map((n) => (
                    <tr key={n.id} className="print-block align-top" data-testid="print-note">
                      <td className="border border-solid-gray-536 px-2 py-1">
                        {formatDateTime(n.occurredAt, lang)}
                        <span className="block">{t(`common:values.contactType.${n.contactType}`)}</span>
                        {n.sensitivity !== 'normal' && <span className="block font-bold">［{t(`common:values.sensitivity.${n.sensitivity}`)}］</span>}
                      </td>
                      <td className="border border-solid-gray-536 px-2 py-1">
                        {names.users[n.authorUserId] ?? '—'}
                        <span className="block text-xs">{organisationName(n.authorOrganisationId)}</span>
                      </td>
                      <td className="border border-solid-gray-536 px-2 py-1 whitespace-pre-wrap">
                        {n.title && <span className="block font-bold">{n.title}</span>}
                        {n.counterpart && <span className="block text-xs">{t('print:counterpart', { counterpart: n.counterpart })}</span>}
                        {n.body}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : (
            <p className="border border-dashed border-solid-gray-536 px-2 py-1 text-sm">{t('print:notesLocked')}</p>
          )}
        </section>

        <footer className="mt-6 border-t border-solid-gray-536 pt-2 text-sm" data-testid="print-footer">
          <p>
            {t('print:printedBy')}: {printedBy.displayName}（{printedBy.organisationName}）
          </p>
          <p>
            {t('print:printedAt')}: {formatDateTime(printedAt, lang)}
          </p>
          <p className="mt-1">{t('print:confidential')}</p>
        </footer>
      </article>
    </>
  );
}
