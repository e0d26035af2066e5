import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

const COOKIE = { 'x-session-transport': 'cookie' };

/** The refresh-token cookie of a response (the Set-Cookie line), and its value. */
function refreshCookie(res: { headers: Headers }) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('refresh_token='));
  return { line, value: line && /^refresh_token=([^;]*)/.exec(line)![1] };
}

describe('browser sessions: the refresh token in an HttpOnly cookie', () => {
  let t: TestApp;
  let loginId: string;
  const origin = () => new URL(t.baseUrl).origin;
  const login = (headers: Record<string, string> = {}) =>
    t.post('/auth/login', undefined, { loginId, password: TEST_PASSWORD }, headers);
  const refresh = (cookie: string | undefined, headers: Record<string, string> = COOKIE) =>
    t.post('/auth/refresh', undefined, {}, { ...headers, ...(cookie ? { cookie: `refresh_token=${cookie}` } : {}) });

  beforeAll(async () => {
    t = await TestApp.start({ TRUST_PROXY: 'true' });
    ({ loginId } = await t.user(await t.organisation()));
  });
  afterAll(() => t.close());

  it('login with the cookie transport sets an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth and leaves the token out of the body', async () => {
    const res = await login({ ...COOKIE, origin: origin(), 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toBeUndefined();
    expect(typeof res.body.accessToken).toBe('string');
    expect(res.body.user.loginId).toBe(loginId);
    const { line, value } = refreshCookie(res);
    expect(value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(line).toContain('HttpOnly');
    expect(line).toContain('SameSite=Strict');
    expect(line).toContain('Path=/api/v1/auth');
    expect(line).not.toContain('Secure'); // plain HTTP here
    // The readable hint carries no secret.
    expect(res.headers.getSetCookie().find((c) => c.startsWith('session_hint='))).toMatch(/^session_hint=1; .*Path=\//);
    expect((await t.get('/me', res.body.accessToken)).status).toBe(200);
  });

  it('without the header the JSON contract is unchanged: the refresh token in the body, no cookie', async () => {
    const res = await login();
    expect(res.status).toBe(200);
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('marks the cookie Secure when the request came over TLS', async () => {
    const res = await login({ ...COOKIE, 'x-forwarded-proto': 'https' });
    expect(refreshCookie(res).line).toContain('; Secure');
  });

  it('refresh from the cookie rotates it; the used cookie then ends the session and is cleared', async () => {
    const first = refreshCookie(await login(COOKIE)).value!;
    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).toBeUndefined();
    const second = refreshCookie(rotated).value!;
    expect(second).not.toBe(first);
    expect((await t.get('/me', rotated.body.accessToken)).status).toBe(200);
    // Outside the 10 s retry window, reuse of the first cookie is theft: the family ends.
    await t.ownerQuery(`UPDATE refresh_tokens SET used_at = used_at - interval '11 seconds' WHERE used_at IS NOT NULL`);
    const reused = await refresh(first);
    expectError(reused, 401, 'REFRESH_TOKEN_REUSED');
    expect(refreshCookie(reused)).toEqual({ line: expect.stringContaining('Max-Age=0'), value: '' });
    expectError(await refresh(second), 401, 'REFRESH_TOKEN_REUSED');
  });

  it('refuses a cookie refresh without the custom header (a cross-site form cannot send one) with 403 CSRF_CHECK_FAILED', async () => {
    const cookie = refreshCookie(await login(COOKIE)).value!;
    expectError(await refresh(cookie, {}), 403, 'CSRF_CHECK_FAILED');
    // The cookie was not used up by the refused request.
    expect((await refresh(cookie)).status).toBe(200);
  });

  it('refuses cookie routes from another origin or site', async () => {
    const cookie = refreshCookie(await login(COOKIE)).value!;
    expectError(await refresh(cookie, { ...COOKIE, origin: 'https://evil.example' }), 403, 'CSRF_CHECK_FAILED');
    expectError(await refresh(cookie, { ...COOKIE, 'sec-fetch-site': 'cross-site' }), 403, 'CSRF_CHECK_FAILED');
    expectError(await login({ ...COOKIE, origin: 'https://evil.example' }), 403, 'CSRF_CHECK_FAILED');
    expect((await refresh(cookie, { ...COOKIE, origin: origin(), 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('answers 401 to a cookie refresh without a cookie', async () => {
    expectError(await refresh(undefined), 401, 'REFRESH_TOKEN_INVALID');
    expectError(await refresh('made-up-token'), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('logout clears the cookie and ends the session behind it', async () => {
    const res = await login(COOKIE);
    const cookie = refreshCookie(res).value!;
    const out = await t.post('/auth/logout', res.body.accessToken, {}, COOKIE);
    expect(out.status).toBe(204);
    expect(refreshCookie(out).line).toContain('Max-Age=0');
    expect(out.headers.getSetCookie().find((c) => c.startsWith('session_hint='))).toContain('Max-Age=0');
    expect((await refresh(cookie)).status).toBe(401);
    expect((await t.get('/me', res.body.accessToken)).status).toBe(401);
  });
});

describe('the browser app served by the API process', () => {
  let t: TestApp;
  const root = mkdtempSync(join(tmpdir(), 'web-root-'));
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'outside-web-root.txt'), 'secret');
    t = await TestApp.start({}, { webRoot: root });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });
  const get = (path: string) => fetch(`${t.baseUrl}${path}`);

  it('answers client routes (deep links, reloads) with index.html, never cached', async () => {
    for (const path of ['/', '/login', '/recipients', '/recipients/0191f1c2-0000-7000-8000-000000000000?x=1']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>app</title>');
    }
  });

  it('serves hashed assets with a year-long immutable cache, other files revalidated', async () => {
    const asset = await get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    const icon = await get('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('never answers the API, the live path or metrics with the app, and a missing asset is a 404', async () => {
    const api = await get('/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    expect((await get('/api')).headers.get('content-type')).toContain('application/json');
    expect((await get('/socket.io/?EIO=4&transport=polling')).headers.get('content-type') ?? '').not.toContain('text/html');
    expect((await get('/metrics')).headers.get('content-type')).toContain('text/plain');
    const missing = await get('/assets/index-missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('does not serve files outside its directory', async () => {
    for (const path of ['/..%2foutside-web-root.txt', '/%2e%2e/outside-web-root.txt', '/assets/..%2f..%2foutside-web-root.txt']) {
      const res = await get(path);
      expect(await res.text()).not.toContain('secret');
    }
  });
});
