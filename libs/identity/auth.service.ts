import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import type { TokenPair } from '#libs/contracts/index.js';
import { APP_CONFIG, type AppConfig, AppError, type Caller, type RequestMeta, uuidv7 } from '#libs/platform/index.js';
import type { ChangePasswordDto, LoginDto } from './dto/auth.dto.js';
import { loginRetryAfter, recordLoginFailure } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionService } from './session.service.js';
import { TokenService } from './token.service.js';
import { User, userJson, type UserJson } from './user.entity.js';

export type { TokenPair };

type LoginUser = User;

/** 429 with Retry-After: too many failed password checks for this login id or from this IP. */
const tooManyFailures = (retryAfter: number, audited: boolean) =>
  new AppError('TOO_MANY_REQUESTS', {
    message: 'Too many failed password checks; try again later',
    headers: { 'retry-after': String(retryAfter) },
    audited,
  });

const loginActor = (meta: RequestMeta, user: LoginUser | undefined) => ({
  ...meta,
  userId: user?.id,
  organisationId: user?.organisationId,
});
const throttledEvent = (retryAfter: number) => ({
  action: 'auth.login_failed' as const,
  resourceType: 'session',
  outcome: 'denied' as const,
  details: { reason: 'throttled', retryAfter },
});

type LoginOutcome = { ok: true; pair: TokenPair; user: UserJson } | { ok: false; retryAfter?: number };

/** How long after a rotation the same token may be presented again by a retrying client (API.md: 10 s). */
const REFRESH_RETRY_MS = 10_000;

