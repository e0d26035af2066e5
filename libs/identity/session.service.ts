import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrganisationKind, Role } from '#libs/contracts/index.js';
import { AppError, type Caller, type RequestMeta } from '#libs/platform/index.js';
import { TokenService } from './token.service.js';

/** Channel on which ended sessions are announced to every instance (live sockets are closed on it). */
export const SESSION_ENDED_CHANNEL = 'session_ended';

export interface SessionEnded {
  sessionIds: string[];
  userId: string;
}

interface SessionRow {
  login_id: string;
  role: Role;
  organisation_id: string;
  kind: OrganisationKind;
  user_active: boolean;
  org_active: boolean;
  revoked_at: Date | null;
  expires_at: Date;
}

@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Resolves an access token to a caller. The session, user and organisation are read on every call, so logout,
   * deactivation and role changes take effect on the very next request, on every instance.
   */
  async authenticate(token: string, meta: RequestMeta): Promise<Caller & { tokenExpiresAt: number }> {
    const claims = await this.tokens.verifyAccess(token);
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT u.login_id, u.role, u.organisation_id, o.kind, u.active AS user_active, o.active AS org_active,
              s.revoked_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
        WHERE s.id = $1 AND s.user_id = $2`,
      [claims.sessionId, claims.userId],
    );
    const row = rows[0];
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

  /** Ends sessions inside the caller's transaction and announces it to every instance when that commits. */
  async end(
    em: EntityManager,
    target: { userId: string; sessionId?: string; exceptSessionId?: string },
    reason: string,
  ): Promise<string[]> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE sessions SET revoked_at = now(), revoke_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL
          AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR id <> $4)
        RETURNING id`,
      [target.userId, reason, target.sessionId ?? null, target.exceptSessionId ?? null],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await em.query(`UPDATE refresh_tokens SET used_at = coalesce(used_at, now()) WHERE session_id = ANY($1)`, [ids]);
      const payload: SessionEnded = { sessionIds: ids, userId: target.userId };
      await em.query('SELECT pg_notify($1, $2)', [SESSION_ENDED_CHANNEL, JSON.stringify(payload)]);
    }
    return ids;
  }
}
