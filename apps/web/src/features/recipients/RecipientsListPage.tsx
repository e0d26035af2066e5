import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LEAD_CAPABLE_KINDS, type Page, RECIPIENT_STATUSES, type RecipientJson, SUPPORT_CATEGORIES } from '#libs/contracts/index.js';
import { api, query } from '../../shared/api/client';
import { useOrganisations } from '../../shared/api/organisations';
import { queryKeys } from '../../shared/api/query-keys';
import { useLive } from '../../shared/live/live-context';
import { useMe } from '../../shared/session/session';
import { Button } from '../../shared/ui/Button';
import { ErrorAlert } from '../../shared/ui/feedback';
import { SelectField, TextField } from '../../shared/ui/fields';
import { CreateRecipientDialog } from './CreateRecipientDialog';
import { displayValue, fullKana, fullName } from './recipient-values';
import { useDebounced, usePageTitle } from './hooks';

const PAGE_SIZE = 50;
/** Rows whose changes arrive live (the server's per-socket subscription budget is shared with the open record). */
const LIVE_ROWS = 30;

export function RecipientsListPage() {
  const { t, i18n } = useTranslation(['recipients', 'common']);
  usePageTitle(t('recipients:list.title'));
  const { organisation } = useMe();
  const organisations = useOrganisations();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState('');
  const [creating, setCreating] = useState(false);
  const q = useDebounced(search.trim(), 300);
  const filters = { q, status, category, sort };

  const list = useInfiniteQuery({
    queryKey: queryKeys.recipientList(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<RecipientJson>>(`/recipients${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  // Infinite scroll: the next page loads when the end of the table comes into view (or by the button, for keyboards).
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [list]);

  useLiveRows(rows.slice(0, LIVE_ROWS).map((r) => r.id));

  const canCreate = LEAD_CAPABLE_KINDS.includes(organisation.kind);
  const lang = i18n.language;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t('recipients:list.title')}</h1>
        {canCreate && (
          <Button data-testid="recipient-create" onClick={() => setCreating(true)}>
            {t('recipients:create.open')}
          </Button>
        )}
      </div>
      <div role="search" className="grid gap-3 rounded-12 bg-white p-4 shadow-1 md:grid-cols-[2fr_1fr_1fr_1fr]" aria-label={t('recipients:list.filters')}>
        <TextField
          label={t('recipients:list.search')}
          hint={t('recipients:list.searchHint')}
          type="search"
          data-testid="recipient-search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <SelectField
          label={t('common:fields.status')}
          data-testid="recipient-filter-status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[{ value: '', label: t('recipients:list.all') }, ...RECIPIENT_STATUSES.map((s) => ({ value: s, label: t(`common:values.status.${s}`) }))]}
        />
        <SelectField
          label={t('common:fields.supportCategories')}
          data-testid="recipient-filter-category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          options={[{ value: '', label: t('recipients:list.all') }, ...SUPPORT_CATEGORIES.map((c) => ({ value: c, label: t(`common:values.supportCategories.${c}`) }))]}
        />
        <SelectField
          label={t('recipients:list.sort')}
          data-testid="recipient-sort"
          value={sort}
          onChange={(e) => setSort(e.target.value)}
          options={[
            { value: '', label: t('recipients:list.sortUpdated') },
            { value: 'kana', label: t('recipients:list.sortKana') },
          ]}
        />
      </div>
      {list.error && <ErrorAlert error={list.error} />}
      <div className="overflow-x-auto rounded-12 bg-white shadow-1">
        <table className="w-full min-w-[44rem] border-collapse text-left">
          <caption className="sr-only">{t('recipients:list.caption')}</caption>
          <thead className="bg-solid-gray-50">
            <tr>
              {(['caseNumber', 'name', 'birthDate', 'status', 'supportCategories', 'leadOrganisationId'] as const).map((c) => (
                <th key={c} scope="col" className="border-b border-solid-gray-200 px-3 py-2 text-sm font-bold">
                  {c === 'name' ? t('recipients:list.name') : t(`common:fields.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody aria-live="polite" aria-busy={list.isFetching}>
            {rows.map((r) => (
              <tr key={r.id} data-testid="recipient-row" data-recipient-id={r.id} className="border-b border-solid-gray-100 hover:bg-blue-50">
                <td className="px-3 py-2 font-mono text-sm">{String(r.caseNumber ?? '')}</td>
                <td className="px-3 py-2">
                  <Link to={`/recipients/${r.id}`} className="font-bold text-blue-900 underline underline-offset-4">
                    {fullName(r)}
                  </Link>
                  <div className="text-sm text-solid-gray-700">{fullKana(r)}</div>
                </td>
                <td className="px-3 py-2 text-sm">{displayValue('birthDate', r.birthDate, t, lang, organisations.name)}</td>
                <td className="px-3 py-2 text-sm">{displayValue('status', r.status, t, lang, organisations.name)}</td>
                <td className="px-3 py-2 text-sm">{displayValue('supportCategories', r.supportCategories, t, lang, organisations.name)}</td>
                <td className="px-3 py-2 text-sm">{organisations.name(r.leadOrganisationId as string)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!list.isPending && rows.length === 0 && <p className="p-4">{t('recipients:list.empty')}</p>}
        {list.isPending && (
          <p role="status" className="p-4">
            {t('common:loading')}
          </p>
        )}
        <div ref={sentinel} className="flex justify-center p-3">
          {list.hasNextPage && (
            <Button variant="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? t('common:loading') : t('recipients:list.more')}
            </Button>
          )}
        </div>
      </div>
      {canCreate && <CreateRecipientDialog open={creating} onClose={() => setCreating(false)} />}
    </div>
  );
}

/** Subscribes to the listed recipients so that their rows follow changes made elsewhere. */
function useLiveRows(ids: string[]) {
  const { client } = useLive();
  const key = ids.join(',');
  useEffect(() => {
    if (!client || !key) return;
    const list = key.split(',');
    for (const id of list) client.subscribe(id);
    return () => {
      for (const id of list) client.unsubscribe(id);
    };
  }, [client, key]);
}
