import { CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY } from '#libs/platform/index.js';
import { expectError, TestApp } from './harness.js';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0001';

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('permissions-policy')).toContain('camera=()');
}

describe('security headers on every answer, and /metrics behind its token', () => {
  let t: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    proxied = await TestApp.start({ TRUST_PROXY: 'true', METRICS_TOKEN }, { database: t.db });
  });
  afterAll(async () => {
    await proxied.close();
    await t.close();
  });

  it('carries the headers and the strict policy on successes and on errors alike', async () => {
    const ok = await t.get('/health');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok.headers);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    const missing = await t.get('/no-such-route');
    expectError(missing, 404, 'ROUTE_NOT_FOUND');
    expectSecurityHeaders(missing.headers);
    const big = await t.request('POST', '/auth/login', { rawBody: JSON.stringify({ x: 'y'.repeat(1024 * 1024 + 10) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expectSecurityHeaders(big.headers);
    const unauthenticated = await t.get('/me');
    expect(unauthenticated.status).toBe(401);
    expectSecurityHeaders(unauthenticated.headers);
    const docs = await fetch(`${t.baseUrl}/api/docs.json`);
    expect(docs.status).toBe(200);
    expectSecurityHeaders(docs.headers);
  });

  it('carries them on Socket.IO polling answers too', async () => {
    const res = await fetch(`${t.baseUrl}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res.headers);
  });

  it('sends Strict-Transport-Security only on answers that went over HTTPS, as a trusted proxy reports', async () => {
    expect((await t.get('/health')).headers.get('strict-transport-security')).toBeNull();
    // Without TRUST_PROXY, a client cannot claim HTTPS.
    expect((await t.get('/health', undefined, { 'x-forwarded-proto': 'https' })).headers.get('strict-transport-security')).toBeNull();
    expect((await proxied.get('/health')).headers.get('strict-transport-security')).toBeNull();
    const viaTls = await proxied.get('/health', undefined, { 'x-forwarded-proto': 'https' });
    expect(viaTls.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
    expectSecurityHeaders(viaTls.headers);
  });

  it('does not serve /metrics without METRICS_TOKEN, and answers 401 to a missing or wrong token', async () => {
    const hidden = await fetch(`${t.baseUrl}/metrics`);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    expect((await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);

    const anonymous = await fetch(`${proxied.baseUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    expectSecurityHeaders(anonymous.headers);
    expect((await fetch(`${proxied.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${proxied.baseUrl}/metrics`, { headers: { authorization: `Basic ${METRICS_TOKEN}` } })).status).toBe(401);
    const scraped = await fetch(`${proxied.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/http_request_duration_seconds_bucket/);
  });
});
