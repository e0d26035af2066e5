import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { DataSource } from 'typeorm';
import { CASE_ROLES, type FieldGroup, type LiveEventType } from '#libs/contracts/index.js';
import { ACCOUNT_CHANGED_CHANNEL, type AccountChanged, SESSION_ENDED_CHANNEL, type SessionEnded } from '#libs/identity/index.js';
import { AuditService } from '#libs/audit/index.js';
import { APP_CONFIG, type AppConfig, type Caller, LOGGER, uuidv7 } from '#libs/platform/index.js';
import {
  LIVE_ACCESS,
  LIVE_NOTES,
  type LiveAccessPolicy,
  type LiveNote,
  type LiveNoteSource,
  type LivePair,
  type LiveReadAccess,
  mayReadNote,
  pairKey,
} from './live-access.js';
import { LIVE_NEW_CHANNEL, LIVE_SEQ_CHANNEL } from '#libs/outbox/index.js';
import { LiveSequencer } from './live-sequencer.js';
import { LIVE_OPTIONS, type LiveOptions } from './live.options.js';
import { PgListener } from './pg-listener.js';
import { fieldGroupOf } from './recipient-field-groups.js';
import { TokenBucket } from './token-bucket.js';

/** What the live layer keeps on each socket. */
export interface LiveSocketData {
  caller: Caller;
  /** When the handshake started reading the account: a change announced after that may not be in `caller`. */
  authenticatedFrom: number;
  tokenExpiresAt: number;
  expiryTimer?: NodeJS.Timeout;
  subscriptions: Set<string>;
  bucket: TokenBucket;
  refusals: number;
}

export type LiveSocket = Socket<any, any, any, LiveSocketData>;

/** A sequenced row of live_events. */
export interface StoredLiveEvent {
  seq: number;
  recipientId: string;
  organisationIds: string[];
  type: LiveEventType;
  payload: Record<string, any>;
  at: string;
  actorOrganisationId: string | null;
}

interface EventRow {
  seq: string;
  recipient_id: string;
  organisation_ids: string[];
  type: LiveEventType;
  payload: Record<string, any>;
  at: Date;
  actor_organisation_id: string | null;
}

export type SubscribeAnswer =
  | { ok: true; seq: number }
  | { ok: false; code: 'NOT_FOUND' | 'REPLAY_UNAVAILABLE' | 'TOO_MANY_SUBSCRIPTIONS' };

const EVENT_COLUMNS = 'seq, recipient_id, organisation_ids, type, payload, at, actor_organisation_id';
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long an account change is remembered for handshakes that were reading the account while it was announced. */
const RECENT_CHANGE_MS = 60_000;

const toEvent = (r: EventRow): StoredLiveEvent => ({
  seq: Number(r.seq),
  recipientId: r.recipient_id,
  organisationIds: r.organisation_ids,
  type: r.type,
  payload: r.payload,
  at: r.at.toISOString(),
  actorOrganisationId: r.actor_organisation_id,
});

function parseNotification<T>(payload: string): T | undefined {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return undefined;
  }
}

export const orgRoom = (organisationId: string) => `org:${organisationId}`;
/** Caseworkers and org_admins of an organisation: grant.* go there (auditors and administrators see no case content). */
export const caseRoom = (organisationId: string) => `case:${organisationId}`;
export const subscriptionRoom = (recipientId: string, organisationId: string) => `sub:${recipientId}:${organisationId}`;

