import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrganisationKind, Role } from '#libs/contracts/index.js';
import { prepared } from '#libs/database/index.js';
import { AppError, type Caller, GroupRunner, type RequestMeta } from '#libs/platform/index.js';
import { TokenService } from './token.service.js';

/** Channel on which ended sessions are announced to every instance (live sockets are closed on it). */
export const SESSION_ENDED_CHANNEL = 'session_ended';

/**
 * Channel on which a change of a user's role, organisation or active state is announced to every instance: the
 * user's live sockets were authorised for the old account and are closed (the client reconnects and is authorised
 * afresh). Its sessions stay: REST reads the account on every request anyway.
 */
export const ACCOUNT_CHANGED_CHANNEL = 'account_changed';

export interface AccountChanged {
  userId: string;
}

export interface SessionEnded {
  sessionIds: string[];
  userId: string;
}

interface SessionRow {
  id: string;
  user_id: string;
  login_id: string;
  role: Role;
  organisation_id: string;
  kind: OrganisationKind;
  user_active: boolean;
  org_active: boolean;
  revoked_at: Date | null;
  expires_at: Date;
}

/** Most sessions one lookup reads. */
const LOOKUP_MAX = 500;

@Injectable()
export class SessionService {
  private readonly lookups = new GroupRunner((claims: { sessionId: string; userId: string }[]) => this.lookupMany(claims), LOOKUP_MAX);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Resolves an access token to a caller. The session, user and organisation are read on every call, so logout,
   * deactivation and role changes take effect on the very next request, on every instance.
   */
  async authenticate(token: string, meta: RequestMeta): Promise<Caller & { tokenExpiresAt: number }> {
    const claims = this.tokens.verifyAccess(token);
    const row = await this.lookup(claims.sessionId, claims.userId);
    if (!row || row.revoked_at || !row.user_active || !row.org_active) throw new AppError('SESSION_ENDED');
    return {
      ...meta,
      userId: claims.userId,
      loginId: row.login_id,
      organisationId: row.organisation_id,
      organisationKind: row.kind,
      role: row.role,
      sessionId: claims.sessionId,
      tokenExpiresAt: claims.expiresAt,
    };
  }

  /**
   * The session of the token's claims with its user and organisation, read by a statement sent after the call:
   * the lookups of every request that arrives while one statement is in flight share the next one (as the audit
   * log's group commit does), so a busy instance pays one round trip for many requests, and never a cache. Whatever
   * committed before a request arrived — a logout, a deactivation, a role change on any instance — is seen by it.
   */
  private lookup(sessionId: string, userId: string): Promise<SessionRow | undefined> {
    return this.lookups.submit({ sessionId: sessionId.toLowerCase(), userId: userId.toLowerCase() });
  }

  private async lookupMany(claims: { sessionId: string; userId: string }[]): Promise<PromiseSettledResult<SessionRow | undefined>[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      prepared(`SELECT s.id, s.user_id, u.login_id, u.role, u.organisation_id, o.kind, u.active AS user_active,
              o.active AS org_active, s.revoked_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
        WHERE s.id = ANY($1::uuid[])`),
      [[...new Set(claims.map((c) => c.sessionId))]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return claims.map((c) => {
      const row = byId.get(c.sessionId);
      return { status: 'fulfilled', value: row?.user_id === c.userId ? row : undefined };
    });
  }

  /** Announces, when the caller's transaction commits, that the user's account changed (ACCOUNT_CHANGED_CHANNEL). */
  async accountChanged(em: EntityManager, userId: string): Promise<void> {
    const payload: AccountChanged = { userId };
    await em.query('SELECT pg_notify($1, $2)', [ACCOUNT_CHANGED_CHANNEL, JSON.stringify(payload)]);
  }

  /**
   * Ends sessions inside the caller's transaction — one user's (all, one, or all but one), or every user's of an
   * organisation — and announces them to every instance, one notification per user, when that transaction commits.
   */
  async end(
    em: EntityManager,
    target: { userId: string; sessionId?: string; exceptSessionId?: string } | { organisationId: string },
    reason: string,
  ): Promise<string[]> {
    const byUser = 'userId' in target;
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [{ id: string; user_id: string }[], number] = await em.query(
      `UPDATE sessions s SET revoked_at = now(), revoke_reason = $1
         FROM users u
        WHERE u.id = s.user_id AND s.revoked_at IS NULL
          AND ($2::uuid IS NULL OR s.user_id = $2) AND ($3::uuid IS NULL OR u.organisation_id = $3)
          AND ($4::uuid IS NULL OR s.id = $4) AND ($5::uuid IS NULL OR s.id <> $5)
        RETURNING s.id, s.user_id`,
      [
        reason,
        byUser ? target.userId : null,
        byUser ? null : target.organisationId,
        byUser ? (target.sessionId ?? null) : null,
        byUser ? (target.exceptSessionId ?? null) : null,
      ],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return ids;
    await em.query(`UPDATE refresh_tokens SET used_at = coalesce(used_at, now()) WHERE session_id = ANY($1)`, [ids]);
    const perUser = new Map<string, string[]>();
    for (const row of rows) perUser.set(row.user_id, [...(perUser.get(row.user_id) ?? []), row.id]);
    for (const [userId, sessionIds] of perUser) {
      const payload: SessionEnded = { sessionIds, userId };
      await em.query('SELECT pg_notify($1, $2)', [SESSION_ENDED_CHANNEL, JSON.stringify(payload)]);
    }
    return ids;
  }
}
