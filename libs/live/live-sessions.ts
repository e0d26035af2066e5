import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CASE_ROLES } from '#libs/contracts/index.js';
import type { AccountChanged, SessionEnded } from '#libs/identity/index.js';
import type { Caller } from '#libs/platform/index.js';
import { backgroundTimer, caseRoom, type LiveSocket, orgRoom } from './live-socket.js';

/** How long an account change is remembered for handshakes that were reading the account while it was announced. */
const RECENT_CHANGE_MS = 60_000;

function parseNotification<T>(payload: string): T | undefined {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return undefined;
  }
}

/**
 * The sockets of this instance as sessions of accounts: a socket lives while its session and token do and while its
 * account is the one it was authorised for. Closing a socket is all this class does about it; the relay drops its
 * subscriptions when the socket disconnects.
 */
export class LiveSessions {
  private readonly bySession = new Map<string, Set<LiveSocket>>();
  /** userId → when its last session end or account change was announced to this instance. */
  private readonly recentChanges = new Map<string, number>();
  /** Each socket's disconnect at its token's expiry. */
  private readonly tokenTimers = new Map<LiveSocket, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** A socket that passed the handshake: joins its organisation's rooms, or is closed if its account changed meanwhile. */
  register(socket: LiveSocket): void {
    const { caller } = socket.data;
    // The announcement of a change may have arrived while this handshake was reading the old account.
    if ((this.recentChanges.get(caller.userId) ?? -Infinity) >= socket.data.authenticatedFrom) {
      socket.disconnect(true);
      return;
    }
    void socket.join(orgRoom(caller.organisationId));
    if (CASE_ROLES.includes(caller.role)) void socket.join(caseRoom(caller.organisationId));
    this.index(socket);
    this.armTokenExpiry(socket);
  }

  unregister(socket: LiveSocket): void {
    clearTimeout(this.tokenTimers.get(socket));
    this.tokenTimers.delete(socket);
    this.unindex(socket);
  }

  /** `auth.renew`: the same user, a live session; the socket now ends with the new token. */
  renew(socket: LiveSocket, caller: Caller, tokenExpiresAt: number): boolean {
    const current = socket.data.caller;
    if (caller.userId !== current.userId || caller.organisationId !== current.organisationId || caller.role !== current.role) {
      return false;
    }
    this.bySession.get(current.sessionId)?.delete(socket);
    socket.data.caller = caller;
    socket.data.tokenExpiresAt = tokenExpiresAt;
    this.index(socket);
    this.armTokenExpiry(socket);
    return true;
  }

  /** `session_ended { sessionIds, userId }`: those sessions' sockets close. */
  sessionEnded(payload: string): void {
    const ended = parseNotification<SessionEnded>(payload);
    if (!ended) return;
    this.noteChange(ended.userId);
    for (const sessionId of ended.sessionIds ?? []) {
      for (const socket of [...(this.bySession.get(sessionId) ?? [])]) socket.disconnect(true);
    }
  }

  /**
   * `account_changed { userId }`: a user's role, organisation or active state changed. Every socket of that user was
   * authorised for the old account (rooms, subscriptions, note projection), so it is closed; a reconnect is
   * authorised afresh.
   */
  accountChanged(payload: string): void {
    const changed = parseNotification<AccountChanged>(payload);
    if (!changed?.userId) return;
    this.noteChange(changed.userId);
    for (const sockets of this.bySession.values()) {
      for (const socket of [...sockets]) if (socket.data.caller.userId === changed.userId) socket.disconnect(true);
    }
  }

  /**
   * After notifications may have been lost: disconnects the sockets whose session is no longer live (ended, user or
   * organisation deactivated) or whose user's role or organisation is no longer the one the socket was authorised for.
   */
  async recheckAll(): Promise<void> {
    const sessionIds = [...this.bySession.keys()];
    if (sessionIds.length === 0 || this.stopped) return;
    try {
      const rows: { id: string; role: string | null; organisation_id: string | null }[] = await this.dataSource.query(
        `SELECT ids.id, u.role, u.organisation_id
           FROM unnest($1::uuid[]) AS ids(id)
           LEFT JOIN sessions s ON s.id = ids.id AND s.revoked_at IS NULL
           LEFT JOIN users u ON u.id = s.user_id AND u.active
                            AND EXISTS (SELECT 1 FROM organisations o WHERE o.id = u.organisation_id AND o.active)`,
        [sessionIds],
      );
      for (const row of rows) {
        for (const socket of [...(this.bySession.get(row.id) ?? [])]) {
          const { caller } = socket.data;
          if (row.role !== caller.role || row.organisation_id !== caller.organisationId) socket.disconnect(true);
        }
      }
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'live: session re-check failed');
    }
  }

  /** Token-expiry timers die with the instance, whether or not the disconnect handlers still run. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.tokenTimers.values()) clearTimeout(timer);
    this.tokenTimers.clear();
  }

  private index(socket: LiveSocket): void {
    const id = socket.data.caller.sessionId;
    let set = this.bySession.get(id);
    if (!set) this.bySession.set(id, (set = new Set()));
    set.add(socket);
  }

  private unindex(socket: LiveSocket): void {
    const id = socket.data.caller.sessionId;
    const set = this.bySession.get(id);
    set?.delete(socket);
    if (set?.size === 0) this.bySession.delete(id);
  }

  private armTokenExpiry(socket: LiveSocket): void {
    clearTimeout(this.tokenTimers.get(socket));
    const ms = Math.max(0, socket.data.tokenExpiresAt - Date.now());
    this.tokenTimers.set(socket, backgroundTimer(() => socket.disconnect(true), ms));
  }

  private noteChange(userId: string | undefined): void {
    if (!userId) return;
    const now = Date.now();
    for (const [id, at] of this.recentChanges) if (at < now - RECENT_CHANGE_MS) this.recentChanges.delete(id);
    this.recentChanges.set(userId, now);
  }
}