/**
 * Subscriptions, delivery and eviction on one instance. Every instance relays the whole, shared event table
 * itself (LISTEN/NOTIFY wakes it), so several instances deliver exactly as one does without a message broker.
 *
 * Ordering guarantee: the relay's batches and the last step of a subscribe (final replay + joining the room) run
 * one at a time (`exclusive`), and a batch emits everything synchronously before advancing `dispatchedThrough`.
 * A subscriber therefore gets every event ≤ dispatchedThrough from the replay and every later one from the room:
 * no gap and no duplicate.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private nsp: Namespace | undefined;
  private listener: PgListener | undefined;
  private readonly sequencer: LiveSequencer;
  private pollTimer: NodeJS.Timeout | undefined;
  private changesTimer: NodeJS.Timeout | undefined;
  private changesTimerAt = Infinity;
  private stopped = false;
  private started = false;
  /** The poll in flight, awaited on shutdown. */
  private polling: Promise<void> | undefined;

  /** Highest seq whose delivery on this instance is complete. */
  private dispatchedThrough = 0;
  private relayRunning: Promise<void> | undefined;
  private relayAgain = false;
  private chain: Promise<unknown> = Promise.resolve();

  /** recipientId → organisationId → that organisation's subscribed sockets on this instance. */
  private readonly subs = new Map<string, Map<string, Set<LiveSocket>>>();
  /** pairKey → when that pair's access may change by itself (grant expiry). */
  private readonly changesAt = new Map<string, { pair: LivePair; at: number }>();
  private readonly bySession = new Map<string, Set<LiveSocket>>();
  /** userId → when its last session end or account change was announced to this instance. */
  private readonly recentChanges = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LIVE_OPTIONS) readonly options: LiveOptions,
    @Inject(LIVE_ACCESS) private readonly access: LiveAccessPolicy,
    private readonly audit: AuditService,
    @Optional() @Inject(LIVE_NOTES) private readonly notes?: LiveNoteSource,
  ) {
    this.sequencer = new LiveSequencer(dataSource, logger);
  }

  logError(message: string, error: unknown): void {
    this.logger.error({ err: error instanceof Error ? error.message : String(error) }, `live: ${message}`);
  }

  attach(nsp: Namespace): void {
    this.nsp = nsp;
  }

  get position(): number {
    return this.dispatchedThrough;
  }

  async onApplicationBootstrap(): Promise<void> {
    const [state]: { last_seq: string }[] = await this.dataSource.query('SELECT last_seq FROM live_sequencer WHERE id = 1');
    this.dispatchedThrough = Number(state.last_seq);
    this.listener = new PgListener(this.config.databaseUrl!, this.logger, () => {
      // Notifications sent while the connection was down are lost: catch up from the tables.
      this.poll();
      void this.recheckSessions([...this.bySession.keys()]);
    })
      .on(LIVE_NEW_CHANNEL, () => void this.sequencer.wake())
      .on(LIVE_SEQ_CHANNEL, () => this.wakeRelay())
      .on(SESSION_ENDED_CHANNEL, (payload) => this.onSessionEnded(payload))
      .on(ACCOUNT_CHANGED_CHANNEL, (payload) => this.onAccountChanged(payload));
    await this.listener.start();
    this.started = true;
    const tick = () => {
      this.pollTimer = setTimeout(() => {
        this.poll();
        if (!this.stopped) tick();
      }, this.options.pollMs);
      this.pollTimer.unref();
    };
    tick();
    this.poll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.changesTimer);
    // Token-expiry timers die with their sockets, whether or not the disconnect handlers still run.
    for (const sockets of this.bySession.values()) for (const socket of sockets) clearTimeout(socket.data.expiryTimer);
    this.nsp?.disconnectSockets(true);
    await this.listener?.stop();
    // Let runs in flight finish before the pool closes.
    await Promise.allSettled([this.polling, this.relayRunning, this.sequencer.idle(), this.chain]);
  }

  /** Safety net for lost notifications: number pending events, relay numbered ones. */
  private poll(): void {
    if (this.stopped || !this.started || this.polling) return;
    this.polling = this.dataSource
      .query(
        `SELECT last_seq, EXISTS (SELECT 1 FROM live_events WHERE seq IS NULL) AS pending FROM live_sequencer WHERE id = 1`,
      )
      .then((rows: { last_seq: string; pending: boolean }[]) => {
        if (this.stopped) return;
        if (rows[0]?.pending) void this.sequencer.wake();
        if (Number(rows[0]?.last_seq) > this.dispatchedThrough) this.wakeRelay();
      })
      .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'live: poll failed'))
      .finally(() => {
        this.polling = undefined;
      });
  }

  /** Runs `fn` after every earlier relay batch / subscription step has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  // ---------------------------------------------------------------- sockets

  registerSocket(socket: LiveSocket): void {
    const { caller } = socket.data;
    // The announcement of a change may have arrived while this handshake was reading the old account.
    if ((this.recentChanges.get(caller.userId) ?? -Infinity) >= socket.data.authenticatedFrom) {
      socket.disconnect(true);
      return;
    }
    void socket.join(orgRoom(caller.organisationId));
    if (CASE_ROLES.includes(caller.role)) void socket.join(caseRoom(caller.organisationId));
    this.indexSession(socket);
    this.armTokenExpiry(socket);
  }

  unregisterSocket(socket: LiveSocket): void {
    clearTimeout(socket.data.expiryTimer);
    this.bySession.get(socket.data.caller?.sessionId)?.delete(socket);
    if (this.bySession.get(socket.data.caller?.sessionId)?.size === 0) this.bySession.delete(socket.data.caller.sessionId);
    for (const recipientId of socket.data.subscriptions ?? []) this.leave(socket, recipientId);
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
    this.indexSession(socket);
    this.armTokenExpiry(socket);
    return true;
  }

  private indexSession(socket: LiveSocket): void {
    const id = socket.data.caller.sessionId;
    let set = this.bySession.get(id);
    if (!set) this.bySession.set(id, (set = new Set()));
    set.add(socket);
  }

  private armTokenExpiry(socket: LiveSocket): void {
    clearTimeout(socket.data.expiryTimer);
    const ms = Math.max(0, socket.data.tokenExpiresAt - Date.now());
    socket.data.expiryTimer = setTimeout(() => socket.disconnect(true), Math.min(ms, MAX_TIMER_MS));
    // The listening server keeps the process alive; these timers must never be what does.
    socket.data.expiryTimer.unref();
  }

  private onSessionEnded(payload: string): void {
    const ended = parseNotification<SessionEnded>(payload);
    if (!ended) return;
    this.noteChange(ended.userId);
    for (const sessionId of ended.sessionIds ?? []) {
      for (const socket of [...(this.bySession.get(sessionId) ?? [])]) socket.disconnect(true);
    }
  }

  /**
   * A user's role, organisation or active state changed: every socket of that user was authorised for the old
   * account (rooms, subscriptions, note projection), so it is closed; a reconnect is authorised afresh.
   */
  private onAccountChanged(payload: string): void {
    const changed = parseNotification<AccountChanged>(payload);
    if (!changed?.userId) return;
    this.noteChange(changed.userId);
    for (const sockets of this.bySession.values()) {
      for (const socket of [...sockets]) if (socket.data.caller.userId === changed.userId) socket.disconnect(true);
    }
  }

  private noteChange(userId: string | undefined): void {
    if (!userId) return;
    const now = Date.now();
    for (const [id, at] of this.recentChanges) if (at < now - RECENT_CHANGE_MS) this.recentChanges.delete(id);
    this.recentChanges.set(userId, now);
  }

  /**
   * After notifications may have been lost: disconnects the sockets whose session is no longer live (ended, user or
   * organisation deactivated) or whose user's role or organisation is no longer the one the socket was authorised for.
   */
  private async recheckSessions(sessionIds: string[]): Promise<void> {
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
      this.logError('session re-check failed', error);
    }
  }

  // ---------------------------------------------------------------- subscriptions

  async subscribe(socket: LiveSocket, recipientId: string, sinceSeq: number | undefined): Promise<SubscribeAnswer> {
    const { caller } = socket.data;
    const organisationId = caller.organisationId;
    if (!socket.data.subscriptions.has(recipientId) && socket.data.subscriptions.size >= this.options.maxSubscriptions) {
      return { ok: false, code: 'TOO_MANY_SUBSCRIPTIONS' };
    }
    if (!CASE_ROLES.includes(caller.role)) return { ok: false, code: 'NOT_FOUND' };
    const pair = { organisationId, recipientId };
    let access = await this.readOne(pair);
    const actor = { ...caller, requestId: uuidv7() };
    if (!access) {
      await this.audit
        .recordAlone(actor, { ...this.auditOf(recipientId), outcome: 'denied', details: { code: 'NOT_FOUND' } })
        .catch((error: unknown) => this.logger.error({ err: String(error) }, 'live: denial audit failed'));
      return { ok: false, code: 'NOT_FOUND' };
    }
    // Receiving a recipient's events is a read: audited before anything is sent (a failed audit write answers nothing).
    await this.audit.recordAlone(actor, {
      ...this.auditOf(recipientId),
      fieldGroups: [...access.fieldGroups],
      legalBasis: access.legalBasis ?? null,
      details: sinceSeq === undefined ? undefined : { sinceSeq },
    });

    let cursor = sinceSeq;
    if (cursor !== undefined) {
      const [state]: { last_seq: string; purged_through: string }[] = await this.dataSource.query(
        'SELECT last_seq, purged_through FROM live_sequencer WHERE id = 1',
      );
      if (cursor < Number(state.purged_through) || cursor > Number(state.last_seq)) {
        return { ok: false, code: 'REPLAY_UNAVAILABLE' };
      }
      // The bulk of the replay runs outside the exclusive section so that it does not hold up delivery.
      cursor = await this.replay(socket, access, recipientId, cursor, this.dispatchedThrough);
    }
    return this.exclusive(async () => {
      if (socket.disconnected) return { ok: false, code: 'NOT_FOUND' } as const;
      // Access may have changed while this socket was not yet in the room to be evicted: ask again.
      access = await this.readOne(pair);
      if (!access) return { ok: false, code: 'NOT_FOUND' } as const;
      if (cursor !== undefined) await this.replay(socket, access, recipientId, cursor, this.dispatchedThrough);
      if (socket.disconnected) return { ok: false, code: 'NOT_FOUND' } as const;
      // Concurrent subscribes of one socket all passed the first count: count again where joins are serialised.
      if (!socket.data.subscriptions.has(recipientId) && socket.data.subscriptions.size >= this.options.maxSubscriptions) {
        return { ok: false, code: 'TOO_MANY_SUBSCRIPTIONS' } as const;
      }
      this.join(socket, recipientId);
      this.noteChangesAt(pair, access);
      return { ok: true, seq: this.dispatchedThrough } as const;
    });
  }

  private auditOf(recipientId: string) {
    return { action: 'live.subscribe', resourceType: 'recipient', resourceId: recipientId, recipientId };
  }

  unsubscribe(socket: LiveSocket, recipientId: string): void {
    this.leave(socket, recipientId);
  }

  private async readOne(pair: LivePair): Promise<LiveReadAccess | null> {
    const answers = await this.access.readAccess([pair]);
    return answers.get(pairKey(pair.organisationId, pair.recipientId)) ?? null;
  }

  private join(socket: LiveSocket, recipientId: string): void {
    const organisationId = socket.data.caller.organisationId;
    let orgs = this.subs.get(recipientId);
    if (!orgs) this.subs.set(recipientId, (orgs = new Map()));
    let sockets = orgs.get(organisationId);
    if (!sockets) orgs.set(organisationId, (sockets = new Set()));
    sockets.add(socket);
    socket.data.subscriptions.add(recipientId);
    void socket.join(subscriptionRoom(recipientId, organisationId));
  }

  private leave(socket: LiveSocket, recipientId: string): void {
    const organisationId = socket.data.caller.organisationId;
    socket.data.subscriptions.delete(recipientId);
    void socket.leave(subscriptionRoom(recipientId, organisationId));
    const orgs = this.subs.get(recipientId);
    const sockets = orgs?.get(organisationId);
    if (!orgs || !sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) {
      orgs.delete(organisationId);
      this.changesAt.delete(pairKey(organisationId, recipientId));
    }
    if (orgs.size === 0) this.subs.delete(recipientId);
  }

  /** Takes every socket of an organisation off a recipient, on this instance, telling each of them why. */
  private evict(organisationId: string, recipientId: string): void {
    const sockets = this.subs.get(recipientId)?.get(organisationId);
    if (!sockets || !this.nsp) return;
    const room = subscriptionRoom(recipientId, organisationId);
    this.nsp.to(room).emit('access.revoked', { recipientId });
    for (const socket of [...sockets]) this.leave(socket, recipientId);
  }

  /** Replays (since, through] to one socket under the access it has now; returns the new cursor. */
  private async replay(
    socket: LiveSocket,
    access: LiveReadAccess,
    recipientId: string,
    since: number,
    through: number,
  ): Promise<number> {
    const organisationId = socket.data.caller.organisationId;
    let cursor = since;
    for (;;) {
      const rows: EventRow[] = await this.dataSource.query(
        `SELECT ${EVENT_COLUMNS} FROM live_events
          WHERE recipient_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
        [recipientId, cursor, through, this.options.relayBatch],
      );
      if (rows.length === 0) return through;
      const events = rows.map(toEvent);
      const notes = await this.loadNotes(events);
      for (const event of events) {
        if (event.type.startsWith('grant.')) {
          if (event.organisationIds.includes(organisationId)) socket.emit(event.type, this.grantBody(event));
          continue;
        }
        let body: Record<string, unknown> | null = null;
        try {
          body = this.project(event, organisationId, access, notes);
        } catch (error) {
          this.logError(`event ${event.seq} (${event.type}) could not be replayed`, error);
        }
        if (body) socket.emit(event.type, body);
      }
      cursor = events[events.length - 1].seq;
      if (rows.length < this.options.relayBatch) return through;
    }
  }

  // ---------------------------------------------------------------- relay

  private wakeRelay(): void {
    if (this.stopped) return;
    if (this.relayRunning) {
      this.relayAgain = true;
      return;
    }
    this.relayRunning = (async () => {
      try {
        do {
          this.relayAgain = false;
          while (!this.stopped && (await this.exclusive(() => this.relayBatch())) === this.options.relayBatch) {
            // a full batch: read on
          }
        } while (this.relayAgain && !this.stopped);
      } catch (error) {
        this.logger.error({ err: String(error) }, 'live: relay batch failed (retried on the next wake-up)');
      } finally {
        this.relayRunning = undefined;
      }
    })();
  }

  private async relayBatch(): Promise<number> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM live_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [this.dispatchedThrough, this.options.relayBatch],
    );
    if (rows.length === 0 || this.stopped) return 0;
    const events = rows.map(toEvent);
    // Access is per organisation: one answer per (organisation, recipient) for the whole batch, asked at delivery.
    const pairs = new Map<string, LivePair>();
    for (const event of events) {
      for (const organisationId of this.subs.get(event.recipientId)?.keys() ?? []) {
        pairs.set(pairKey(organisationId, event.recipientId), { organisationId, recipientId: event.recipientId });
      }
    }
    const [access, notes] = await Promise.all([
      pairs.size > 0 ? this.access.readAccess([...pairs.values()]) : new Map<string, LiveReadAccess | null>(),
      this.loadNotes(events.filter((e) => this.subs.has(e.recipientId))),
    ]);
    // From here on, synchronous: no subscribe can interleave, so the room membership is the one the access was read for.
    for (const event of events) {
      try {
        this.deliver(event, access, notes);
      } catch (error) {
        // One malformed row must not stop delivery of everything after it.
        this.logError(`event ${event.seq} (${event.type}) could not be delivered`, error);
      }
    }
    this.dispatchedThrough = events[events.length - 1].seq;
    for (const [key, pair] of pairs) {
      const answer = access.get(key);
      if (answer && this.subs.get(pair.recipientId)?.has(pair.organisationId)) this.noteChangesAt(pair, answer);
    }
    return rows.length;
  }

  private deliver(
    event: StoredLiveEvent,
    access: Map<string, LiveReadAccess | null>,
    notes: Map<string, LiveNote>,
  ): void {
    const nsp = this.nsp;
    if (!nsp) return;
    if (event.type === 'grant.created' || event.type === 'grant.revoked') {
      const body = this.grantBody(event);
      for (const organisationId of new Set(event.organisationIds)) nsp.to(caseRoom(organisationId)).emit(event.type, body);
    }
    const orgs = this.subs.get(event.recipientId);
    if (!orgs) return;
    // Organisations that see the same projection share one broadcast, so the message is encoded once.
    const byBody = new Map<string, { body: Record<string, unknown>; rooms: string[] }>();
    for (const organisationId of [...orgs.keys()]) {
      const answer = access.get(pairKey(organisationId, event.recipientId));
      if (!answer) {
        // The final guard: whatever the event, an organisation that may no longer read the recipient leaves.
        this.evict(organisationId, event.recipientId);
        continue;
      }
      const body = this.project(event, organisationId, answer, notes);
      if (!body) continue;
      const key = event.type === 'recipient.updated' ? JSON.stringify(body.changedFields) : '';
      let group = byBody.get(key);
      if (!group) byBody.set(key, (group = { body, rooms: [] }));
      group.rooms.push(subscriptionRoom(event.recipientId, organisationId));
    }
    for (const { body, rooms } of byBody.values()) nsp.to(rooms).emit(event.type, body);
  }

  private envelope(event: StoredLiveEvent) {
    return { seq: event.seq, recipientId: event.recipientId, at: event.at, actorOrganisationId: event.actorOrganisationId };
  }

  private grantBody(event: StoredLiveEvent) {
    return { ...this.envelope(event), grant: event.payload.grant };
  }

  /** The event as this organisation may see it now, or null when it may see nothing of it. */
  private project(
    event: StoredLiveEvent,
    organisationId: string,
    access: LiveReadAccess,
    notes: Map<string, LiveNote>,
  ): Record<string, unknown> | null {
    switch (event.type) {
      case 'recipient.updated': {
        const readable = new Set<FieldGroup>(access.fieldGroups);
        const changedFields = (event.payload.changedFields as string[]).filter((field) => {
          const group = fieldGroupOf(field);
          return group !== undefined && (access.lead || readable.has(group));
        });
        // Nothing it may read changed: the receiver learns nothing, not even that something changed.
        if (changedFields.length === 0) return null;
        return { ...this.envelope(event), version: event.payload.version, changedFields };
      }
      case 'note.created':
      case 'note.updated': {
        const note = notes.get(event.payload.noteId as string);
        if (!note || !mayReadNote(organisationId, access, note)) return null;
        return { ...this.envelope(event), note: note.json };
      }
      default:
        // grant.* go to organisation rooms; access.changed only triggers the re-check above.
        return null;
    }
  }

  private async loadNotes(events: StoredLiveEvent[]): Promise<Map<string, LiveNote>> {
    const ids = [
      ...new Set(events.filter((e) => e.type.startsWith('note.')).map((e) => e.payload.noteId as string)),
    ];
    if (ids.length === 0 || !this.notes) return new Map();
    return this.notes.notesById(ids);
  }

  // ---------------------------------------------------------------- expiry

  private noteChangesAt(pair: LivePair, access: LiveReadAccess): void {
    const key = pairKey(pair.organisationId, pair.recipientId);
    if (!access.changesAt) {
      this.changesAt.delete(key);
      return;
    }
    this.changesAt.set(key, { pair, at: access.changesAt.getTime() });
    this.armChangesTimer();
  }

  /** One timer per instance, at the earliest moment a subscribed pair's access may lapse by itself. */
  private armChangesTimer(): void {
    if (this.stopped) return;
    let earliest = Infinity;
    for (const { at } of this.changesAt.values()) earliest = Math.min(earliest, at);
    if (earliest === this.changesTimerAt) return;
    clearTimeout(this.changesTimer);
    this.changesTimerAt = earliest;
    if (earliest === Infinity) return;
    this.changesTimer = setTimeout(
      () => {
        this.changesTimerAt = Infinity;
        void this.exclusive(() => this.recheckDue()).catch((error: unknown) =>
          this.logger.error({ err: String(error) }, 'live: expiry re-check failed'),
        );
      },
      Math.min(MAX_TIMER_MS, Math.max(0, earliest - Date.now()) + 5),
    );
    this.changesTimer.unref();
  }

  private async recheckDue(): Promise<void> {
    const now = Date.now();
    const due = [...this.changesAt.values()].filter(({ at }) => at <= now);
    if (due.length > 0 && !this.stopped) {
      const answers = await this.access.readAccess(due.map(({ pair }) => pair));
      for (const { pair, at } of due) {
        const key = pairKey(pair.organisationId, pair.recipientId);
        const answer = answers.get(key);
        if (!answer) {
          this.evict(pair.organisationId, pair.recipientId);
          this.changesAt.delete(key);
        } else if (answer.changesAt && answer.changesAt.getTime() <= at) {
          // The database clock has not reached the moment yet: look again very soon.
          this.changesAt.set(key, { pair, at: Date.now() + 100 });
        } else {
          this.noteChangesAt(pair, answer);
        }
      }
    }
    this.armChangesTimer();
  }
}