type RefreshOutcome = { ok: true; pair: TokenPair } | { ok: false; reused: boolean };

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Throttle first, hash outside any transaction, then decide under a per-login-id lock:
   * 1. a login id or IP already over its limit gets 429 without any argon2 work (the answer is known);
   * 2. the password is checked through the hash gate (unknown login ids against a dummy hash, through the same
   *    gate), holding no database connection while it waits or hashes;
   * 3. one transaction, serialised per login id, counts again (concurrent guesses are counted exactly: a guess that
   *    finds the limit reached meanwhile gets 429, whatever its password) and commits the failure or the session.
   * The failure (its counter row and its audit event) is committed before the 401/429 is answered.
   */
  async login(dto: LoginDto, meta: RequestMeta): Promise<TokenPair & { user: UserJson }> {
    const loginKey = dto.loginId.trim().toLowerCase();
    const early = await loginRetryAfter(this.dataSource.manager, loginKey, meta.ip, this.throttleLimits);
    const known = await this.findLoginUser(this.dataSource.manager, loginKey);
    if (early > 0) {
      // No lock, no hash: a flood of throttled attempts must not queue on the login id's lock holding connections.
      await this.audit.recordAlone(loginActor(meta, known), throttledEvent(early));
      throw tooManyFailures(early, true);
    }
    const checked = { user: known, valid: await this.verifyOrRecordBusy(known, dto.password, meta) };
    const outcome = await this.dataSource.transaction(async (em): Promise<LoginOutcome> => {
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`login:${loginKey}`]);
      const retryAfter = await loginRetryAfter(em, loginKey, meta.ip, this.throttleLimits);
      // Read again under the lock: the hash checked above must still be the user's, and the account still active.
      const user = await this.findLoginUser(em, loginKey);
      if (retryAfter > 0) {
        await this.audit.record(em, loginActor(meta, user), throttledEvent(retryAfter));
        return { ok: false, retryAfter };
      }
      const valid = checked.valid && user !== undefined && user.passwordHash === checked.user?.passwordHash;
      if (!user || !valid || !user.active) {
        await recordLoginFailure(em, loginKey, meta.ip);
        await this.audit.record(em, loginActor(meta, user), {
          action: 'auth.login_failed',
          resourceType: 'session',
          outcome: 'denied',
          details: { reason: !user ? 'unknown_login_id' : !valid ? 'wrong_password' : 'inactive_user' },
        });
        return { ok: false };
      }
      const [[updated]]: [{ last_login_at: Date }[], number] = await em.query(
        `UPDATE users SET last_login_at = now() WHERE id = $1 RETURNING last_login_at`,
        [user.id],
      );
      user.lastLoginAt = updated.last_login_at;
      const pair = await this.openSession(em, user.id, meta);
      await this.audit.record(em, { ...meta, userId: user.id, organisationId: user.organisationId }, {
        action: 'auth.login',
        resourceType: 'session',
        resourceId: pair.sessionId,
      });
      return { ok: true, pair: pair.tokens, user: userJson(user) };
    });
    if (!outcome.ok) {
      if (outcome.retryAfter) throw tooManyFailures(outcome.retryAfter, true);
      throw new AppError('INVALID_CREDENTIALS', { message: 'Wrong login id or password', audited: true });
    }
    return { ...outcome.pair, user: outcome.user };
  }

  /** A login refused because the hash gate is full is still a failed login: audited, but not counted as a guess. */
  private async verifyOrRecordBusy(user: LoginUser | undefined, password: string, meta: RequestMeta): Promise<boolean> {
    try {
      return await this.passwords.verify(user?.passwordHash, password);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'SERVER_BUSY') throw error;
      await this.audit.recordAlone(loginActor(meta, user), {
        action: 'auth.login_failed',
        resourceType: 'session',
        outcome: 'denied',
        details: { reason: 'busy' },
      });
      throw new AppError('SERVER_BUSY', { ...error.options, message: error.message, audited: true });
    }
  }

  private get throttleLimits() {
    return { perAccount: this.config.loginAccountFailureLimit, perIp: this.config.loginIpFailureLimit };
  }

  private async findLoginUser(em: EntityManager, loginKey: string): Promise<LoginUser | undefined> {
    const [user] = (await em.query(
      `SELECT u.id, u.login_id AS "loginId", u.display_name AS "displayName", u.organisation_id AS "organisationId",
              u.role, u.password_hash AS "passwordHash", (u.active AND o.active) AS active, u.version,
              u.password_changed_at AS "passwordChangedAt", u.last_login_at AS "lastLoginAt",
              u.created_at AS "createdAt", u.updated_at AS "updatedAt"
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.login_id) = $1`,
      [loginKey],
    )) as (LoginUser | undefined)[];
    return user;
  }

  /** Rotates a refresh token; presenting a used one again ends its whole family (the session). */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    const hash = this.tokens.hashRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (em): Promise<RefreshOutcome> => {
      const [row]: {
        id: string;
        session_id: string;
        used_at: Date | null;
        expires_at: Date;
        user_id: string;
        organisation_id: string;
        revoked_at: Date | null;
        active: boolean;
        replacement: Buffer | null;
        replacement_used: boolean | null;
      }[] = await em.query(
        `SELECT t.id, t.session_id, t.used_at, t.expires_at, s.user_id, s.revoked_at, u.organisation_id,
                (u.active AND o.active) AS active, t.replacement,
                (SELECT n.used_at IS NOT NULL FROM refresh_tokens n WHERE n.id = t.replaced_by) AS replacement_used
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
           JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [hash],
      );
      if (!row) return { ok: false, reused: false };
      const actor = { ...meta, userId: row.user_id, organisationId: row.organisation_id };
      if (row.used_at) {
        // A retry of a rotation whose answer was lost: the same new pair, as long as it is fresh and unused.
        const isRetry =
          row.replacement && row.replacement_used === false && !row.revoked_at && row.active &&
          Date.now() - row.used_at.getTime() <= REFRESH_RETRY_MS;
        const pair = isRetry ? this.tokens.unseal<TokenPair>(row.replacement!) : undefined;
        if (pair) return { ok: true, pair };
        if (!row.revoked_at) {
          await this.sessions.end(em, { userId: row.user_id, sessionId: row.session_id }, 'refresh_token_reuse');
          await this.audit.record(em, actor, {
            action: 'auth.refresh_reuse',
            resourceType: 'session',
            resourceId: row.session_id,
            outcome: 'denied',
          });
        }
        return { ok: false, reused: true };
      }
      if (row.revoked_at || !row.active || row.expires_at.getTime() <= Date.now()) return { ok: false, reused: false };
      const next = await this.issuePair(em, row.user_id, row.session_id);
      await em.query('UPDATE refresh_tokens SET used_at = now(), replaced_by = $2, replacement = $3 WHERE id = $1', [
        row.id,
        next.tokenId,
        this.tokens.seal(next.pair),
      ]);
      // The token this one replaced can no longer be retried: drop the pair kept for that.
      await em.query('UPDATE refresh_tokens SET replacement = NULL WHERE replaced_by = $1 AND replacement IS NOT NULL', [row.id]);
      return { ok: true, pair: next.pair };
    });
    if (!outcome.ok) {
      throw new AppError(outcome.reused ? 'REFRESH_TOKEN_REUSED' : 'REFRESH_TOKEN_INVALID', {
        message: outcome.reused ? 'This refresh token was already used; the session has been ended' : 'Invalid refresh token',
      });
    }
    return outcome.pair;
  }

  async logout(caller: Caller): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.sessions.end(em, { userId: caller.userId, sessionId: caller.sessionId }, 'logout');
      await this.audit.record(em, caller, { action: 'auth.logout', resourceType: 'session', resourceId: caller.sessionId });
    });
  }

  /**
   * A wrong current password counts as a failed login of the same login id and IP (the same guess at the same
   * secret), so a stolen access token cannot be used to try passwords faster than the login form allows.
   */
  async changePassword(caller: Caller, dto: ChangePasswordDto): Promise<void> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: caller.userId })
      .getOneOrFail();
    const loginKey = user.loginId.trim().toLowerCase();
    const retryAfter = await loginRetryAfter(this.dataSource.manager, loginKey, caller.ip, this.throttleLimits);
    if (retryAfter > 0) throw tooManyFailures(retryAfter, false);
    if (!(await this.passwords.verify(user.passwordHash, dto.currentPassword))) {
      await recordLoginFailure(this.dataSource.manager, loginKey, caller.ip);
      throw new AppError('CURRENT_PASSWORD_WRONG', { message: 'The current password is wrong' });
    }
    this.passwords.assertPolicy(dto.newPassword, user.loginId);
    const passwordHash = await this.passwords.hash(dto.newPassword);
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`,
        [caller.userId, passwordHash],
      );
      await this.sessions.end(em, { userId: caller.userId, exceptSessionId: caller.sessionId }, 'password_changed');
      await this.audit.record(em, caller, {
        action: 'auth.password_change',
        resourceType: 'user',
        resourceId: caller.userId,
      });
    });
  }

  private async openSession(em: EntityManager, userId: string, meta: RequestMeta) {
    const sessionId = uuidv7();
    await em.query(
      `INSERT INTO sessions (id, user_id, expires_at, ip, user_agent) VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)`,
      [sessionId, userId, this.config.refreshTokenTtl, meta.ip, meta.userAgent],
    );
    return { sessionId, tokens: (await this.issuePair(em, userId, sessionId)).pair };
  }

  private async issuePair(em: EntityManager, userId: string, sessionId: string): Promise<{ pair: TokenPair; tokenId: string }> {
    const refresh = this.tokens.newRefreshToken();
    const tokenId = uuidv7();
    await em.query(
      `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [tokenId, sessionId, refresh.hash, this.config.refreshTokenTtl],
    );
    await em.query(`UPDATE sessions SET expires_at = now() + make_interval(secs => $2) WHERE id = $1`, [
      sessionId,
      this.config.refreshTokenTtl,
    ]);
    return {
      tokenId,
      pair: {
        accessToken: await this.tokens.signAccess(userId, sessionId),
        refreshToken: refresh.token,
        expiresIn: this.tokens.accessTtl,
        tokenType: 'Bearer',
      },
    };
  }
}
