import type { InfiniteData } from '@tanstack/react-query';
import type { NoteJson, Page, RecipientJson } from '#libs/contracts/index.js';
import { queryKeys } from '../api/query-keys';
import { type CacheAction, type LiveContext, liveReducer, upsertNote, withoutRecipient } from './live-reducer';

const R = 'recipient-1';
const note = (id: string, extra: Partial<NoteJson> = {}): NoteJson => ({
  id,
  recipientId: R,
  authorUserId: 'someone-else',
  authorOrganisationId: 'org-b',
  occurredAt: '2026-11-20T01:00:00.000Z',
  contactType: 'visit',
  counterpart: null,
  title: null,
  body: `body ${id}`,
  sensitivity: 'normal',
  version: 1,
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-11-20T01:00:00.000Z',
  ...extra,
});
const notes = (...pages: NoteJson[][]): InfiniteData<Page<NoteJson>> => ({
  pages: pages.map((items, i) => ({ items, nextCursor: i < pages.length - 1 ? `c${i}` : null })),
  pageParams: pages.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});
const envelope = { seq: 7, recipientId: R, at: '2026-11-20T01:00:00.000Z', actorOrganisationId: 'org-b' };
const ctx = (knownVersion?: number): LiveContext => ({ userId: 'me', knownVersion: () => knownVersion });

/** Runs the reducer's actions against a plain Map standing in for the query cache. */
function run(actions: CacheAction[], cache: Map<string, unknown>) {
  const toasts: unknown[] = [];
  const invalidated: string[] = [];
  for (const a of actions) {
    if (a.op === 'update') cache.set(JSON.stringify(a.key), a.updater(cache.get(JSON.stringify(a.key))));
    if (a.op === 'updateAll') {
      const prefix = JSON.stringify(a.prefix).slice(0, -1);
      for (const [k, v] of cache) if (k.startsWith(prefix)) cache.set(k, a.updater(v));
    }
    if (a.op === 'remove') {
      const prefix = JSON.stringify(a.key).slice(0, -1);
      for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
    }
    if (a.op === 'invalidate') invalidated.push(JSON.stringify(a.key));
    if (a.op === 'toast') toasts.push(a.toast);
  }
  return { toasts, invalidated };
}

