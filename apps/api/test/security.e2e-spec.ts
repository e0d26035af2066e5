import { SignJWT } from 'jose';
import { PasswordService } from '#libs/identity/index.js';
import { expectError, TEST_PASSWORD, TestApp } from './harness.js';
import { connect, emitAck } from './live-client.js';
import { createRecipient, grant } from './recipient-fixtures.js';

const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0001');
const randomIp = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

describe('behind a proxy: only the configured hops are believed', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  const start = async (env: Record<string, string>) => {
    const app = await TestApp.start({ LOGIN_IP_FAILURE_LIMIT: '3', ...env });
    apps.push(app);
    return app;
  };
  const failLogin = (t: TestApp, xff?: string) =>
    t.post('/auth/login', undefined, { loginId: `nobody.${Math.random().toString(36).slice(2)}`, password: 'wrong-password-000' }, xff ? { 'x-forwarded-for': xff } : {});

  it.each([['true'], ['1'], ['127.0.0.1'], ['127.0.0.0/8, 10.0.0.0/8']])(
    'TRUST_PROXY=%s: rotating the left-most X-Forwarded-For entry does not escape the per-IP limit; the audit row has the proxy-seen IP',
    async (trust) => {
      const t = await start({ TRUST_PROXY: trust });
      const statuses: number[] = [];
      const requestIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await failLogin(t, `${randomIp()}, 203.0.113.7`);
        statuses.push(res.status);
        requestIds.push(res.body.requestId);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const events = await t.auditEvents('request_id = ANY($1)', [requestIds]);
      expect(events.map((e) => e.ip)).toEqual(Array(5).fill('203.0.113.7'));
      // Another client behind the same proxy is not throttled.
      expect((await failLogin(t, '203.0.113.8')).status).toBe(401);
    },
  );

  it('TRUST_PROXY=false, or a list without the peer: X-Forwarded-For is ignored, the peer address counts', async () => {
    for (const trust of ['false', '10.0.0.1']) {
      const t = await start({ TRUST_PROXY: trust });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await failLogin(t, randomIp())).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const ips = await t.ownerQuery(`SELECT DISTINCT ip FROM audit_events WHERE action = 'auth.login_failed'`);
      expect(ips.map((r) => r.ip)).toEqual(['127.0.0.1']);
    }
  });

  it('a live handshake takes its client IP by the same rule', async () => {
    const t = await start({ TRUST_PROXY: '2' });
    const lead = await t.actor();
    const recipient = await createRecipient(t, lead.token);
    const { io } = await import('socket.io-client');
    const socket = io(`${t.baseUrl}/live`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: lead.token },
      extraHeaders: { 'x-forwarded-for': `${randomIp()}, 203.0.113.9, 10.0.0.5` },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await emitAck(socket, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
      const [event] = await t.auditEvents(`action = 'live.subscribe' AND resource_id = $1`, [recipient.id]);
      // Two trusted hops: the peer (127.0.0.1) and 10.0.0.5; the client is the next one to the left.
      expect(event.ip).toBe('203.0.113.9');
    } finally {
      socket.close();
    }
  });
});

