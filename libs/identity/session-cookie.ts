import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REFRESH_COOKIE, REFRESH_COOKIE_PATH, SESSION_HINT_COOKIE, SESSION_TRANSPORT_HEADER, type CookieTokenPair, type TokenPair } from '#libs/contracts/index.js';
import { APP_CONFIG, type AppConfig, AppError } from '#libs/platform/index.js';

/**
 * Browser sessions: the refresh token lives in an HttpOnly cookie that page scripts cannot read, instead of the JSON
 * body that other clients keep using. A browser asks for this transport with `X-Session-Transport: cookie`.
 *
 * CSRF: the cookie is SameSite=Strict, and every route that reads or sets it also requires that custom header, which a
 * cross-site form or a simple request cannot send (a cross-origin fetch sending it needs a CORS preflight, which only
 * ALLOWED_ORIGINS pass). When the browser says where the request comes from (Origin, Sec-Fetch-Site), that must be
 * this origin or an allowed one too.
 */
@Injectable()
export class SessionCookies {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** True when the client asked for the cookie transport; the request then passed the CSRF checks. */
  wanted(req: FastifyRequest): boolean {
    if (req.headers[SESSION_TRANSPORT_HEADER] !== 'cookie') return false;
    this.assertSameOrigin(req);
    return true;
  }

  /** The refresh token of the cookie, for a refresh without a body token (403 without the header, 401 without a cookie). */
  refreshToken(req: FastifyRequest): string {
    if (!this.wanted(req)) {
      throw new AppError('CSRF_CHECK_FAILED', {
        message: `A refresh from the session cookie needs the ${SESSION_TRANSPORT_HEADER}: cookie header`,
      });
    }
    const token = readCookie(req.headers.cookie, REFRESH_COOKIE);
    if (!token) throw new AppError('REFRESH_TOKEN_INVALID', { message: 'No session cookie' });
    return token;
  }

  /** Puts the refresh token into the cookie and leaves it out of the body. */
  deliver<T extends TokenPair>(req: FastifyRequest, reply: FastifyReply, pair: T): Omit<T, 'refreshToken'> & CookieTokenPair {
    const { refreshToken, ...rest } = pair;
    void reply.header('set-cookie', this.cookies(req, refreshToken, this.config.refreshTokenTtl));
    return rest;
  }

  clear(req: FastifyRequest, reply: FastifyReply): void {
    void reply.header('set-cookie', this.cookies(req, '', 0));
  }

  /**
   * The HttpOnly token cookie, and beside it a hint that page scripts may read (no secret in it): a page that loads
   * without one does not try a refresh that can only fail.
   */
  private cookies(req: FastifyRequest, token: string, maxAge: number): string[] {
    const secure = req.protocol === 'https' ? '; Secure' : '';
    return [
      `${REFRESH_COOKIE}=${token}; Max-Age=${maxAge}; Path=${REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict${secure}`,
      `${SESSION_HINT_COOKIE}=${maxAge > 0 ? '1' : ''}; Max-Age=${maxAge}; Path=/; SameSite=Strict${secure}`,
    ];
  }

  private assertSameOrigin(req: FastifyRequest): void {
    const origin = req.headers.origin;
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    const allowed = (o: string) => o === own || this.config.allowedOrigins.includes(o);
    if (typeof origin === 'string' && !allowed(origin)) {
      throw new AppError('CSRF_CHECK_FAILED', { message: 'The request comes from another origin' });
    }
    const site = req.headers['sec-fetch-site'];
    if ((site === 'cross-site' || site === 'same-site') && !(typeof origin === 'string' && allowed(origin))) {
      throw new AppError('CSRF_CHECK_FAILED', { message: 'The request comes from another site' });
    }
  }
}

/** One cookie's value from a Cookie header (tokens are URL-safe: no decoding needed). */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
