import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

/** Fixed advisory-lock key (also in the live_sequence function): one numbering or purge at a time. */
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

  /** The run in flight, if any (awaited on shutdown so that the pool is not closed under it). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async runOnce(): Promise<number> {
    // One statement (see the live_sequence function): lock, number, notify, commit.
    const [row]: { n: string }[] = await this.dataSource.query('SELECT live_sequence($1) AS n', [BATCH]);
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      await this.purge();
    }
    return Number(row.n);
  }

  /** Drops events past the retention window, remembering how far (older replays are then refused). */
  private async purge(): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
      await em.query(
        `WITH gone AS (
           DELETE FROM live_events WHERE seq IS NOT NULL AND at < now() - make_interval(days => $1) RETURNING seq
         )
         UPDATE live_sequencer SET purged_through = greatest(purged_through, coalesce((SELECT max(seq) FROM gone), 0))
          WHERE id = 1`,
        [LIVE_RETENTION_DAYS],
      );
    });
  }
}