describe('login floods: argon2 is bounded, and known answers need no hash', () => {
  let t: TestApp;
  let gate: PasswordService['gate'];
  beforeAll(async () => {
    t = await TestApp.start({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '4', LOGIN_IP_FAILURE_LIMIT: '1000' });
    gate = t.app.get(PasswordService).gate;
  });
  afterAll(() => t.close());

  it('never runs more hashes at once than configured; past the queue it answers 503 SERVER_BUSY with Retry-After at once', async () => {
    const org = await t.organisation();
    const known = await t.user(org);
    const attempts = Array.from({ length: 40 }, (_, i) =>
      t.post('/auth/login', undefined, {
        // Known and unknown login ids alike go through the gate (the unknown against a dummy hash).
        loginId: i % 2 === 0 ? `flood.${i}` : known.loginId,
        password: 'wrong-password-000',
      }),
    );
    const results = await Promise.all(attempts);
    const statuses = results.map((r) => r.status);
    // 429 for the known login id once its five failures are counted (whatever the password).
    expect(statuses.every((s) => s === 401 || s === 429 || s === 503)).toBe(true);
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expectError(r, 503, 'SERVER_BUSY');
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect(gate.peak).toBe(1);
    expect(gate.inFlight).toBe(0);
    expect(gate.queued).toBe(0);
    // Those answered 503 were refused: audited as denials, and no failure was counted for them.
    const [event] = await t.auditEvents('request_id = $1', [busy[0].body.requestId]);
    expect(event).toMatchObject({ outcome: 'denied' });
    // Another user's login still works once the flood is over.
    const other = await t.user(org);
    expect((await t.post('/auth/login', undefined, { loginId: other.loginId, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('a login id over its limit gets 429 without any hash being computed (known or unknown id)', async () => {
    const org = await t.organisation();
    const user = await t.user(org);
    for (const loginId of [user.loginId, 'never.existed']) {
      for (let i = 0; i < 5; i++) {
        expect((await t.post('/auth/login', undefined, { loginId, password: 'wrong-password-000' })).status).toBe(401);
      }
      const runs = gate.runs;
      const throttled = await Promise.all(
        Array.from({ length: 10 }, () => t.post('/auth/login', undefined, { loginId, password: 'wrong-password-000' })),
      );
      expect(throttled.map((r) => r.status)).toEqual(Array(10).fill(429));
      expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThan(0);
      expect(gate.runs).toBe(runs);
    }
    // The right password does not get through a locked login id either.
    expect((await t.post('/auth/login', undefined, { loginId: user.loginId, password: TEST_PASSWORD })).status).toBe(429);
  });

  it('a wrong currentPassword on POST /auth/password is throttled like a failed login of that user', async () => {
    const org = await t.organisation();
    const user = await t.user(org);
    const token = await t.tokenFor(user.id);
    const change = (currentPassword: string) => t.post('/auth/password', token, { currentPassword, newPassword: 'a-brand-new-password' });
    for (let i = 0; i < 5; i++) expectError(await change('not-my-password'), 403, 'CURRENT_PASSWORD_WRONG');
    const runs = gate.runs;
    const locked = expectError(await change(TEST_PASSWORD), 429, 'TOO_MANY_REQUESTS');
    expect(locked).toBeDefined();
    expect(gate.runs).toBe(runs);
    // The same count guards the login form.
    expect((await t.post('/auth/login', undefined, { loginId: user.loginId, password: TEST_PASSWORD })).status).toBe(429);
  });
});

describe('tokens, password policy, id spelling, former grantees', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  async function tokenIssuedAt(iatOffsetSeconds: number) {
    const user = await t.user(await t.organisation());
    const payload = JSON.parse(Buffer.from((await t.tokenFor(user.id)).split('.')[1], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...payload, iat: now + iatOffsetSeconds, exp: now + iatOffsetSeconds + 900 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(SECRET);
  }

  it('a token issued in the future (beyond 60 s of skew) → 401 TOKEN_INVALID, on REST and on /live', async () => {
    const future = await tokenIssuedAt(3600);
    expectError(await t.get('/me', future), 401, 'TOKEN_INVALID');
    await expect(connect(t.baseUrl, { token: future })).rejects.toThrow('unauthorized');
    expect((await t.get('/me', await tokenIssuedAt(30))).status).toBe(200);
  });

  it('the password policy: ≥ 12 characters besides surrounding spaces, not the login id', async () => {
    const org = await t.organisation();
    const user = await t.user(org, 'caseworker', 'policy.user.name');
    const token = await t.tokenFor(user.id);
    const change = (newPassword: string) => t.post('/auth/password', token, { currentPassword: TEST_PASSWORD, newPassword });
    for (const weak of [' '.repeat(12), ' '.repeat(40), '   short pw   ', '\t\n eleven-char \n', 'policy.user.name', ' POLICY.USER.NAME ']) {
      expectError(await change(weak), 400, 'PASSWORD_POLICY');
    }
    const sys = await t.actor('system_admin', 'other');
    expectError(
      await t.post('/users', sys.token, { loginId: 'spaces.only', displayName: 'x', organisationId: org, role: 'caseworker', password: ' '.repeat(16) }),
      400,
      'PASSWORD_POLICY',
    );
    expect((await change('twelve chars')).status).toBe(204);
  });

  it('an upper-case id in a path is the same resource and the same Idempotency-Key scope', async () => {
    const lead = await t.actor();
    const recipient = await createRecipient(t, lead.token);
    const upper = recipient.id.toUpperCase();
    const got = await t.get(`/recipients/${upper}`, lead.token);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(recipient.id);
    const note = { occurredAt: '2026-11-20T10:00:00+09:00', contactType: 'phone', body: '一度だけ', sensitivity: 'normal' };
    const first = await t.post(`/recipients/${upper}/notes`, lead.token, note, { 'idempotency-key': 'same-key-1' });
    const second = await t.post(`/recipients/${recipient.id}/notes`, lead.token, note, { 'idempotency-key': 'same-key-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const [{ n }] = await t.ownerQuery('SELECT count(*)::int AS n FROM case_notes WHERE recipient_id = $1', [recipient.id]);
    expect(n).toBe(1);
    const [event] = await t.auditEvents(`action = 'recipient.read' AND request_id = $1`, [got.body.requestId ?? got.headers.get('x-request-id')]);
    expect(event.resource_id).toBe(recipient.id);
  });

  it('a former grantee keeps the state of its grant (revoked, when) but not the reason, the basis reference or staff ids', async () => {
    const lead = await t.actor();
    const partner = await t.actor('caseworker', 'community_support_center');
    const auditor = await t.actor('auditor', 'municipal_department');
    const recipient = await createRecipient(t, lead.token);
    const g = await grant(t, lead.token, recipient.id, partner.organisationId, ['basic'], [], { basisReference: '支援会議 2026-11-01 議事録3' });
    const whileActive = await t.get(`/recipients/${recipient.id}/grants`, partner.token);
    expect(whileActive.body.items[0]).toMatchObject({ id: g.id, active: true, basisReference: '支援会議 2026-11-01 議事録3', grantedBy: null });
    await t.post(`/recipients/${recipient.id}/grants/${g.id}/revoke`, lead.token, { reason: '本人が市外へ転居' });
    const registry = await t.get('/grants', partner.token);
    const mine = registry.body.items.find((i: any) => i.id === g.id);
    expect(mine).toMatchObject({ active: false, revokedAt: expect.any(String), legalBasis: 'support_meeting', fieldGroups: ['basic'] });
    expect(mine).toMatchObject({ revokeReason: null, basisReference: null, grantedBy: null, revokedBy: null });
    expect(JSON.stringify(registry.body)).not.toContain('転居');
    // The lead organisation and the auditor keep the whole record.
    const leadView = (await t.get(`/recipients/${recipient.id}/grants`, lead.token)).body.items.find((i: any) => i.id === g.id);
    expect(leadView).toMatchObject({ revokeReason: '本人が市外へ転居', basisReference: '支援会議 2026-11-01 議事録3', grantedBy: lead.id, revokedBy: lead.id });
    const auditView = (await t.get(`/grants?recipientId=${recipient.id}`, auditor.token)).body.items.find((i: any) => i.id === g.id);
    expect(auditView).toMatchObject({ revokeReason: '本人が市外へ転居', basisReference: '支援会議 2026-11-01 議事録3' });
  });
});
