import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Page, RecipientHistoryEntry } from '#libs/contracts/index.js';
import { api, query } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { formatDateTime } from '../../shared/format/wareki';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert, Panel } from '../../shared/ui/feedback';
import { displayValue } from './recipient-values';

/** Field-level change history (only changes to groups the caller may read: the API leaves the others out). */
export function HistoryPanel({ recipientId }: { recipientId: string }) {
  const { t, i18n } = useTranslation(['recipients', 'common']);
  const organisations = useOrganisations();
  const history = useInfiniteQuery({
    queryKey: queryKeys.history(recipientId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<RecipientHistoryEntry>>(`/recipients/${recipientId}/history${query({ limit: 20, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = history.data?.pages.flatMap((p) => p.items) ?? [];
  const show = (field: string, value: unknown) => displayValue(field, value, t, i18n.language, organisations.name);
  return (
    <Panel title={t('recipients:history.title')} testId="recipient-history">
      <ErrorAlert error={history.error ?? undefined} />
      {entries.length === 0 && !history.isPending && <p>{t('recipients:history.empty')}</p>}
      <ol className="flex flex-col gap-3">
        {entries.map((entry) => (
          <li key={entry.version} data-testid="history-entry" className="rounded-8 border border-solid-gray-200 p-3">
            <p className="text-sm text-solid-gray-700">
              {formatDateTime(entry.at, i18n.language)} · {organisations.name(entry.organisationId)}
            </p>
            <ul className="mt-1 list-disc pl-5">
              {entry.changes.map((c) => (
                <li key={c.field}>
                  <span className="font-bold">{t(`common:fields.${c.field}`)}</span>: {show(c.field, c.from)} → {show(c.field, c.to)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {history.hasNextPage && (
        <Button variant="secondary" className="mt-3" onClick={() => void history.fetchNextPage()}>
          {t('recipients:list.more')}
        </Button>
      )}
    </Panel>
  );
}
