import { io } from 'socket.io-client';
import { TestApp } from './harness.js';
import { connect, disconnected, emitAck, OpenSockets, record } from './live-client.js';
import { createRecipient, grant } from './recipient-fixtures.js';

/**
 * A change of a user's role, organisation or active state, and an administrator's password reset, reach the user's
 * open /live sockets at once on every instance (two instances over one database here).
 */
describe('live: account changes close the sockets authorised for the old account', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets = new OpenSockets();
  let sys: Awaited<ReturnType<TestApp['actor']>>;

  beforeAll(async () => {
    a = await TestApp.start();
    b = await TestApp.start({}, { database: a.db });
    sys = await a.actor('system_admin', 'other');
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const version = async (userId: string) =>
    (await a.ownerQuery<{ version: number }>('SELECT version FROM users WHERE id = $1', [userId]))[0].version;
  const patchUser = async (token: string, userId: string, body: Record<string, unknown>) => {
    const res = await a.patch(`/users/${userId}`, token, body, { 'if-match': `"${await version(userId)}"` });
    if (res.status !== 200) throw new Error(`patch user: ${res.status} ${res.text}`);
    return res.body;
  };

  async function leadScenario() {
    const lead = await a.actor('caseworker', 'municipal_department');
    const recipient = await createRecipient(a, lead.token);
    const colleague = await a.user(lead.organisationId, 'caseworker');
    return { lead, recipient, colleague, colleagueToken: await a.tokenFor(colleague.id) };
  }

  it('a caseworker demoted to auditor loses its sockets on both instances, receives no note after, and cannot subscribe again', async () => {
    const { lead, recipient, colleague, colleagueToken } = await leadScenario();
    const onA = sockets.track(await connect(a.baseUrl, { token: colleagueToken }));
    const onB = sockets.track(await connect(b.baseUrl, { token: colleagueToken }));
    expect(await emitAck(onA, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    expect(await emitAck(onB, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    const seen = [...record(onA, ['note.created']), ...record(onB, ['note.created'])];
    const gone = Promise.all([disconnected(onA), disconnected(onB)]);
    await patchUser(sys.token, colleague.id, { role: 'auditor' });
    await gone;
    const note = await a.post(`/recipients/${recipient.id}/notes`, lead.token, {
      occurredAt: '2026-11-20T10:00:00+09:00',
      contactType: 'visit',
      body: '降格後の記録',
      sensitivity: 'normal',
    });
    expect(note.status).toBe(201);
    // The same token still authenticates (the session stays), now as an auditor: no case content.
    const again = sockets.track(await connect(b.baseUrl, { token: colleagueToken }));
    expect(await emitAck(again, 'subscribe', { recipientId: recipient.id })).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(seen).toEqual([]);
    expect((await b.get(`/recipients/${recipient.id}`, colleagueToken)).status).toBe(403);
  });

  it('an org_admin demoting a caseworker of its organisation closes its sockets too', async () => {
    const { lead, recipient } = await leadScenario();
    const admin = await a.user(lead.organisationId, 'org_admin');
    const adminToken = await a.tokenFor(admin.id);
    const s = sockets.track(await connect(b.baseUrl, { token: lead.token }));
    expect(await emitAck(s, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    const gone = disconnected(s);
    await patchUser(adminToken, lead.id, { role: 'org_admin' });
    await gone;
    // Promoted within case roles: reconnecting gives it its (new) rights again.
    const again = sockets.track(await connect(b.baseUrl, { token: lead.token }));
    expect(await emitAck(again, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
  });

  it('a partner moved to another organisation loses its sockets and its organisation’s grants', async () => {
    const { lead, recipient } = await leadScenario();
    const partner = await a.actor('caseworker', 'community_support_center');
    await grant(a, lead.token, recipient.id, partner.organisationId, ['basic']);
    const s = sockets.track(await connect(b.baseUrl, { token: partner.token }));
    expect(await emitAck(s, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    const gone = disconnected(s);
    await patchUser(sys.token, partner.id, { organisationId: await a.organisation('medical') });
    await gone;
    const again = sockets.track(await connect(b.baseUrl, { token: partner.token }));
    expect(await emitAck(again, 'subscribe', { recipientId: recipient.id })).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  it('an administrator’s password reset ends the user’s sessions and sockets', async () => {
    const { colleague, colleagueToken } = await leadScenario();
    const s = sockets.track(await connect(b.baseUrl, { token: colleagueToken }));
    const gone = disconnected(s);
    await patchUser(sys.token, colleague.id, { password: 'a-reset-password-2026' });
    await gone;
    expect((await a.get('/me', colleagueToken)).status).toBe(401);
    expect((await connect(b.baseUrl, { token: colleagueToken }).then(() => 'connected', (e: Error) => e.message))).toBe('unauthorized');
  });

  it('a change that does not touch role, organisation or activity (the display name) leaves the sockets open', async () => {
    const { colleague, colleagueToken } = await leadScenario();
    const s = sockets.track(await connect(b.baseUrl, { token: colleagueToken }));
    await patchUser(sys.token, colleague.id, { displayName: '新しい 表示名' });
    // A round trip on the socket after the change has committed and been announced: still connected.
    await patchUser(sys.token, colleague.id, { displayName: '表示名 二' });
    expect(await emitAck(s, 'unsubscribe', { recipientId: '00000000-0000-4000-8000-000000000000' })).toEqual({ ok: true });
    expect(s.connected).toBe(true);
  });

  it('a role change announced while an instance had lost its LISTEN connection is still caught (re-check on reconnect)', async () => {
    const { colleague, colleagueToken } = await leadScenario();
    const s = sockets.track(await connect(b.baseUrl, { token: colleagueToken }));
    const gone = disconnected(s);
    await b.ownerQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'welfare-case-share-live' AND datname = current_database()`,
    );
    await patchUser(sys.token, colleague.id, { role: 'auditor' });
    await gone;
  });

  it('nobody holds a connection on the default namespace "/", with or without a token', async () => {
    const { colleagueToken } = await leadScenario();
    for (const auth of [{}, { token: colleagueToken }]) {
      for (const transports of [['websocket'], ['polling']]) {
        const socket = io(`${a.baseUrl}/`, { path: '/socket.io', transports, reconnection: false, forceNew: true, auth });
        const message = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error) => resolve(error.message));
        });
        socket.close();
        expect(message).toBe('invalid namespace');
      }
    }
  });
});
