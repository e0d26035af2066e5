import { SignJWT } from 'jose';
import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

describe('auth: login, tokens, refresh, logout, throttling', () => {
  let t: TestApp;
  let orgId: string;

  beforeAll(async () => {
    t = await TestApp.start({ LOGIN_IP_FAILURE_LIMIT: '12', TRUST_PROXY: 'true' });
    orgId = await t.organisation('municipal_department');
  });
  afterAll(() => t.close());

  const login = (loginId: string, password = TEST_PASSWORD, ip?: string) =>
    t.post('/auth/login', undefined, { loginId, password }, ip ? { 'x-forwarded-for': ip } : undefined);

  it('logs in with the right password and answers tokens and the user, without the hash', async () => {
    const u = await t.user(orgId, 'caseworker');
    const res = await login(u.loginId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expiresIn: 900, user: { id: u.id, loginId: u.loginId, role: 'caseworker', organisationId: orgId } });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash/);
    const me = await t.get('/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(u.id);
    expect(me.body.organisation.id).toBe(orgId);
    expect(Array.isArray(me.body.rules)).toBe(true);
    const [event] = await t.auditEvents(`action = 'auth.login' AND actor_user_id = $1`, [u.id]);
    expect(event).toMatchObject({ outcome: 'allowed', actor_organisation_id: orgId });
  });

  it('answers a wrong password and an unknown user with identical 401 bodies but for requestId, and audits both', async () => {
    const u = await t.user(orgId);
    const wrong = await login(u.loginId, 'wrong-password-xyz');
    const unknown = await login('nobody-here', 'wrong-password-xyz');
    const a = expectError(wrong, 401, 'INVALID_CREDENTIALS');
    const b = expectError(unknown, 401, 'INVALID_CREDENTIALS');
    expect({ ...a, requestId: 0 }).toEqual({ ...b, requestId: 0 });
    const failed = await t.auditEvents(`action = 'auth.login_failed' AND request_id = ANY($1)`, [[a.requestId, b.requestId]]);
    expect(failed).toHaveLength(2);
    expect(failed.every((e) => e.outcome === 'denied')).toBe(true);
  });

  it('refuses missing, malformed, forged, alg:none and expired access tokens with 401', async () => {
    const u = await t.user(orgId);
    const token = await t.tokenFor(u.id);
    expectError(await t.get('/me'), 401, 'UNAUTHENTICATED');
    expectError(await t.get('/me', 'not-a-jwt'), 401, 'TOKEN_INVALID');
    const [header, payload] = token.split('.');
    expectError(await t.get('/me', `${header}.${payload}.AAAA`), 401, 'TOKEN_INVALID');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectError(await t.get('/me', `${none}.${payload}.`), 401, 'TOKEN_INVALID');
    const forged = await new SignJWT(JSON.parse(Buffer.from(payload, 'base64url').toString()))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    expectError(await t.get('/me', forged), 401, 'TOKEN_INVALID');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('test-secret-test-secret-test-secret-0001'));
    expectError(await t.get('/me', expired), 401, 'TOKEN_EXPIRED');
    expect((await t.get('/me', token)).status).toBe(200);
  });

  it('rotates refresh tokens, and reuse of a used one ends the whole family', async () => {
    const u = await t.user(orgId);
    const first = (await login(u.loginId)).body;
    const second = await t.post('/auth/refresh', undefined, { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await t.get('/me', second.body.accessToken)).status).toBe(200);
    const third = await t.post('/auth/refresh', undefined, { refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
    // the first token again, after its successor was itself used: the family ends, with every access token of it
    expectError(await t.post('/auth/refresh', undefined, { refreshToken: first.refreshToken }), 401, 'REFRESH_TOKEN_REUSED');
    expectError(await t.get('/me', third.body.accessToken), 401, 'SESSION_ENDED');
    expectError(await t.post('/auth/refresh', undefined, { refreshToken: third.body.refreshToken }), 401, 'REFRESH_TOKEN_REUSED');
    expectError(await t.post('/auth/refresh', undefined, { refreshToken: 'made-up' }), 401, 'REFRESH_TOKEN_INVALID');
    expect(await t.auditEvents(`action = 'auth.refresh_reuse' AND actor_user_id = $1`, [u.id])).toHaveLength(1);
  });

  it('gives a client that retries a refresh within 10 s the same new pair, and only while that pair is unused', async () => {
    const u = await t.user(orgId);
    const first = (await login(u.loginId)).body;
    const rotated = await t.post('/auth/refresh', undefined, { refreshToken: first.refreshToken });
    const retried = await t.post('/auth/refresh', undefined, { refreshToken: first.refreshToken });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(rotated.body);
    expect((await t.get('/me', retried.body.accessToken)).status).toBe(200);
    // the kept pair is stored encrypted, never as the tokens themselves
    const kept = await t.ownerQuery(`SELECT replacement FROM refresh_tokens WHERE replacement IS NOT NULL`);
    expect(kept.length).toBeGreaterThan(0);
    for (const { replacement } of kept) expect(replacement.toString('latin1')).not.toContain(rotated.body.refreshToken);

    // a retry later than 10 s is a reuse
    const other = (await login(u.loginId)).body;
    const next = await t.post('/auth/refresh', undefined, { refreshToken: other.refreshToken });
    expect(next.status).toBe(200);
    await t.ownerQuery(`UPDATE refresh_tokens SET used_at = used_at - interval '11 seconds' WHERE used_at IS NOT NULL AND replacement IS NOT NULL`);
    expectError(await t.post('/auth/refresh', undefined, { refreshToken: other.refreshToken }), 401, 'REFRESH_TOKEN_REUSED');
    expectError(await t.get('/me', next.body.accessToken), 401, 'SESSION_ENDED');
  });

  it('logout ends the session: its access and refresh tokens stop working; other sessions go on', async () => {
    const u = await t.user(orgId);
    const a = (await login(u.loginId)).body;
    const b = (await login(u.loginId)).body;
    expect((await t.post('/auth/logout', a.accessToken)).status).toBe(204);
    expectError(await t.get('/me', a.accessToken), 401, 'SESSION_ENDED');
    expect((await t.post('/auth/refresh', undefined, { refreshToken: a.refreshToken })).status).toBe(401);
    expect((await t.get('/me', b.accessToken)).status).toBe(200);
    expectError(await t.post('/auth/logout', undefined), 401, 'UNAUTHENTICATED');
  });

  it('throttles one login id after 5 failures in 15 minutes (known or not), even with the right password', async () => {
    const u = await t.user(orgId);
    for (let i = 0; i < 5; i++) expectError(await login(u.loginId, 'wrong-password-xyz', '10.0.0.1'), 401, 'INVALID_CREDENTIALS');
    const res = await login(u.loginId, TEST_PASSWORD, '10.0.0.2');
    expectError(res, 429, 'TOO_MANY_REQUESTS');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(800);
    for (let i = 0; i < 5; i++) await login('ghost-user', 'wrong-password-xyz', '10.0.0.3');
    expectError(await login('ghost-user', 'wrong-password-xyz', '10.0.0.4'), 429, 'TOO_MANY_REQUESTS');
    // another account is not affected
    const other = await t.user(orgId);
    expect((await login(other.loginId)).status).toBe(200);
  });

  it('throttles one client IP after LOGIN_IP_FAILURE_LIMIT failures across login ids', async () => {
    const u = await t.user(orgId);
    for (let i = 0; i < 12; i++) expectError(await login(`someone-${i}`, 'wrong-password-xyz', '10.1.1.1'), 401, 'INVALID_CREDENTIALS');
    expectError(await login(u.loginId, TEST_PASSWORD, '10.1.1.1'), 429, 'TOO_MANY_REQUESTS');
    expect((await login(u.loginId, TEST_PASSWORD, '10.1.1.2')).status).toBe(200);
  });

  it('counts concurrent failures exactly: 10 parallel wrong guesses let at most 5 through to the password check', async () => {
    const u = await t.user(orgId);
    const results = await Promise.all(Array.from({ length: 10 }, () => login(u.loginId, 'wrong-password-xyz', '10.9.9.9')));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  });

  it('changes the password: policy enforced, other sessions end, the current one goes on', async () => {
    const u = await t.user(orgId);
    const a = (await login(u.loginId)).body;
    const b = (await login(u.loginId)).body;
    expectError(await t.post('/auth/password', a.accessToken, { currentPassword: 'nope-nope-nope', newPassword: 'a-long-new-password' }), 403, 'CURRENT_PASSWORD_WRONG');
    expectError(await t.post('/auth/password', a.accessToken, { currentPassword: TEST_PASSWORD, newPassword: 'short' }), 400, 'PASSWORD_POLICY');
    expectError(await t.post('/auth/password', a.accessToken, { currentPassword: TEST_PASSWORD, newPassword: u.loginId }), 400, 'PASSWORD_POLICY');
    expect((await t.post('/auth/password', a.accessToken, { currentPassword: TEST_PASSWORD, newPassword: 'a-long-new-password' })).status).toBe(204);
    expect((await t.get('/me', a.accessToken)).status).toBe(200);
    expectError(await t.get('/me', b.accessToken), 401, 'SESSION_ENDED');
    expect((await login(u.loginId, 'a-long-new-password')).status).toBe(200);
  });
});
