import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { APP_CONFIG, type AppConfig, AppError, isUuid } from '#libs/platform/index.js';

const ISSUER = 'welfare-case-share';
const AUDIENCE = 'welfare-case-share/api';
/** The only algorithm accepted: `alg: none` and asymmetric/symmetric confusion are refused by construction. */
const ALGORITHMS = ['HS256'];
/** Clock skew tolerated between instances for `iat`: a token issued further in the future was not issued by us. */
const IAT_SKEW_SECONDS = 60;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  /** A key of its own (derived from the signing secret) for the pairs kept for a client's retry. */
  private readonly sealKey: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
    this.sealKey = Buffer.from(hkdfSync('sha256', config.jwtSecret!, 'welfare-case-share', 'refresh-retry', 32));
  }

  get accessTtl(): number {
    return this.config.accessTokenTtl;
  }

  signAccess(userId: string, sessionId: string): Promise<string> {
    return new SignJWT({ sid: sessionId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomBytes(12).toString('base64url'))
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.config.accessTokenTtl)
      .sign(this.key);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ALGORITHMS,
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      // A validly signed token still names a session and a user the database can look up, or it is no token of ours.
      if (payload.typ !== 'access' || !isUuid(payload.sid) || !isUuid(payload.sub)) {
        throw new AppError('TOKEN_INVALID');
      }
      if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) {
        throw new AppError('TOKEN_INVALID', { message: 'The access token was issued in the future' });
      }
      return { userId: payload.sub as string, sessionId: payload.sid as string, expiresAt: payload.exp! * 1000 };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
      throw new AppError('TOKEN_INVALID');
    }
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