describe('the live reducer', () => {
  it('puts a note from someone else first in the timeline and marks it new', () => {
    const cache = new Map<string, unknown>([[JSON.stringify(queryKeys.notes(R)), notes([note('a')], [note('b')])]]);
    run(liveReducer({ type: 'note.created', event: { ...envelope, note: note('n') } }, ctx()), cache);
    const data = cache.get(JSON.stringify(queryKeys.notes(R))) as InfiniteData<Page<NoteJson>>;
    expect(data.pages[0].items.map((n) => n.id)).toEqual(['n', 'a']);
    expect(data.pages[1].items.map((n) => n.id)).toEqual(['b']);
    expect(cache.get(JSON.stringify(queryKeys.newNotes(R)))).toEqual(['n']);
  });

  it('does not mark the user’s own note new, and never inserts a note twice (replay after reconnect)', () => {
    const cache = new Map<string, unknown>([[JSON.stringify(queryKeys.notes(R)), notes([note('a')])]]);
    const own = note('mine', { authorUserId: 'me' });
    run(liveReducer({ type: 'note.created', event: { ...envelope, note: own } }, ctx()), cache);
    run(liveReducer({ type: 'note.created', event: { ...envelope, note: own } }, ctx()), cache);
    const data = cache.get(JSON.stringify(queryKeys.notes(R))) as InfiniteData<Page<NoteJson>>;
    expect(data.pages[0].items.map((n) => n.id)).toEqual(['mine', 'a']);
    expect(cache.has(JSON.stringify(queryKeys.newNotes(R)))).toBe(false);
  });

  it('replaces an edited or retracted note in place', () => {
    const cache = new Map<string, unknown>([[JSON.stringify(queryKeys.notes(R)), notes([note('a'), note('b')])]]);
    const edited = note('b', { body: 'changed', version: 2, retractedAt: '2026-11-21T00:00:00.000Z' });
    run(liveReducer({ type: 'note.updated', event: { ...envelope, note: edited } }, ctx()), cache);
    const data = cache.get(JSON.stringify(queryKeys.notes(R))) as InfiniteData<Page<NoteJson>>;
    expect(data.pages[0].items).toEqual([note('a'), edited]);
  });

  it('leaves a timeline that was never loaded alone', () => {
    expect(upsertNote(undefined, note('x'))).toBeUndefined();
  });

  it('refreshes the record on a change by someone else and says who changed which fields', () => {
    const cache = new Map<string, unknown>();
    const message = { type: 'recipient.updated' as const, event: { ...envelope, version: 5, changedFields: ['phone', 'address'] } };
    const { toasts, invalidated } = run(liveReducer(message, ctx(4)), cache);
    expect(toasts).toEqual([{ recipientId: R, organisationId: 'org-b', fields: ['phone', 'address'] }]);
    expect(invalidated).toEqual(
      expect.arrayContaining([JSON.stringify(queryKeys.recipientRecord(R)), JSON.stringify(queryKeys.recipientLists)]),
    );
  });

  it('does not announce the tab’s own save (the cache already has that version)', () => {
    const message = { type: 'recipient.updated' as const, event: { ...envelope, version: 5, changedFields: ['phone'] } };
    expect(run(liveReducer(message, ctx(5)), new Map()).toasts).toEqual([]);
  });

  it('on access.revoked drops every cached value of the recipient, flags it and takes its row out of every list', () => {
    const other = { id: 'other', version: 1 } as RecipientJson;
    const list: InfiniteData<Page<RecipientJson>> = {
      pages: [{ items: [{ id: R, version: 1 } as RecipientJson, other], nextCursor: null }],
      pageParams: [null],
    };
    const cache = new Map<string, unknown>([
      [JSON.stringify(queryKeys.recipientRecord(R)), { id: R, familyName: '髙橋' }],
      [JSON.stringify(queryKeys.notes(R)), notes([note('a')])],
      [JSON.stringify(queryKeys.recipientList({ q: '' })), list],
      [JSON.stringify(queryKeys.recipientList({ q: 'たかはし' })), list],
      [JSON.stringify(queryKeys.recipientRecord('other')), other],
    ]);
    run(liveReducer({ type: 'access.revoked', event: { recipientId: R } }, ctx()), cache);
    expect(cache.has(JSON.stringify(queryKeys.recipientRecord(R)))).toBe(false);
    expect(cache.has(JSON.stringify(queryKeys.notes(R)))).toBe(false);
    expect(cache.get(JSON.stringify(queryKeys.revoked(R)))).toBe(true);
    for (const q of ['', 'たかはし']) {
      const data = cache.get(JSON.stringify(queryKeys.recipientList({ q }))) as InfiniteData<Page<RecipientJson>>;
      expect(data.pages[0].items.map((r) => r.id)).toEqual(['other']);
    }
    expect(cache.get(JSON.stringify(queryKeys.recipientRecord('other')))).toBe(other);
    expect(withoutRecipient(undefined, R)).toBeUndefined();
  });

  it('treats a refused resubscription (access lost while disconnected) like a revocation', () => {
    const cache = new Map<string, unknown>([[JSON.stringify(queryKeys.recipientRecord(R)), { id: R }]]);
    run(liveReducer({ type: 'subscription.refused', recipientId: R }, ctx()), cache);
    expect(cache.has(JSON.stringify(queryKeys.recipientRecord(R)))).toBe(false);
    expect(cache.get(JSON.stringify(queryKeys.revoked(R)))).toBe(true);
  });

  it('reloads everything about the record when the replay is no longer available', () => {
    const { invalidated } = run(liveReducer({ type: 'replay.unavailable', recipientId: R }, ctx()), new Map());
    expect(invalidated).toEqual([JSON.stringify(queryKeys.recipient(R))]);
  });

  it('refreshes grants, the record and the lists on grant events', () => {
    const grant = {
      id: 'g',
      recipientId: R,
      granteeOrganisationId: 'org-b',
      fieldGroups: ['basic'],
      permissions: [],
      legalBasis: 'consent',
      validFrom: '2026-11-20T00:00:00.000Z',
      validUntil: null,
      revokedAt: null,
    };
    const { invalidated } = run(liveReducer({ type: 'grant.created', event: { ...envelope, grant } }, ctx()), new Map());
    expect(invalidated).toEqual([
      JSON.stringify(queryKeys.grants(R)),
      JSON.stringify(queryKeys.recipientRecord(R)),
      JSON.stringify(queryKeys.recipientLists),
    ]);
  });
});
