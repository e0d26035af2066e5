import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '#libs/platform/index.js';
import { TokenService } from './token.service.js';

const SECRET = 'unit-secret-unit-secret-unit-secret-0001';
const key = new TextEncoder().encode(SECRET);
const USER = '0190b4a6-7c1e-7a55-9d1a-4a2f8f0c1d01';
const SESSION = '0190b4a6-7c1e-7a55-9d1a-4a2f8f0c1d02';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('TokenService access tokens', () => {
  const tokens = new TokenService({ jwtSecret: SECRET, accessTokenTtl: 900 } as AppConfig);

  /** A token as an independent JWT library signs it; `claims` and `header` override the defaults. */
  const signed = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, secret = key) =>
    new SignJWT({ sid: SESSION, typ: 'access', sub: USER, iss: 'welfare-case-share', aud: 'welfare-case-share/api', iat: now(), exp: now() + 600, ...claims })
      .setProtectedHeader(header as { alg: string })
      .sign(secret);
  /** A token with any header and payload, HMAC-signed by hand (what a library refuses to produce). */
  const raw = (header: unknown, payload: unknown) => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
  };
  const code = (token: string) => {
    try {
      tokens.verifyAccess(token);
      return 'accepted';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };
  const good = { sid: SESSION, typ: 'access', sub: USER, iss: 'welfare-case-share', aud: 'welfare-case-share/api', iat: now(), exp: now() + 600 };

  it('issues tokens an independent JWT library verifies, with the claims it checks', async () => {
    const token = await tokens.signAccess(USER, SESSION);
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: 'welfare-case-share',
      audience: 'welfare-case-share/api',
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: USER, sid: SESSION, typ: 'access' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(tokens.verifyAccess(token)).toEqual({ userId: USER, sessionId: SESSION, expiresAt: payload.exp! * 1000 });
  });

  it("accepts a library's token with or without typ in the header, and an audience list naming the API", async () => {
    expect(code(await signed())).toBe('accepted');
    expect(code(await signed({}, { alg: 'HS256' }))).toBe('accepted');
    expect(code(await signed({ aud: ['other', 'welfare-case-share/api'] }))).toBe('accepted');
    expect(code(await signed({ nbf: now() - 5 }))).toBe('accepted');
    expect(code(await signed({ iat: now() + 30 }))).toBe('accepted');
  });

  it('refuses a forged, altered or re-spelled signature', async () => {
    const token = await signed();
    const [h, p, s] = token.split('.');
    expect(code(await signed({}, undefined, new TextEncoder().encode('another-secret-another-secret-another')))).toBe('TOKEN_INVALID');
    expect(code(`${h}.${b64({ ...good, sub: SESSION })}.${s}`)).toBe('TOKEN_INVALID');
    expect(code(`${h}.${p}.AAAA`)).toBe('TOKEN_INVALID');
    expect(code(`${h}.${p}.`)).toBe('TOKEN_INVALID');
    expect(code(`${h}.${p}.${s}=`)).toBe('TOKEN_INVALID');
    // The last character of a 32-byte signature carries two unused bits: another spelling of the same bytes.
    const last = s[s.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(`${s.slice(0, -1)}${sibling}`, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    expect(code(`${h}.${p}.${s.slice(0, -1)}${sibling}`)).toBe('TOKEN_INVALID');
  });

  it('refuses alg none, any other algorithm, critical extensions, and malformed structure', () => {
    expect(code(`${b64({ alg: 'none' })}.${b64(good)}.`)).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'none' }, good))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS512' }, good))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'RS256' }, good))).toBe('TOKEN_INVALID');
    expect(code(raw({}, good))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS256', crit: ['exp'] }, good))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS256', b64: false }, good))).toBe('TOKEN_INVALID');
    expect(code(raw(['HS256'], good))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS256' }, [good]))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS256' }, 'not json'))).toBe('TOKEN_INVALID');
    expect(code(raw({ alg: 'HS256' }, 'null'))).toBe('TOKEN_INVALID');
    expect(code('not-a-jwt')).toBe('TOKEN_INVALID');
    expect(code(`${raw({ alg: 'HS256' }, good)}.x`)).toBe('TOKEN_INVALID');
    // Bytes that are not UTF-8 in a validly signed payload.
    const input = `${b64({ alg: 'HS256' })}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`;
    expect(code(`${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`)).toBe('TOKEN_INVALID');
  });

  it('refuses another issuer or audience, missing or non-numeric times, and claims that are not ours', () => {
    const without = (claim: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== claim));
    for (const claims of [
      { ...good, iss: 'someone-else' },
      { ...good, aud: 'someone-else' },
      { ...good, aud: ['someone-else'] },
      without('iss'),
      without('aud'),
      without('exp'),
      without('iat'),
      without('sub'),
      without('sid'),
      { ...good, exp: String(now() + 600) },
      { ...good, iat: String(now()) },
      { ...good, nbf: now() + 600 },
      { ...good, nbf: 'soon' },
      { ...good, typ: 'refresh' },
      { ...good, sub: 'x' },
      { ...good, sid: 42 },
      { ...good, iat: now() + 3600 },
    ]) {
      expect([claims, code(raw({ alg: 'HS256' }, claims))]).toEqual([claims, 'TOKEN_INVALID']);
    }
  });

  it('tells an expired token apart: exp now or earlier', () => {
    expect(code(raw({ alg: 'HS256' }, { ...good, exp: now() }))).toBe('TOKEN_EXPIRED');
    expect(code(raw({ alg: 'HS256' }, { ...good, iat: now() - 1000, exp: now() - 5 }))).toBe('TOKEN_EXPIRED');
    // Another issuer's expired token is simply not ours.
    expect(code(raw({ alg: 'HS256' }, { ...good, iss: 'x', exp: now() - 5 }))).toBe('TOKEN_INVALID');
  });
});
