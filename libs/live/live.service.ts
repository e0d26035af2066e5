import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CASE_ROLES } from '#libs/contracts/index.js';
import { ACCOUNT_CHANGED_CHANNEL, SESSION_ENDED_CHANNEL } from '#libs/identity/index.js';
import { AuditService } from '#libs/audit/index.js';
import { APP_CONFIG, type AppConfig, type Caller, LOGGER, uuidv7 } from '#libs/platform/index.js';
import { AccessService, pairKey, type ResolvedAccess } from '#libs/access/index.js';
import { AccessExpiry } from './access-expiry.js';
import { LIVE_NOTES, type LiveNote, type LiveNoteSource, type LivePair } from './live-access.js';
import { LIVE_NEW_CHANNEL, LIVE_SEQ_CHANNEL } from '#libs/outbox/index.js';
import { grantMessage, isGrantEvent, noteIdsOf, projectLiveEvent, type StoredLiveEvent } from './live-projection.js';
import { LiveSequencer } from './live-sequencer.js';
import { LiveSessions } from './live-sessions.js';
import { backgroundTimer, caseRoom, type LiveMessage, type LiveNamespace, type LiveSocket, subscriptionRoom } from './live-socket.js';
import { LIVE_OPTIONS, type LiveOptions } from './live.options.js';
import { PgListener } from './pg-listener.js';

interface EventRow {
  seq: string;
  recipient_id: string;
  organisation_ids: string[];
  type: StoredLiveEvent['type'];
  payload: unknown;
  at: Date;
  actor_organisation_id: string | null;
}

export type SubscribeAnswer =
  | { ok: true; seq: number }
  | { ok: false; code: 'NOT_FOUND' | 'REPLAY_UNAVAILABLE' | 'TOO_MANY_SUBSCRIPTIONS' };

const EVENT_COLUMNS = 'seq, recipient_id, organisation_ids, type, payload, at, actor_organisation_id';

// The rows were written by LiveOutbox's publishers, each type with its own payload.
const toEvent = (r: EventRow) =>
  ({
    seq: Number(r.seq),
    recipientId: r.recipient_id,
    organisationIds: r.organisation_ids,
    type: r.type,
    payload: r.payload,
    at: r.at.toISOString(),
    actorOrganisationId: r.actor_organisation_id,
  }) as StoredLiveEvent;

