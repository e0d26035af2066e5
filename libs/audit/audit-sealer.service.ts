import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { LOGGER } from '#libs/platform/index.js';
import { beginSealing, EVENT_COLUMNS, type EventRow, insertSealsSql, sealEvents } from './audit-chain.js';

/** How often every instance looks for committed, unsealed events (the guarantee is: sealed within 1 s). */
const SEAL_POLL_MS = 200;
/** After a local write, seal a little later: by then its transaction has usually committed. */
const NUDGE_MS = 50;
const BATCH = 1000;

/**
 * The single sequencer of the audit chain. Each sealing transaction takes a transaction-scoped advisory lock, so
 * only one runs at a time across all instances; it reads the last seal, seals the queued events in (at, id) order
 * with seq = last + 1, … in one multi-row INSERT, and removes them from the queue. Writers never touch the chain,
 * so they never wait on each other; the chain stays one line whatever the number of writers.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private nudge?: NodeJS.Timeout;
  private running: Promise<number> = Promise.resolve(0);
  /** A run that has not started yet: later callers join it instead of queueing one more. */
  private queued?: Promise<number>;
  private busy = false;
  private stopped = true;
  private client?: Promise<pg.Client>;
  /** After shutdown: nothing may open a connection again. */
  private closed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** No more polling; requests still in flight may seal on demand until the server has closed. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.nudge);
  }

  /** The server has closed: events committed by the last requests get their seal now, then the connection ends. */
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.sealNow();
    } catch (err) {
      this.logger.warn({ err }, 'audit sealer: final sealing failed; another instance or the next start seals the rest');
    }
    this.closed = true;
    await this.running.catch(() => 0);
    await this.dropConnection();
  }

  private async anyPending(): Promise<boolean> {
    const [{ pending }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM audit_pending) AS pending`);
    return pending as boolean;
  }

  /** A local transaction wrote an event: seal soon (the periodic poll covers other instances' writes). */
  wake(): void {
    if (this.stopped || this.nudge) return;
    this.nudge = setTimeout(() => {
      this.nudge = undefined;
      if (!this.busy) void this.sealNow().catch((err) => this.logger.error({ err }, 'audit sealer failed'));
    }, NUDGE_MS);
    this.nudge.unref();
  }

  /**
   * Seals every event committed before the call and returns how many this call sealed. Calls queue behind each
   * other, so when it resolves the events its caller committed are sealed (by this call, an earlier one, or another
   * instance whose lock it waited for).
   */
  sealNow(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    if (this.queued) return this.queued;
    const run = this.running
      .catch(() => 0)
      .then(() => {
        this.queued = undefined;
        return this.sealAll();
      });
    this.queued = run;
    this.running = run;
    return run;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // An idle instance only looks, without taking the sealing lock.
      void this.anyPending()
        .then((any) => (any ? this.sealNow() : 0))
        .catch((err) => this.logger.error({ err }, 'audit sealer failed'))
        .finally(() => this.schedule(SEAL_POLL_MS));
    }, delay);
    this.timer.unref();
  }

  private async sealAll(): Promise<number> {
    this.busy = true;
    try {
      let total = 0;
      for (;;) {
        const sealed = await this.sealBatch();
        total += sealed;
        if (sealed < BATCH) return total;
      }
    } finally {
      this.busy = false;
    }
  }

  private async sealBatch(): Promise<number> {
    const client = await this.connection();
    try {
      const { last, rows } = await beginSealing<EventRow>(
        client,
        `SELECT ${EVENT_COLUMNS} FROM audit_pending p JOIN audit_events e ON e.id = p.event_id
          ORDER BY e.at, e.id LIMIT ${BATCH}`,
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const seals = sealEvents(last, rows);
      // One round trip: the seals, the queue entries they settle, the commit.
      await client.query(
        `${insertSealsSql(seals)};
         DELETE FROM audit_pending p USING audit_seals s WHERE s.seq >= ${seals[0].seq} AND p.event_id = s.event_id;
         COMMIT`,
      );
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await this.dropConnection();
      throw error;
    }
  }

  /** The sealer's own connection: sealing never waits for (or starves) the request pool. */
  private connection(): Promise<pg.Client> {
    this.client ??= (async () => {
      const options = this.dataSource.options as { url?: string };
      const client = new pg.Client({ connectionString: options.url, application_name: 'welfare-case-share sealer' });
      client.on('error', () => undefined); // surfaces as a failed query; the next run reconnects
      await client.connect();
      return client;
    })();
    const pending = this.client;
    return pending.catch((error: unknown) => {
      if (this.client === pending) this.client = undefined;
      throw error;
    });
  }

  private async dropConnection(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }
}
