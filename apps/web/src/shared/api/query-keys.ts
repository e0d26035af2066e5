/**
 * Every TanStack Query key, in one place. Keys are hierarchical so that one call reaches a whole subtree:
 * removing `recipient(id)` drops the record, its notes, history, grants and consents at once (access revoked).
 */
export const queryKeys = {
  me: ['me'] as const,
  organisations: ['organisations'] as const,
  recipientLists: ['recipients', 'list'] as const,
  recipientList: (filters: { q?: string; status?: string; category?: string }) => ['recipients', 'list', filters] as const,
  recipient: (id: string) => ['recipients', 'detail', id] as const,
  recipientRecord: (id: string) => ['recipients', 'detail', id, 'record'] as const,
  history: (id: string) => ['recipients', 'detail', id, 'history'] as const,
  notes: (id: string) => ['recipients', 'detail', id, 'notes'] as const,
  grants: (id: string) => ['recipients', 'detail', id, 'grants'] as const,
  consents: (id: string) => ['recipients', 'detail', id, 'consents'] as const,
  /** Live-only state kept beside the data: ids of notes that arrived live (marked new), and access ended. */
  newNotes: (id: string) => ['live', 'new-notes', id] as const,
  revoked: (id: string) => ['live', 'revoked', id] as const,
  /** The printable record: under the recipient, so that access ending drops it with the rest. */
  print: (id: string) => ['recipients', 'detail', id, 'print'] as const,
  auditEvents: (params: Record<string, string>) => ['audit', 'events', params] as const,
  auditVerifyJob: (id: string) => ['audit', 'verify-jobs', id] as const,
  users: ['users'] as const,
  userList: (filters: { organisationId?: string }) => ['users', 'list', filters] as const,
};
