import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { LIVE_SEQ_CHANNEL } from './live-outbox.js';

/** Fixed advisory-lock key: whichever instance holds it numbers events; the others wait their turn. */
const SEQUENCER_LOCK = 727_101;
/** Events are kept at least this long for replay (shared/API.md: ≥ 7 days); older ones are purged. */
export const LIVE_RETENTION_DAYS = 8;
const PURGE_EVERY_MS = 10 * 60_000;
const BATCH = 5000;

/**
 * Numbers committed events in commit order. Every instance may run it: the advisory lock serialises the runs, and
 * each run sees only rows committed before it took the lock, so a number handed out is always greater than every
 * number already committed. A writer that commits late simply gets the next number: nothing is ever skipped.
 */
export class LiveSequencer {
  private running: Promise<void> | undefined;
  private again = false;
  private lastPurge = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Runs now, or once more after the run in progress (wake-ups coalesce). */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.runOnce()) === BATCH) {
            // a full batch: more may be waiting
          }
        } while (this.again);
      } catch (error) {
        this.logger.warn({ err: String(error) }, 'live: sequencer run failed (retried on the next wake-up)');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Cheap check (a partial index) before taking the lock. */
  async pending(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM live_events WHERE seq IS NULL LIMIT 1');
    return rows.length > 0;
  }

  private async runOnce(): Promise<number> {
    const purge = Date.now() - this.lastPurge > PURGE_EVERY_MS;
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
      // A fresh snapshot after the lock: it sees every row committed up to now, including the previous run's numbers.
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [rows]: [{ last_seq: string; n: string }[], number] = await em.query(
        `WITH pending AS (
           SELECT id, row_number() OVER (ORDER BY id) AS n FROM live_events WHERE seq IS NULL ORDER BY id LIMIT ${BATCH}
         ), state AS (SELECT last_seq FROM live_sequencer WHERE id = 1),
         numbered AS (
           UPDATE live_events e SET seq = state.last_seq + p.n FROM pending p, state WHERE e.id = p.id RETURNING e.seq
         )
         UPDATE live_sequencer SET last_seq = last_seq + (SELECT count(*) FROM numbered)
          WHERE id = 1 RETURNING last_seq, (SELECT count(*) FROM numbered) AS n`,
      );
      const n = Number(rows[0]?.n ?? 0);
      if (n > 0) await em.query('SELECT pg_notify($1, $2)', [LIVE_SEQ_CHANNEL, rows[0].last_seq]);
      if (purge) {
        this.lastPurge = Date.now();
        await em.query(
          `WITH gone AS (
             DELETE FROM live_events WHERE seq IS NOT NULL AND at < now() - make_interval(days => $1) RETURNING seq
           )
           UPDATE live_sequencer SET purged_through = greatest(purged_through, coalesce((SELECT max(seq) FROM gone), 0))
            WHERE id = 1`,
          [LIVE_RETENTION_DAYS],
        );
      }
      return n;
    });
  }
}
