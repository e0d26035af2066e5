import { useQuery } from '@tanstack/react-query';
import type { OrganisationJson, Page } from '#libs/contracts/index.js';
import { api } from './client';
import { queryKeys } from './query-keys';

/** Every organisation (any user may list them, to pick grantees and to name authors), by id. */
export function useOrganisations() {
  const query = useQuery({
    queryKey: queryKeys.organisations,
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      const all: OrganisationJson[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<OrganisationJson> = await api.get(`/organisations?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, signal);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
  });
  const byId = new Map((query.data ?? []).map((o) => [o.id, o]));
  return { list: query.data ?? [], byId, name: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? '—') : '—') };
}
