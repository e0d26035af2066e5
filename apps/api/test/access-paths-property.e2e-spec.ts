import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { NOTE_SENSITIVITIES, type NoteSensitivity } from '#libs/contracts/index.js';
import { kanaSortKey } from '#libs/japanese-names/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { type GrantSpec, grantArb, insertGrants, oracle, type OracleAccess } from './access-oracle.js';
import { TestApp } from './harness.js';
import { connect, emitAck, OpenSockets, record, until } from './live-client.js';
import { groupsIn } from './recipient-fixtures.js';

/**
 * Every path that returns recipient data must agree with one deliberately simple oracle of shared/API.md: the single
 * read, the note list, live delivery (subscribe, then notes written through the API) and live replay (`sinceSeq`)
 * after the grants have changed. Random organisations' grants (active, revoked, expired, not yet valid, ending later)
 * and notes of every sensitivity by every organisation are written straight into the database.
 */
const ORGS = 3;
interface NoteSpec {
  recipient: number;
  author: number;
  sensitivity: NoteSensitivity;
}
interface Scenario {
  leads: number[];
  grants: GrantSpec[];
  notes: NoteSpec[];
  /** Notes written through the API while every organisation listens (by an organisation that may write them). */
  liveNotes: NoteSpec[];
  /** After the live part: these grants (by index) are revoked, and these new ones made, before the replay. */
  revoke: number[];
  added: GrantSpec[];
}

const noteArb = (recipients: number) =>
  fc.record({ recipient: fc.nat(recipients - 1), author: fc.nat(ORGS - 1), sensitivity: fc.constantFrom(...NOTE_SENSITIVITIES) });

const scenarioArb: fc.Arbitrary<Scenario> = fc.array(fc.nat(ORGS - 1), { minLength: 1, maxLength: 3 }).chain((leads) =>
  fc.record({
    leads: fc.constant(leads),
    grants: fc.array(grantArb(leads.length, ORGS, ['active', 'active', 'until_later', 'revoked', 'expired', 'future']), { maxLength: 6 }),
    notes: fc.array(noteArb(leads.length), { maxLength: 6 }),
    liveNotes: fc.array(noteArb(leads.length), { minLength: 1, maxLength: 4 }),
    revoke: fc.array(fc.nat(5), { maxLength: 2 }),
    added: fc.array(grantArb(leads.length, ORGS, ['active']), { maxLength: 2 }),
  }),
);

/** shared/API.md "Notes", written out plainly. */
function readsNote(access: OracleAccess | null, org: number, note: NoteSpec): boolean {
  if (!access) return false;
  if (note.author === org) return true;
  const readsNotes = access.lead || access.permissions.includes('notes.read');
  if (note.sensitivity === 'normal') return readsNotes;
  if (note.sensitivity === 'sensitive') return readsNotes && access.groups.includes('health');
  return false;
}

const writesNotes = (access: OracleAccess | null) => access !== null && (access.lead || access.permissions.includes('notes.write'));

