import type { InfiniteData, QueryKey } from '@tanstack/react-query';
import type { LiveEnvelope, LiveGrantSummary, NoteJson, Page, RecipientJson } from '#libs/contracts/index.js';
import { queryKeys } from '../api/query-keys';

/** What the live connection hands to the cache: the server's events plus the client's own subscription outcomes. */
export type LiveMessage =
  | { type: 'recipient.updated'; event: LiveEnvelope & { version: number; changedFields: string[] } }
  | { type: 'note.created' | 'note.updated'; event: LiveEnvelope & { note: NoteJson } }
  | { type: 'grant.created' | 'grant.revoked'; event: LiveEnvelope & { grant: LiveGrantSummary } }
  | { type: 'access.revoked'; event: { recipientId: string } }
  /** The server no longer has the events since our last one: everything about the record is read again. */
  | { type: 'replay.unavailable'; recipientId: string }
  /** A (re)subscription was refused as NOT_FOUND: the caller can no longer see the record. */
  | { type: 'subscription.refused'; recipientId: string };

export interface LiveToast {
  recipientId: string;
  organisationId: string | null;
  fields: string[];
}

export type CacheAction =
  | { op: 'update'; key: QueryKey; updater: (old: unknown) => unknown }
  /** Every cached query under a key prefix (all recipient lists). */
  | { op: 'updateAll'; prefix: QueryKey; updater: (old: unknown) => unknown }
  | { op: 'invalidate'; key: QueryKey }
  | { op: 'remove'; key: QueryKey }
  | { op: 'toast'; toast: LiveToast };

export interface LiveContext {
  userId: string;
  /** The version of the record as this tab last read or saved it, if cached. */
  knownVersion(recipientId: string): number | undefined;
}

type NotesData = InfiniteData<Page<NoteJson>>;
type ListData = InfiniteData<Page<RecipientJson>>;

/** Puts a note into the cached timeline: replaced in place when present, else first (the list is newest first). */
export function upsertNote(data: NotesData | undefined, note: NoteJson): NotesData | undefined {
  if (!data || data.pages.length === 0) return data;
  const present = data.pages.some((p) => p.items.some((n) => n.id === note.id));
  if (present) {
    return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((n) => (n.id === note.id ? note : n)) })) };
  }
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first, items: [note, ...first.items] }, ...rest] };
}

export function withoutRecipient(data: ListData | undefined, recipientId: string): ListData | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((r) => r.id !== recipientId) })) };
}

/**
 * The one place where live events change cached server state. Pure: it only describes the changes; `applyLive`
 * performs them on the QueryClient.
 */
export function liveReducer(message: LiveMessage, ctx: LiveContext): CacheAction[] {
  switch (message.type) {
    case 'note.created':
    case 'note.updated': {
      const { note, recipientId } = message.event;
      const actions: CacheAction[] = [{ op: 'update', key: queryKeys.notes(recipientId), updater: (old) => upsertNote(old as NotesData, note) }];
      if (message.type === 'note.created' && note.authorUserId !== ctx.userId) {
        actions.push({
          op: 'update',
          key: queryKeys.newNotes(recipientId),
          updater: (old) => [...new Set([...((old as string[] | undefined) ?? []), note.id])],
        });
      }
      return actions;
    }
    case 'recipient.updated': {
      const { recipientId, version, changedFields, actorOrganisationId } = message.event;
      const actions: CacheAction[] = [
        { op: 'invalidate', key: queryKeys.recipientRecord(recipientId) },
        { op: 'invalidate', key: queryKeys.history(recipientId) },
        { op: 'invalidate', key: queryKeys.recipientLists },
      ];
      // Our own save already put this version into the cache: nothing to announce.
      const known = ctx.knownVersion(recipientId);
      if (known === undefined || known < version) {
        actions.push({ op: 'toast', toast: { recipientId, organisationId: actorOrganisationId, fields: changedFields } });
      }
      return actions;
    }
    case 'grant.created':
    case 'grant.revoked': {
      const recipientId = message.event.grant.recipientId;
      return [
        { op: 'invalidate', key: queryKeys.grants(recipientId) },
        { op: 'invalidate', key: queryKeys.recipientRecord(recipientId) },
        { op: 'invalidate', key: queryKeys.recipientLists },
      ];
    }
    case 'access.revoked':
    case 'subscription.refused': {
      const recipientId = message.type === 'access.revoked' ? message.event.recipientId : message.recipientId;
      return [
        { op: 'remove', key: queryKeys.recipient(recipientId) },
        { op: 'update', key: queryKeys.revoked(recipientId), updater: () => true },
        { op: 'updateAll', prefix: queryKeys.recipientLists, updater: (old) => withoutRecipient(old as ListData, recipientId) },
      ];
    }
    case 'replay.unavailable':
      return [{ op: 'invalidate', key: queryKeys.recipient(message.recipientId) }];
  }
}
