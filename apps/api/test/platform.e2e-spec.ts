import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

describe('platform: error contract, limits, health, docs, logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('serves health with a database check', async () => {
    const res = await t.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'ok' });
  });

  it('echoes a client X-Request-Id and generates one otherwise', async () => {
    const echoed = await t.get('/health', undefined, { 'x-request-id': 'support-call-42' });
    expect(echoed.headers.get('x-request-id')).toBe('support-call-42');
    const generated = await t.get('/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes, malformed JSON, wrong types and oversized bodies with the error shape', async () => {
    expectError(await t.get('/no-such-route'), 404, 'ROUTE_NOT_FOUND');
    expectError(await t.request('POST', '/auth/login', { rawBody: '{"loginId":', headers: { 'content-type': 'application/json' } }), 400, 'MALFORMED_JSON');
    const wrongType = expectError(await t.post('/auth/login', undefined, { loginId: 5, password: [] }), 400, 'VALIDATION_FAILED');
    expect(new Set(wrongType.details.map((d: any) => d.field))).toEqual(new Set(['loginId', 'password']));
    const big = JSON.stringify({ loginId: 'x'.repeat(1024 * 1024 + 10), password: 'y' });
    expectError(await t.request('POST', '/auth/login', { rawBody: big, headers: { 'content-type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await t.request('POST', '/auth/login', { rawBody: 'loginId=a', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('publishes an OpenAPI document that lists the routes', async () => {
    const res = await fetch(`${t.baseUrl}/api/docs.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/organisations/{id}', '/api/v1/me']));
  });

  it('stores argon2id hashes with m ≥ 19456 KiB and t ≥ 2', async () => {
    const admin = await t.actor('system_admin', 'other');
    const created = await t.post('/users', admin.token, {
      loginId: 'hash.check',
      displayName: '確認',
      organisationId: admin.organisationId,
      role: 'caseworker',
      password: 'a-good-long-password',
    });
    const [{ password_hash }] = await t.ownerQuery('SELECT password_hash FROM users WHERE id = $1', [created.body.id]);
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(password_hash);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(19456);
    expect(Number(match![2])).toBeGreaterThanOrEqual(2);
    expect(password_hash).not.toContain('a-good-long-password');
    expect(await hash('x', { algorithm: 2 })).toMatch(/^\$argon2id\$/);
  });

  it('never writes a password or a token into a log line', async () => {
    const org = await t.organisation();
    const u = await t.user(org);
    const login = await t.post('/auth/login', undefined, { loginId: u.loginId, password: TEST_PASSWORD });
    await t.post('/auth/login', undefined, { loginId: u.loginId, password: 'the-wrong-secret-123' });
    await t.post('/auth/refresh', undefined, { refreshToken: login.body.refreshToken });
    await t.get('/me', login.body.accessToken);
    await t.request('POST', '/auth/login', { rawBody: '{"password":"broken-json-secret', headers: { 'content-type': 'application/json' } });
    const logs = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(3);
    for (const secret of [TEST_PASSWORD, 'the-wrong-secret-123', 'broken-json-secret', login.body.accessToken, login.body.refreshToken]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('answers health 503 while the database cannot be reached, and 200 again once it can', async () => {
    const db = t.db.name;
    const url = new URL(t.db.ownerUrl);
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db]);
      const down = await t.get('/health');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'error' });
    } finally {
      await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect((await t.get('/health')).status).toBe(200);
  });
});
