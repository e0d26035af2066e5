import { useQuery } from '@tanstack/react-query';
import type { ConsentJson, GrantJson, Page } from '#libs/contracts/index.js';
import { api } from '../../shared/api/client';
import { queryKeys } from '../../shared/api/query-keys';

/** The recipient's grants: all of them for the lead organisation, its own for a grantee. */
export const useGrants = (recipientId: string) =>
  useQuery({
    queryKey: queryKeys.grants(recipientId),
    queryFn: ({ signal }) => api.get<Page<GrantJson>>(`/recipients/${recipientId}/grants?limit=200`, signal),
  });

export const useConsents = (recipientId: string) =>
  useQuery({
    queryKey: queryKeys.consents(recipientId),
    queryFn: ({ signal }) => api.get<Page<ConsentJson>>(`/recipients/${recipientId}/consents?limit=200`, signal),
  });
