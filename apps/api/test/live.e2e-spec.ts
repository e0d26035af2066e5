import pg from 'pg';
import { SignJWT } from 'jose';
import { LiveOutbox } from '#libs/outbox/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { TestApp } from './harness.js';
import { connect, connectError, disconnected, emitAck, liveSocket, nextEvent, OpenSockets, record, until } from './live-client.js';

const SECRET = 'test-secret-test-secret-test-secret-0001';

/** Live plumbing on two instances over one database: handshake, origin, organisation rooms, sessions, limits. */
describe('live updates: connection, organisation rooms, sessions and limits', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets = new OpenSockets();
  const open = (app: TestApp, token: string) => sockets.open(app, token);

  beforeAll(async () => {
    a = await TestApp.start();
    // The second instance shares the first one's database; its access tokens live 2 s (expiry tests).
    b = await TestApp.start({ ACCESS_TOKEN_TTL: '2' }, { database: a.db });
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** A grant-shaped event addressed to organisation rooms, written the way the grant service writes it. */
  async function publishGrantEvent(app: TestApp, organisationIds: string[], recipientId = uuidv7()) {
    const grantId = uuidv7();
    await app.dataSource.transaction((em) =>
      app.app.get(LiveOutbox).publish(em, {
        type: 'grant.created',
        recipientId,
        organisationIds,
        actorOrganisationId: organisationIds[0],
        payload: { grant: { id: grantId, recipientId } },
      }),
    );
    return grantId;
  }

  describe('handshake', () => {
    it('refuses a missing, malformed, forged or expired token with "unauthorized"', async () => {
      const actor = await a.actor();
      expect(await connectError(a.baseUrl)).toBe('unauthorized');
      expect(await connectError(a.baseUrl, { auth: { token: 42 } })).toBe('unauthorized');
      expect(await connectError(a.baseUrl, { token: 'not-a-jwt' })).toBe('unauthorized');
      const forged = await new SignJWT({ sid: uuidv7(), typ: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.id)
        .setIssuer('welfare-case-share')
        .setAudience('welfare-case-share/api')
        .setIssuedAt()
        .setExpirationTime('10 min')
        .sign(new TextEncoder().encode('another-secret-another-secret-000000'));
      expect(await connectError(a.baseUrl, { token: forged })).toBe('unauthorized');
      const expired = await new SignJWT({ sid: uuidv7(), typ: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.id)
        .setIssuer('welfare-case-share')
        .setAudience('welfare-case-share/api')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(SECRET));
      expect(await connectError(a.baseUrl, { token: expired })).toBe('unauthorized');
    });

    it('refuses a token whose session has ended', async () => {
      const actor = await a.actor();
      expect((await a.post('/auth/logout', actor.token)).status).toBe(204);
      expect(await connectError(a.baseUrl, { token: actor.token })).toBe('unauthorized');
    });

    it('accepts the same origin (or none) and refuses another origin', async () => {
      const actor = await a.actor();
      const same = await connect(a.baseUrl, { token: actor.token, origin: a.baseUrl });
      sockets.track(same);
      expect(same.connected).toBe(true);
      sockets.track(await connect(a.baseUrl, { token: actor.token }));
      await expect(connect(a.baseUrl, { token: actor.token, origin: 'http://evil.example' })).rejects.toThrow();
    });
  });

  describe('organisation rooms and delivery across instances', () => {
    it('delivers grant.* to the named organisations only, with seq and envelope, whichever instance wrote it', async () => {
      const lead = await a.actor();
      const partner = await a.actor('caseworker', 'medical');
      const onB = await open(b, lead.token);
      const partnerOnA = await open(a, partner.token);
      const leadSeen = record(onB, ['grant.created']);
      const partnerSeen = record(partnerOnA, ['grant.created']);

      const first = await publishGrantEvent(a, [lead.organisationId]);
      const second = await publishGrantEvent(b, [lead.organisationId, partner.organisationId]);
      await until(onB, leadSeen, (s) => s.length === 2);
      await until(partnerOnA, partnerSeen, (s) => s.length === 1);

      expect(leadSeen.map((s) => s.body.grant.id)).toEqual([first, second]);
      expect(leadSeen[0].body.seq).toBeLessThan(leadSeen[1].body.seq);
      expect(leadSeen[0].body).toMatchObject({ actorOrganisationId: lead.organisationId });
      expect(typeof leadSeen[0].body.at).toBe('string');
      // The partner's first event is the second one: delivery is in seq order, so it never got the first.
      expect(partnerSeen.map((s) => s.body.grant.id)).toEqual([second]);
    });

    it('never skips an event whose transaction commits after a later-numbered one', async () => {
      const lead = await a.actor();
      const socket = await open(b, lead.token);
      const seen = record(socket, ['grant.created']);
      const slow = new pg.Client({ connectionString: a.db.url });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        const lateId = uuidv7();
        await slow.query(
          `INSERT INTO live_events (recipient_id, organisation_ids, type, payload, actor_organisation_id)
           VALUES ($1, $2, 'grant.created', $3, $4)`,
          [uuidv7(), [lead.organisationId], JSON.stringify({ grant: { id: lateId } }), lead.organisationId],
        );
        await slow.query(`SELECT pg_notify('live_new', '')`);
        // Written after, committed first.
        const earlyId = await publishGrantEvent(a, [lead.organisationId]);
        await until(socket, seen, (s) => s.length === 1);
        await slow.query('COMMIT');
        await until(socket, seen, (s) => s.length === 2);
        expect(seen.map((s) => s.body.grant.id)).toEqual([earlyId, lateId]);
        expect(seen[1].body.seq).toBeGreaterThan(seen[0].body.seq);
      } finally {
        await slow.end();
      }
    });

    it('keeps seq unique and increasing under concurrent writers on both instances', async () => {
      const lead = await a.actor();
      const socket = await open(a, lead.token);
      const seen = record(socket, ['grant.created']);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => publishGrantEvent(i % 2 ? a : b, [lead.organisationId])),
      );
      await until(socket, seen, (s) => s.length === 20);
      const seqs = seen.map((s) => s.body.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(20);
    });

    it('refuses to change a numbered event (rows only gain their seq, once)', async () => {
      await publishGrantEvent(a, [uuidv7()]);
      const [row] = await a.dataSource.query('SELECT max(seq) AS seq FROM live_events');
      await expect(a.dataSource.query(`UPDATE live_events SET payload = '{}' WHERE seq = $1`, [row.seq])).rejects.toThrow(
        /only gain their seq/,
      );
    });
  });

  describe('sessions', () => {
    it('disconnects every socket of a session that logs out, on every instance', async () => {
      const actor = await a.actor();
      const onA = await open(a, actor.token);
      const onB = await open(b, actor.token);
      const other = await open(a, await a.tokenFor(actor.id)); // another session of the same user stays
      const gone = Promise.all([disconnected(onA), disconnected(onB)]);
      expect((await a.post('/auth/logout', actor.token)).status).toBe(204);
      await gone;
      expect(other.connected).toBe(true);
    });

    it('disconnects a deactivated user at once, on every instance', async () => {
      const admin = await a.actor('org_admin');
      const user = await a.user(admin.organisationId);
      const onA = await open(a, await a.tokenFor(user.id));
      const onB = await open(b, await a.tokenFor(user.id));
      const gone = Promise.all([disconnected(onA), disconnected(onB)]);
      const [{ version }] = await a.dataSource.query('SELECT version FROM users WHERE id = $1', [user.id]);
      const res = await a.patch(`/users/${user.id}`, admin.token, { active: false }, { 'if-match': `"${version}"` });
      expect(res.status).toBe(200);
      await gone;
    });

    it('disconnects every user of a deactivated organisation', async () => {
      const sysadmin = await a.actor('system_admin');
      const member = await a.actor();
      const onA = await open(a, member.token);
      const onB = await open(b, member.token);
      const gone = Promise.all([disconnected(onA), disconnected(onB)]);
      const [{ version }] = await a.dataSource.query('SELECT version FROM organisations WHERE id = $1', [member.organisationId]);
      const res = await a.patch(`/organisations/${member.organisationId}`, sysadmin.token, { active: false }, {
        'if-match': `"${version}"`,
      });
      expect(res.status).toBe(200);
      await gone;
    });

    it('disconnects a socket when its token expires, unless renewed with a token of the same user', async () => {
      const actor = await b.actor();
      const expiring = await open(b, await b.tokenFor(actor.id));
      const renewed = await open(b, await b.tokenFor(actor.id));
      const expiresAt = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;

      // Validation and refusals first: a malformed payload, a token of someone else.
      expect(await emitAck(renewed, 'auth.renew', { token: 7 })).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
      const stranger = await a.actor();
      expect(await emitAck(renewed, 'auth.renew', { token: stranger.token })).toEqual({ ok: false, code: 'UNAUTHORIZED' });
      expect(await emitAck(renewed, 'auth.renew', { token: 'garbage' })).toEqual({ ok: false, code: 'UNAUTHORIZED' });

      const longToken = await a.tokenFor(actor.id); // instance a signs 15-minute tokens
      const ack = await emitAck(renewed, 'auth.renew', { token: longToken });
      expect(ack.ok).toBe(true);
      expect(new Date(ack.expiresAt).getTime() / 1000).toBe(expiresAt(longToken));

      const reason = await disconnected(expiring, 5000);
      expect(reason).toBe('io server disconnect');
      // Both sockets' original tokens expired in the same second or earlier: the renewed one outlived it.
      expect(renewed.connected).toBe(true);
    });
  });

  it('survives the loss of its LISTEN connection: nothing is missed, ended sessions are still caught', async () => {
    const actor = await a.actor();
    const watcher = await a.actor();
    const leaving = await open(a, actor.token);
    const staying = await open(a, watcher.token);
    const seen = record(staying, ['grant.created']);
    const killed = await a.ownerQuery(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE application_name = 'welfare-case-share-live' AND datname = current_database()`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(2);
    const gone = disconnected(leaving);
    expect((await a.post('/auth/logout', actor.token)).status).toBe(204);
    const id = await publishGrantEvent(b, [watcher.organisationId]);
    await gone;
    await until(staying, seen, (s) => s.some((x) => x.body.grant.id === id));
  });

  describe('requests and limits', () => {
    it('answers bad payloads with VALIDATION_FAILED and unknown recipients with NOT_FOUND', async () => {
      const actor = await a.actor();
      const socket = await open(a, actor.token);
      expect(await emitAck(socket, 'subscribe', { recipientId: 'nope' })).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await emitAck(socket, 'subscribe', { recipientId: uuidv7(), extra: 1 })).toEqual({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
      expect(await emitAck(socket, 'subscribe', { recipientId: uuidv7(), sinceSeq: -1 })).toEqual({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
      expect(await emitAck(socket, 'subscribe', null)).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await emitAck(socket, 'unsubscribe', { recipientId: 5 })).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await emitAck(socket, 'subscribe', { recipientId: uuidv7() })).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect(await emitAck(socket, 'unsubscribe', { recipientId: uuidv7() })).toEqual({ ok: true });
    });

    it('rate-limits a socket that sends too many events', async () => {
      const actor = await a.actor();
      const socket = await open(a, actor.token);
      const answers = await Promise.all(
        Array.from({ length: 60 }, () => emitAck(socket, 'unsubscribe', { recipientId: uuidv7() })),
      );
      const limited = answers.filter((x) => x.code === 'RATE_LIMITED').length;
      expect(limited).toBeGreaterThan(0);
      expect(answers.filter((x) => x.ok).length).toBeGreaterThanOrEqual(40);
    });

    it('disconnects a socket that sends a message over the size limit', async () => {
      const actor = await a.actor();
      const socket = await open(a, actor.token);
      const gone = disconnected(socket);
      socket.emit('subscribe', { recipientId: 'x'.repeat(70 * 1024) });
      expect(await gone).toBe('transport close');
    });

    it('closes cleanly: a socket on a stopped instance is disconnected', async () => {
      const c = await TestApp.start({}, { database: a.db });
      const actor = await a.actor();
      const socket = liveSocket(c.baseUrl, { token: actor.token });
      await nextEvent(socket, 'connect');
      const gone = disconnected(socket);
      await c.close();
      await gone;
      socket.close();
    });
  });
});
