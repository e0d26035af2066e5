import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { LOGGER } from '#libs/platform/index.js';
import { chainHash, EVENT_COLUMNS, type EventRow, GENESIS_HASH, SEALER_LOCK } from './audit-chain.js';

/** How often every instance looks for committed, unsealed events (the guarantee is: sealed within 1 s). */
export const SEAL_POLL_MS = 200;
/** After a local write, seal a little later: by then its transaction has usually committed. */
const NUDGE_MS = 25;
const BATCH = 1000;

/**
 * The single sequencer of the audit chain. Each sealing transaction takes a transaction-scoped advisory lock, so
 * only one runs at a time across all instances; it reads the last seal, seals the queued events in (at, id) order
 * with seq = last + 1, … in one multi-row INSERT, and removes them from the queue. Writers never touch the chain,
 * so they never wait on each other; the chain stays one line whatever the number of writers.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private nudge?: NodeJS.Timeout;
  private running: Promise<number> = Promise.resolve(0);
  /** A run that has not started yet: later callers join it instead of queueing one more. */
  private queued?: Promise<number>;
  private busy = false;
  private stopped = true;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.nudge);
    // Events committed by the last requests get their seal now rather than from another instance later.
    try {
      await this.sealNow();
    } catch (err) {
      this.logger.warn({ err }, 'audit sealer: final sealing failed; another instance or the next start seals the rest');
    }
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
      void this.sealNow()
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
    // Cheap check first, so that an idle instance polling does not open a transaction.
    const [{ pending }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM audit_pending) AS pending`);
    if (!pending) return 0;
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [SEALER_LOCK]);
      // Statements after the lock see everything committed before it, other sealers' work included.
      const rows: EventRow[] = await em.query(
        `SELECT ${EVENT_COLUMNS} FROM audit_pending p JOIN audit_events e ON e.id = p.event_id
          ORDER BY e.at, e.id LIMIT ${BATCH}`,
      );
      if (rows.length === 0) return 0;
      const [last] = await em.query(`SELECT s.seq::text AS seq, s.hash FROM audit_seals s ORDER BY s.seq DESC LIMIT 1`);
      let seq = last ? BigInt(last.seq) : 0n;
      let prev: string = last ? last.hash : GENESIS_HASH;
      const seqs: string[] = [];
      const ids: string[] = [];
      const hashes: string[] = [];
      const prevs: string[] = [];
      for (const row of rows) {
        seq += 1n;
        const hash = chainHash(prev, seq.toString(), row);
        seqs.push(seq.toString());
        ids.push(row.id);
        hashes.push(hash);
        prevs.push(prev);
        prev = hash;
      }
      await em.query(
        `INSERT INTO audit_seals (seq, event_id, hash, prev_hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])`,
        [seqs, ids, hashes, prevs],
      );
      await em.query(`DELETE FROM audit_pending WHERE event_id = ANY($1::uuid[])`, [ids]);
      return rows.length;
    });
  }
}
