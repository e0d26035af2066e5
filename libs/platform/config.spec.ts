import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the documented defaults with the embedded database', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      seedDemo: true,
      accessTokenTtl: 900,
      refreshTokenTtl: 43_200,
      trustProxy: false,
      allowedOrigins: [],
      loginIpFailureLimit: 100,
    });
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('needs JWT_SECRET with DATABASE_URL, and then does not seed the demo by default', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://a:b@h/db' })).toThrow(/JWT_SECRET/);
    const c = loadConfig({ DATABASE_URL: 'postgresql://a:b@h/db', JWT_SECRET: 'x'.repeat(32) });
    expect(c.seedDemo).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' , JWT_SECRET: 'x'.repeat(32) }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'change-me-to-a-random-string-of-48-characters' }, 'JWT_SECRET'],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: 'has spaces in it but is long enough' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: 'change-me-metrics-token-0000000' }, 'METRICS_TOKEN'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
    [{ ACCESS_TOKEN_TTL: '-1' }, 'ACCESS_TOKEN_TTL'],
    [{ ADMIN_LOGIN_ID: 'admin' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_LOGIN_ID: 'admin', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ALLOWED_ORIGINS: 'not an origin' }, 'ALLOWED_ORIGINS'],
    [{ DATABASE_OWNER_URL: 'postgresql://a@h/db' }, 'DATABASE_OWNER_URL'],
    [{ BENCH_SKIP_READ_AUDIT: 'true' }, 'BENCH_SKIP_READ_AUDIT'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1, 300.1.1.1' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '17' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: ',' }, 'TRUST_PROXY'],
    [{ PASSWORD_HASH_CONCURRENCY: '0' }, 'PASSWORD_HASH_CONCURRENCY'],
  ])('refuses %j naming %s', (env, variable) => {
    try {
      loadConfig(env);
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('parses origins and booleans', () => {
    const c = loadConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example', TRUST_PROXY: 'true' });
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.trustProxy).toEqual({ hops: 1 });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['true', { hops: 1 }],
    ['2', { hops: 2 }],
    ['10.0.0.1', { addresses: ['10.0.0.1'] }],
    ['10.0.0.0/8, ::1, fd00::/8, loopback', { addresses: ['10.0.0.0/8', '::1', 'fd00::/8', 'loopback'] }],
  ])('reads TRUST_PROXY=%s', (raw, expected) => {
    expect(loadConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });
});