/**
 * The relay: subscriptions and delivery on one instance, and the one owner of "no gap, no duplicate". Every instance
 * relays the whole, shared event table itself (LISTEN/NOTIFY wakes it), so several instances deliver exactly as one
 * does without a message broker. What an organisation sees of an event is `projectLiveEvent`'s answer; the sockets'
 * sessions and tokens are `LiveSessions`'; lapsing grants are `AccessExpiry`'s, which evicts through this class.
 *
 * Ordering guarantee: the relay's batches and the last step of a subscribe (final replay + joining the room) run
 * one at a time (`exclusive`), and a batch emits everything synchronously before advancing `dispatchedThrough`.
 * A subscriber therefore gets every event ≤ dispatchedThrough from the replay and every later one from the room:
 * no gap and no duplicate.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private nsp: LiveNamespace | undefined;
  private listener: PgListener | undefined;
  private readonly sequencer: LiveSequencer;
  private readonly sessions: LiveSessions;
  private readonly expiry: AccessExpiry<LivePair>;
  private pollTimer: NodeJS.Timeout | undefined;
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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LIVE_OPTIONS) readonly options: LiveOptions,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    @Optional() @Inject(LIVE_NOTES) private readonly notes?: LiveNoteSource,
  ) {
    this.sequencer = new LiveSequencer(dataSource, logger);
    this.sessions = new LiveSessions(dataSource, logger);
    this.expiry = new AccessExpiry<LivePair>(
      (pair) => pairKey(pair.organisationId, pair.recipientId),
      {
        inTurn: (fn) => this.exclusive(fn),
        readAccess: (pairs) => this.readAccess(pairs),
        evict: (pair) => this.evict(pair.organisationId, pair.recipientId),
      },
      logger,
    );
  }

  logError(message: string, error: unknown): void {
    this.logger.error({ err: error instanceof Error ? error.message : String(error) }, `live: ${message}`);
  }

  attach(nsp: LiveNamespace): void {
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
      void this.sessions.recheckAll();
    })
      .on(LIVE_NEW_CHANNEL, () => void this.sequencer.wake())
      .on(LIVE_SEQ_CHANNEL, () => this.wakeRelay())
      .on(SESSION_ENDED_CHANNEL, (payload) => this.sessions.sessionEnded(payload))
      .on(ACCOUNT_CHANGED_CHANNEL, (payload) => this.sessions.accountChanged(payload));
    await this.listener.start();
    this.started = true;
    const tick = () => {
      this.pollTimer = backgroundTimer(() => {
        this.poll();
        if (!this.stopped) tick();
      }, this.options.pollMs);
    };
    tick();
    this.poll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    this.expiry.stop();
    this.sessions.stop();
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
    this.sessions.register(socket);
  }

  unregisterSocket(socket: LiveSocket): void {
    this.sessions.unregister(socket);
    for (const recipientId of socket.data.subscriptions) this.leave(socket, recipientId);
  }

  /** `auth.renew`: the same user, a live session; the socket now ends with the new token. */
  renew(socket: LiveSocket, caller: Caller, tokenExpiresAt: number): boolean {
    return this.sessions.renew(socket, caller, tokenExpiresAt);
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
      this.expiry.note(pair, access.changesAt);
      return { ok: true, seq: this.dispatchedThrough } as const;
    });
  }

  private auditOf(recipientId: string) {
    return { action: 'live.subscribe' as const, resourceType: 'recipient', resourceId: recipientId, recipientId };
  }

  unsubscribe(socket: LiveSocket, recipientId: string): void {
    this.leave(socket, recipientId);
  }

  /**
   * The access authority's answers for the pairs, keyed by `pairKey`, keeping only the pairs that may read: a missing
   * key means "may not read this recipient" (treated like 404, and a subscription is evicted).
   */
  private async readAccess(pairs: readonly LivePair[]): Promise<Map<string, ResolvedAccess>> {
    const answers = await this.access.readAccess(this.dataSource.manager, pairs);
    for (const [key, answer] of answers) if (!answer.visible) answers.delete(key);
    return answers;
  }

  private async readOne(pair: LivePair): Promise<ResolvedAccess | null> {
    const answers = await this.readAccess([pair]);
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
      this.expiry.forget({ organisationId, recipientId });
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
    access: ResolvedAccess,
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
        let message: LiveMessage | null = null;
        if (isGrantEvent(event)) {
          if (event.organisationIds.includes(organisationId)) message = grantMessage(event);
        } else {
          try {
            message = projectLiveEvent(event, organisationId, access, notes);
          } catch (error) {
            this.logError(`event ${event.seq} (${event.type}) could not be replayed`, error);
          }
        }
        if (message) socket.emit(message.event, message.body);
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
      pairs.size > 0 ? this.readAccess([...pairs.values()]) : new Map<string, ResolvedAccess>(),
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
      if (answer && this.subs.get(pair.recipientId)?.has(pair.organisationId)) this.expiry.note(pair, answer.changesAt);
    }
    return rows.length;
  }

  private deliver(
    event: StoredLiveEvent,
    access: Map<string, ResolvedAccess>,
    notes: Map<string, LiveNote>,
  ): void {
    const nsp = this.nsp;
    if (!nsp) return;
    if (isGrantEvent(event)) {
      const message = grantMessage(event);
      for (const organisationId of new Set(event.organisationIds)) nsp.to(caseRoom(organisationId)).emit(message.event, message.body);
    }
    const orgs = this.subs.get(event.recipientId);
    if (!orgs) return;
    // Organisations that see the same projection share one broadcast, so the message is encoded once.
    const byBody = new Map<string, { message: LiveMessage; rooms: string[] }>();
    for (const organisationId of [...orgs.keys()]) {
      const answer = access.get(pairKey(organisationId, event.recipientId));
      if (!answer) {
        // The final guard: whatever the event, an organisation that may no longer read the recipient leaves.
        this.evict(organisationId, event.recipientId);
        continue;
      }
      const message = projectLiveEvent(event, organisationId, answer, notes);
      if (!message) continue;
      const key = message.event === 'recipient.updated' ? JSON.stringify(message.body.changedFields) : '';
      let group = byBody.get(key);
      if (!group) byBody.set(key, (group = { message, rooms: [] }));
      group.rooms.push(subscriptionRoom(event.recipientId, organisationId));
    }
    for (const { message, rooms } of byBody.values()) nsp.to(rooms).emit(message.event, message.body);
  }

  private async loadNotes(events: StoredLiveEvent[]): Promise<Map<string, LiveNote>> {
    const ids = noteIdsOf(events);
    if (ids.length === 0 || !this.notes) return new Map();
    return this.notes.notesById(ids);
  }
}
