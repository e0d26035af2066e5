import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, AppError, isUuid } from '#libs/platform/index.js';

const ISSUER = 'welfare-case-share';
const AUDIENCE = 'welfare-case-share/api';
/** Clock skew tolerated between instances for `iat`: a token issued further in the future was not issued by us. */
const IAT_SKEW_SECONDS = 60;
/** The only header we issue; verification accepts any header whose `alg` is HS256 (see `verifyAccess`). */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

const invalid = () => new AppError('TOKEN_INVALID');

/** A JSON object from one base64url segment of a token, or TOKEN_INVALID. */
function segment(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(Buffer.from(text, 'base64url')));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

/**
 * Access tokens are compact JWS (RFC 7515) with HS256, signed and checked by `node:crypto` on the request's own
 * thread: an HMAC of a few hundred bytes takes microseconds, where WebCrypto's asynchronous job cost every request a
 * thread-pool hop (see docs/benchmarks.md, "Request path").
 */
@Injectable()
export class TokenService {
  private readonly key: Buffer;
  /** A key of its own (derived from the signing secret) for the pairs kept for a client's retry. */
  private readonly sealKey: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = Buffer.from(config.jwtSecret!, 'utf8');
    this.sealKey = Buffer.from(hkdfSync('sha256', config.jwtSecret!, 'welfare-case-share', 'refresh-retry', 32));
  }

  get accessTtl(): number {
    return this.config.accessTokenTtl;
  }

  private mac(signingInput: string): Buffer {
    return createHmac('sha256', this.key).update(signingInput, 'ascii').digest();
  }

  signAccess(userId: string, sessionId: string): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      sid: sessionId,
      typ: 'access',
      sub: userId,
      iss: ISSUER,
      aud: AUDIENCE,
      iat,
      jti: randomBytes(12).toString('base64url'),
      exp: iat + this.config.accessTokenTtl,
    };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return Promise.resolve(`${input}.${this.mac(input).toString('base64url')}`);
  }

  /**
   * The claims of a token we issued, or TOKEN_INVALID / TOKEN_EXPIRED. The signature is checked before anything of the
   * token is parsed; then, as a JWT library would: `alg` is HS256 and nothing else (`none` and algorithm confusion
   * are refused by construction), no critical extension, issuer and audience ours, `sub`, `exp` and `iat` present
   * and numeric, `nbf` if present passed, `exp` not passed; and ours: `typ` access, `sub` and `sid` UUIDs (a validly
   * signed token still names a session and a user the database can look up), `iat` not beyond the clock skew.
   */
  verifyAccess(token: string): AccessClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw invalid();
    const [header, payload, signature] = parts;
    const expected = this.mac(`${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    // Only the canonical spelling of the signature: one token, one string.
    if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) {
      throw invalid();
    }
    const h = segment(header);
    if (h.alg !== 'HS256' || 'crit' in h || 'b64' in h) throw invalid();
    const c = segment(payload);
    const now = Math.floor(Date.now() / 1000);
    const audience = Array.isArray(c.aud) ? c.aud.includes(AUDIENCE) : c.aud === AUDIENCE;
    if (c.iss !== ISSUER || !audience || typeof c.exp !== 'number' || typeof c.iat !== 'number') throw invalid();
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf > now)) throw invalid();
    if (c.exp <= now) throw new AppError('TOKEN_EXPIRED');
    if (c.typ !== 'access' || !isUuid(c.sid) || !isUuid(c.sub)) throw invalid();
    if (c.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) {
      throw new AppError('TOKEN_INVALID', { message: 'The access token was issued in the future' });
    }
    return { userId: c.sub as string, sessionId: c.sid as string, expiresAt: c.exp * 1000 };
  }

  /** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
  newRefreshToken(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): Buffer {
    return createHash('sha256').update(token).digest();
  }

  /** AES-256-GCM: iv (12) | tag (16) | ciphertext. */
  seal(value: unknown): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The value sealed by `seal`, or undefined when it does not authenticate (another key, altered bytes). */
  unseal<T>(sealed: Buffer): T | undefined {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
