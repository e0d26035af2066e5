import pg from 'pg';
import { LiveOutbox } from '#libs/outbox/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { TestApp } from './harness.js';
import { emitAck, nextEvent, OpenSockets, record, until } from './live-client.js';
import { createRecipient, grant } from './recipient-fixtures.js';

type Seen = Array<{ event: string; body: any }>;
const EVENTS = ['recipient.updated', 'note.created', 'note.updated', 'grant.created', 'grant.revoked', 'access.revoked'];

/**
 * Live updates under the access rules, on two instances over one database: subscriptions, per-receiver projection,
 * eviction (revocation, consent withdrawal, expiry) and replay across reconnects.
 */
describe('live updates: access-respecting delivery, eviction and replay', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets = new OpenSockets();
  const open = (app: TestApp, token: string) => sockets.open(app, token);

  beforeAll(async () => {
    a = await TestApp.start();
    b = await TestApp.start({}, { database: a.db, live: { maxSubscriptions: 3 } });
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function patch(token: string, recipientId: string, body: Record<string, unknown>) {
    const current = await a.get(`/recipients/${recipientId}`, token);
    const res = await a.patch(`/recipients/${recipientId}`, token, body, { 'if-match': `"${current.body.version}"` });
    if (res.status !== 200) throw new Error(`patch: ${res.status} ${res.text}`);
    return res.body;
  }

  /** A lead organisation with a recipient, and a partner organisation granted `groups` on it. */
  async function scenario(groups: string[] = ['basic'], permissions: string[] = [], extra: Record<string, unknown> = {}) {
    const lead = await a.actor();
    const partner = await a.actor('caseworker', 'community_support_center');
    const recipient = await createRecipient(a, lead.token);
    const g = await grant(a, lead.token, recipient.id, partner.organisationId, groups as any, permissions as any, extra as any);
    return { lead, partner, recipient, grant: g };
  }

  it('subscribe: NOT_FOUND for an organisation without a grant, an auditor or an unknown recipient; ok for lead and grantee', async () => {
    const { lead, partner, recipient } = await scenario();
    const stranger = await a.actor('caseworker', 'medical');
    const auditor = await a.user(lead.organisationId, 'auditor');
    const s = await open(a, stranger.token);
    expect(await emitAck(s, 'subscribe', { recipientId: recipient.id })).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await emitAck(s, 'subscribe', { recipientId: uuidv7() })).toEqual({ ok: false, code: 'NOT_FOUND' });
    const au = await open(a, await a.tokenFor(auditor.id));
    expect(await emitAck(au, 'subscribe', { recipientId: recipient.id })).toEqual({ ok: false, code: 'NOT_FOUND' });
    const l = await open(a, lead.token);
    const p = await open(b, partner.token);
    expect(await emitAck(l, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true, seq: expect.any(Number) });
    expect(await emitAck(p, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true, seq: expect.any(Number) });
  });

  it('recipient.updated carries only the changed field names each receiver may read, across instances', async () => {
    const { lead, partner, recipient } = await scenario(['basic', 'contact']);
    const l = await open(a, lead.token);
    const p = await open(b, partner.token);
    // grant.* of the set-up may still be in flight to the organisation rooms: watch updates only.
    const leadSeen = record(l, ['recipient.updated']);
    const partnerSeen = record(p, ['recipient.updated']);
    await emitAck(l, 'subscribe', { recipientId: recipient.id });
    await emitAck(p, 'subscribe', { recipientId: recipient.id });

    const updated = await patch(lead.token, recipient.id, { familyName: '佐藤', address: '三条市旭町2-1', healthNotes: '通院中' });
    await until(l, leadSeen, (s) => s.length === 1);
    await until(p, partnerSeen, (s) => s.length === 1);
    expect(leadSeen[0]).toMatchObject({
      event: 'recipient.updated',
      body: { recipientId: recipient.id, version: updated.version, actorOrganisationId: lead.organisationId },
    });
    expect(leadSeen[0].body.changedFields.sort()).toEqual(['address', 'familyName', 'healthNotes']);
    expect(partnerSeen[0].body.changedFields.sort()).toEqual(['address', 'familyName']);
    expect(partnerSeen[0].body.seq).toBe(leadSeen[0].body.seq);
    // No values ever travel in the event.
    expect(JSON.stringify(partnerSeen[0].body)).not.toContain('佐藤');

    // A change the partner may not read at all reaches the lead only; the next readable one reaches both, in order.
    await patch(lead.token, recipient.id, { healthNotes: '入院' });
    await patch(lead.token, recipient.id, { givenName: '花子' });
    await until(l, leadSeen, (s) => s.length === 3);
    await until(p, partnerSeen, (s) => s.length === 2);
    expect(partnerSeen.map((s) => s.body.changedFields)).toEqual([expect.any(Array), ['givenName']]);
    expect(leadSeen[2].body.seq).toBe(partnerSeen[1].body.seq);
  });

  it('revocation on one instance evicts the grantee on the other at once; nothing about the recipient follows', async () => {
    const { lead, partner, recipient, grant: g } = await scenario(['basic']);
    const p = await open(b, partner.token);
    const seen = record(p, EVENTS);
    await emitAck(p, 'subscribe', { recipientId: recipient.id });
    const revoked = await a.post(`/recipients/${recipient.id}/grants/${g.id}/revoke`, lead.token, { reason: '支援終了' });
    expect(revoked.status).toBe(200);
    await until(p, seen, (s) => s.some((x) => x.event === 'access.revoked'));
    expect(seen.find((x) => x.event === 'grant.revoked')?.body).toMatchObject({
      recipientId: recipient.id,
      grant: { id: g.id, granteeOrganisationId: partner.organisationId },
    });
    expect(seen.find((x) => x.event === 'access.revoked')?.body).toEqual({ recipientId: recipient.id });

    // A later change, then a barrier event addressed to the partner's organisation: the barrier arrives, the change does not.
    await patch(lead.token, recipient.id, { familyName: '後藤' });
    const other = await createRecipient(a, lead.token);
    await grant(a, lead.token, other.id, partner.organisationId);
    await until(p, seen, (s) => s.some((x) => x.event === 'grant.created' && x.body.recipientId === other.id));
    expect(seen.filter((x) => x.event === 'recipient.updated')).toEqual([]);
    expect(await emitAck(p, 'subscribe', { recipientId: recipient.id })).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  it('consent withdrawal evicts the organisations whose grants rested on it', async () => {
    const lead = await a.actor();
    const partner = await a.actor('caseworker', 'community_support_center');
    const recipient = await createRecipient(a, lead.token);
    const consent = await a.post(`/recipients/${recipient.id}/consents`, lead.token, {
      organisationIds: [partner.organisationId],
      fieldGroups: ['basic'],
      purpose: '見守り支援',
      obtainedOn: '2026-11-01',
      method: 'written',
      signatory: 'self',
    });
    expect(consent.status).toBe(201);
    await grant(a, lead.token, recipient.id, partner.organisationId, ['basic'], [], { legalBasis: 'consent', consentId: consent.body.id });
    const p = await open(b, partner.token);
    expect(await emitAck(p, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    const evicted = nextEvent(p, 'access.revoked');
    const res = await a.post(`/recipients/${recipient.id}/consents/${consent.body.id}/withdraw`, lead.token, { reason: '本人の申出' });
    expect(res.status).toBe(200);
    expect(await evicted).toEqual({ recipientId: recipient.id });
  });

  it('a grant that expires evicts its subscribers within a second of validUntil, on every instance', async () => {
    const validUntil = new Date(Date.now() + 1500);
    const { partner, recipient } = await scenario(['basic'], [], { validUntil: validUntil.toISOString() });
    const onA = await open(a, partner.token);
    const onB = await open(b, partner.token);
    expect(await emitAck(onA, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    expect(await emitAck(onB, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    const [x, y] = await Promise.all([nextEvent(onA, 'access.revoked', 4000), nextEvent(onB, 'access.revoked', 4000)]);
    const late = Date.now() - validUntil.getTime();
    expect(x).toEqual({ recipientId: recipient.id });
    expect(y).toEqual({ recipientId: recipient.id });
    expect(late).toBeLessThan(1000);
  });

  it('replays after a reconnect from sinceSeq: in order, no gap, no duplicate, a late commit included, projected as of now', async () => {
    const { lead, partner, recipient } = await scenario(['basic', 'contact']);
    let p = await open(b, partner.token);
    let seen: Seen = record(p, ['recipient.updated']);
    await emitAck(p, 'subscribe', { recipientId: recipient.id });
    await patch(lead.token, recipient.id, { familyName: '一' });
    await until(p, seen, (s) => s.length === 1);
    const lastSeen = seen[0].body.seq;
    p.close();

    // While away: two changes, and one event whose transaction began first but commits last.
    const slow = new pg.Client({ connectionString: a.db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO live_events (recipient_id, type, payload, actor_organisation_id)
         VALUES ($1, 'recipient.updated', $2, $3)`,
        [recipient.id, JSON.stringify({ version: 99, changedFields: ['phone'] }), lead.organisationId],
      );
      await slow.query(`SELECT pg_notify('live_new', '')`);
      await patch(lead.token, recipient.id, { familyName: '二' });
      await patch(lead.token, recipient.id, { address: '三条市' });

      p = await open(b, partner.token);
      seen = record(p, ['recipient.updated']);
      const ack = await emitAck(p, 'subscribe', { recipientId: recipient.id, sinceSeq: lastSeen });
      expect(ack).toMatchObject({ ok: true });
      expect(seen.map((s) => s.body.changedFields)).toEqual([['familyName'], ['address']]);

      await slow.query('COMMIT');
      await patch(lead.token, recipient.id, { givenName: '三' });
      await until(p, seen, (s) => s.length === 4);
      expect(seen.map((s) => s.body.changedFields)).toEqual([['familyName'], ['address'], ['phone'], ['givenName']]);
      const seqs = seen.map((s) => s.body.seq);
      expect(seqs).toEqual([...seqs].sort((m, n) => m - n));
      expect(new Set(seqs).size).toBe(4);
      expect(seqs[0]).toBeGreaterThan(lastSeen);
    } finally {
      await slow.end();
    }

    // Replay is projected with the access the caller has now: narrow the grant to basic, replay everything again.
    const narrow = await a.actor('caseworker', 'medical');
    await grant(a, lead.token, recipient.id, narrow.organisationId, ['basic']);
    const n = await open(a, narrow.token);
    const narrowSeen = record(n, EVENTS);
    await emitAck(n, 'subscribe', { recipientId: recipient.id, sinceSeq: lastSeen - 1 });
    const narrowUpdates = narrowSeen.filter((s) => s.event === 'recipient.updated');
    expect(narrowUpdates.map((s) => s.body.changedFields)).toEqual([['familyName'], ['familyName'], ['givenName']]);
  });

  it('a subscription with sinceSeq made while events pour in from both instances gets each one exactly once', async () => {
    const lead = await a.actor();
    const recipient = await createRecipient(a, lead.token);
    const publish = (app: TestApp, version: number) =>
      app.dataSource.transaction((em) =>
        app.app.get(LiveOutbox).publish(em, {
          type: 'recipient.updated',
          recipientId: recipient.id,
          actorOrganisationId: lead.organisationId,
          payload: { version, changedFields: ['familyName'] },
        }),
      );
    // A watcher on the same instance sees everything; its copy of the first event gives the starting point.
    const watcher = await open(b, lead.token);
    const watched = record(watcher, ['recipient.updated']);
    await emitAck(watcher, 'subscribe', { recipientId: recipient.id });
    await publish(a, 1);
    await until(watcher, watched, (s) => s.length === 1);
    const since = watched[0].body.seq;

    const socket = await open(b, lead.token);
    const seen = record(socket, ['recipient.updated']);
    // 60 events from both instances; the subscription lands somewhere in the middle of them.
    const writers = Array.from({ length: 60 }, (_, i) => publish(i % 2 ? a : b, i + 2));
    expect(await emitAck(socket, 'subscribe', { recipientId: recipient.id, sinceSeq: since })).toMatchObject({ ok: true });
    await Promise.all(writers);
    await until(watcher, watched, (s) => s.length === 61, 10_000);
    const rows = await a.ownerQuery<{ seq: string }>(
      `SELECT seq FROM live_events WHERE recipient_id = $1 AND seq > $2 ORDER BY seq`,
      [recipient.id, since],
    );
    expect(rows).toHaveLength(60);
    // Same relay, same batches: once the watcher has all of them, so has the replayed subscription.
    expect(seen.map((s) => s.body.seq)).toEqual(rows.map((r) => Number(r.seq)));
  });

  it('refuses replay from before the retention window or from a seq not yet issued', async () => {
    const { partner, recipient } = await scenario();
    const p = await open(a, partner.token);
    const [{ last_seq }] = await a.ownerQuery('SELECT last_seq FROM live_sequencer');
    expect(await emitAck(p, 'subscribe', { recipientId: recipient.id, sinceSeq: Number(last_seq) + 1000 })).toEqual({
      ok: false,
      code: 'REPLAY_UNAVAILABLE',
    });
    await a.ownerQuery('UPDATE live_sequencer SET purged_through = 5');
    try {
      expect(await emitAck(p, 'subscribe', { recipientId: recipient.id, sinceSeq: 4 })).toEqual({
        ok: false,
        code: 'REPLAY_UNAVAILABLE',
      });
      expect(await emitAck(p, 'subscribe', { recipientId: recipient.id, sinceSeq: 5 })).toMatchObject({ ok: true });
    } finally {
      await a.ownerQuery('UPDATE live_sequencer SET purged_through = 0');
    }
  });

  it('caps subscriptions per socket', async () => {
    const lead = await a.actor();
    const socket = await open(b, lead.token); // instance b allows 3
    const recipients = await Promise.all([1, 2, 3, 4].map(() => createRecipient(a, lead.token)));
    for (const r of recipients.slice(0, 3)) {
      expect(await emitAck(socket, 'subscribe', { recipientId: r.id })).toMatchObject({ ok: true });
    }
    // Subscribing again to one already held is not a new subscription.
    expect(await emitAck(socket, 'subscribe', { recipientId: recipients[0].id })).toMatchObject({ ok: true });
    expect(await emitAck(socket, 'subscribe', { recipientId: recipients[3].id })).toEqual({
      ok: false,
      code: 'TOO_MANY_SUBSCRIPTIONS',
    });
    expect(await emitAck(socket, 'unsubscribe', { recipientId: recipients[0].id })).toEqual({ ok: true });
    expect(await emitAck(socket, 'subscribe', { recipientId: recipients[3].id })).toMatchObject({ ok: true });
  });
});