describe('access on every path: single read, note list, live delivery and replay agree with one oracle', () => {
  let t: TestApp;
  const orgs: { id: string; userId: string; token: string }[] = [];
  const sockets = new OpenSockets();

  beforeAll(async () => {
    t = await TestApp.start();
    for (let i = 0; i < ORGS; i++) {
      const a = await t.actor('caseworker', 'municipal_department');
      orgs.push({ id: a.organisationId, userId: a.id, token: a.token });
    }
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  /** Every page of a recipient's notes as `org` lists them: the ids, or the refusal's status and code. */
  async function listNotes(org: number, recipientId: string): Promise<{ status: number; code?: string; ids: string[] }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await t.get(`/recipients/${recipientId}/notes?limit=3${cursor ? `&cursor=${cursor}` : ''}`, orgs[org].token);
      if (res.status !== 200) return { status: res.status, code: res.body?.code, ids };
      ids.push(...res.body.items.map((n: { id: string }) => n.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return { status: 200, ids: ids.sort() };
  }

  it('agree over random grants and notes (40 runs)', async () => {
    let checks = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const ids = s.leads.map(() => uuidv7());
        await t.ownerQuery(
          `INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, search_key, kana_sort_key)
           SELECT x.id, x.by, x.lead, 'Q-' || x.id, 'p', 'q', 'pq', $2 FROM json_to_recordset($1::json) AS x(id uuid, by uuid, lead uuid)`,
          [JSON.stringify(s.leads.map((lead, i) => ({ id: ids[i], by: orgs[lead].userId, lead: orgs[lead].id }))), kanaSortKey(null, null)],
        );
        const grantIds = await insertGrants(t, orgs, ids, s.leads, s.grants);
        const noteIds = s.notes.map(() => uuidv7());
        if (s.notes.length > 0) {
          await t.ownerQuery(
            `INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type, body, sensitivity)
             SELECT x.id, x.recipient, x.by, x.org, now(), 'visit', 'n', x.sensitivity
               FROM json_to_recordset($1::json) AS x(id uuid, recipient uuid, by uuid, org uuid, sensitivity text)`,
            [JSON.stringify(s.notes.map((n, i) => ({ id: noteIds[i], recipient: ids[n.recipient], by: orgs[n.author].userId, org: orgs[n.author].id, sensitivity: n.sensitivity })))],
          );
        }
        const access = (org: number, r: number) => oracle(s.leads, s.grants, org, r);

        // REST: the single read and the note list of every organisation on every recipient.
        for (let o = 0; o < ORGS; o++) {
          for (let r = 0; r < ids.length; r++) {
            const want = access(o, r);
            const read = await t.get(`/recipients/${ids[r]}`, orgs[o].token);
            const notes = await listNotes(o, ids[r]);
            checks += 2;
            if (want === null) {
              expect([read.status, notes.status]).toEqual([404, 404]);
              continue;
            }
            expect(read.status).toBe(200);
            expect(groupsIn(read.body)).toEqual(want.groups);
            const readable = s.notes.map((n, i) => (n.recipient === r && readsNote(want, o, n) ? noteIds[i] : null)).filter(Boolean);
            const wroteHere = s.notes.some((n) => n.recipient === r && n.author === o);
            if (!want.lead && !want.permissions.includes('notes.read') && !want.permissions.includes('notes.write') && !wroteHere) {
              expect(notes).toEqual({ status: 403, code: 'GRANT_SCOPE_MISSING', ids: [] });
            } else {
              expect(notes).toEqual({ status: 200, ids: readable.sort() });
            }
          }
        }

        // Live: every organisation subscribes to every recipient; notes are written through the API; then one change of
        // a basic field (which every subscriber reads) marks the end: whatever arrives before it is all that arrives.
        const [{ last_seq: since }] = await t.ownerQuery(`SELECT last_seq FROM live_sequencer WHERE id = 1`);
        const listeners: { socket: Socket; seen: { event: string; body: any }[] }[] = [];
        for (let o = 0; o < ORGS; o++) {
          const socket = sockets.track(await connect(t.baseUrl, { token: orgs[o].token }));
          const seen = record(socket, ['note.created', 'recipient.updated']);
          for (let r = 0; r < ids.length; r++) {
            const ack = await emitAck(socket, 'subscribe', { recipientId: ids[r] });
            expect(ack).toMatchObject(access(o, r) ? { ok: true } : { ok: false, code: 'NOT_FOUND' });
          }
          listeners.push({ socket, seen });
        }
        const written: { spec: NoteSpec; id: string }[] = [];
        for (const spec of s.liveNotes) {
          const res = await t.post(`/recipients/${ids[spec.recipient]}/notes`, orgs[spec.author].token, {
            occurredAt: '2026-11-20T10:00:00.000Z',
            contactType: 'visit',
            body: 'live',
            sensitivity: spec.sensitivity,
          });
          const want = access(spec.author, spec.recipient);
          expect(res.status).toBe(want === null ? 404 : writesNotes(want) ? 201 : 403);
          if (res.status === 201) written.push({ spec, id: res.body.id });
        }
        for (let r = 0; r < ids.length; r++) {
          const lead = orgs[s.leads[r]].token;
          const current = await t.get(`/recipients/${ids[r]}`, lead);
          const res = await t.patch(`/recipients/${ids[r]}`, lead, { familyName: `end${r}` }, { 'if-match': `"${current.body.version}"` });
          expect(res.status).toBe(200);
        }
        for (let o = 0; o < ORGS; o++) {
          const { socket, seen } = listeners[o];
          const visible = ids.filter((_, r) => access(o, r) !== null);
          await until(socket, seen, (all) => visible.every((id) => all.some((e) => e.event === 'recipient.updated' && e.body.recipientId === id)));
          const got = seen.filter((e) => e.event === 'note.created').map((e) => e.body.note.id).sort();
          const want = written.filter((w) => readsNote(access(o, w.spec.recipient), o, w.spec)).map((w) => w.id).sort();
          expect(got).toEqual(want);
          checks++;
        }

        // Replay after the grants changed: a new subscription with sinceSeq gets the events under the access of now.
        const revoked = [...new Set(s.revoke)].filter((i) => i < grantIds.length);
        if (revoked.length > 0) {
          await t.ownerQuery(`UPDATE grants SET revoked_at = now(), revoked_by = granted_by, revoke_reason = 'x' WHERE id = ANY ($1::uuid[]) AND revoked_at IS NULL`, [
            revoked.map((i) => grantIds[i]),
          ]);
        }
        await insertGrants(t, orgs, ids, s.leads, s.added);
        const after: GrantSpec[] = [
          ...s.grants.map((g, i) => (revoked.includes(i) ? { ...g, state: 'revoked' as const } : g)),
          ...s.added,
        ];
        const accessNow = (org: number, r: number) => oracle(s.leads, after, org, r);
        for (let o = 0; o < ORGS; o++) {
          for (let r = 0; r < ids.length; r++) {
            const socket = sockets.track(await connect(t.baseUrl, { token: orgs[o].token }));
            const seen = record(socket, ['note.created', 'recipient.updated']);
            const ack = await emitAck(socket, 'subscribe', { recipientId: ids[r], sinceSeq: Number(since) });
            const now = accessNow(o, r);
            checks++;
            if (now === null) {
              expect(ack).toMatchObject({ ok: false, code: 'NOT_FOUND' });
              expect(seen).toEqual([]);
            } else {
              expect(ack).toMatchObject({ ok: true });
              // The replay is sent before the answer to the subscribe: everything is here.
              const got = seen.filter((e) => e.event === 'note.created').map((e) => e.body.note.id).sort();
              const want = written.filter((w) => w.spec.recipient === r && readsNote(now, o, w.spec)).map((w) => w.id).sort();
              expect(got).toEqual(want);
              expect(seen.filter((e) => e.event === 'recipient.updated')).toHaveLength(1);
            }
            socket.close();
          }
        }
        sockets.closeAll();
      }),
      { numRuns: 40 },
    );
    expect(checks).toBeGreaterThan(40 * ORGS);
  }, 240_000);
});
