import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { VerifyJobJson } from '#libs/contracts/index.js';
import { type Caller, LOGGER, notFound, uuidv7 } from '#libs/platform/index.js';
import { AuditService } from './audit.service.js';
import { AuditVerifier, type VerifyMode, type VerifyResult } from './audit-verifier.js';

/** A running job whose instance has not said anything for this long is reported as failed (its instance is gone). */
const ABANDONED_AFTER_SECONDS = 60;
const HEARTBEAT_MS = 5000;
/** Progress is written at most this often (every batch would be a write per 5,000 events). */
const PROGRESS_MS = 500;

export type { VerifyJobJson };

const JOB_COLUMNS = `id::text AS id, requested_mode, mode, from_seq::text AS from_seq, total::text AS total,
  checked::text AS checked, ok, first_broken_id::text AS first_broken_id, first_broken_seq::text AS first_broken_seq,
  reason, last_seq::text AS last_seq, last_hash, full_reason, started_at, finished_at,
  CASE WHEN state = 'running' AND heartbeat_at < clock_timestamp() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
       THEN 'failed' ELSE state END AS state,
  CASE WHEN state = 'running' AND heartbeat_at < clock_timestamp() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
       THEN 'abandoned' ELSE error END AS error`;

/** A row of JOB_COLUMNS: numbers arrive as text (bigint), times as dates. */
interface JobRow {
  id: string;
  requested_mode: VerifyJobJson['requestedMode'];
  mode: VerifyJobJson['mode'];
  from_seq: string | null;
  total: string;
  checked: string;
  ok: boolean | null;
  first_broken_id: string | null;
  first_broken_seq: string | null;
  reason: VerifyJobJson['reason'];
  last_seq: string | null;
  last_hash: string | null;
  full_reason: VerifyJobJson['fullReason'];
  started_at: Date;
  finished_at: Date | null;
  state: VerifyJobJson['state'];
  error: string | null;
}

const num = (v: string | null) => (v === null ? null : Number(v));

function jobJson(row: JobRow): VerifyJobJson {
  return {
    id: row.id,
    state: row.state,
    requestedMode: row.requested_mode,
    mode: row.mode,
    fromSeq: num(row.from_seq),
    checked: Number(row.checked),
    total: Number(row.total),
    ok: row.ok,
    firstBrokenId: row.first_broken_id,
    firstBrokenSeq: num(row.first_broken_seq),
    reason: row.reason,
    lastSeq: num(row.last_seq),
    lastHash: row.last_hash,
    fullReason: row.full_reason,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

/**
 * Chain verification as a job: started by one request, run in the background on the instance that accepted it,
 * its progress kept in `audit_verifications` so that a poll on any instance answers. One run at a time per
 * deployment: starting while one is running returns that one.
 */
@Injectable()
export class AuditVerifyJobs implements BeforeApplicationShutdown {
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly verifier: AuditVerifier,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(caller: Caller, mode: VerifyMode): Promise<VerifyJobJson> {
    const id = uuidv7();
    // Under a transaction-scoped lock so that two concurrent starts cannot both find nothing running.
    const rows: JobRow[] = await this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(727202)`);
      const [current] = await em.query(
        `SELECT ${JOB_COLUMNS} FROM audit_verifications
          WHERE state = 'running' AND heartbeat_at >= clock_timestamp() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
          ORDER BY started_at LIMIT 1`,
      );
      if (current) return [current];
      await em.query(`INSERT INTO audit_verifications (id, requested_by, requested_mode, state) VALUES ($1, $2, $3, 'running')`, [
        id,
        caller.userId,
        mode,
      ]);
      return em.query(`SELECT ${JOB_COLUMNS} FROM audit_verifications WHERE id = $1`, [id]);
    });
    const job = jobJson(rows[0]);
    if (job.id === id) {
      const run = this.execute(caller, id, mode).finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    return job;
  }

  async get(id: string): Promise<VerifyJobJson> {
    const [row]: JobRow[] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM audit_verifications WHERE id = $1`, [id]);
    if (!row) throw notFound('Verification not found');
    return jobJson(row);
  }

  /** Waits for a job this instance runs (tests, shutdown). */
  settled(id: string): Promise<void> {
    return this.running.get(id) ?? Promise.resolve();
  }

  /** Runs stop between batches and are recorded as failed; another instance (or a new start) runs them again. */
  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort(new Error('the application is shutting down'));
    await Promise.all(this.running.values());
  }

  private async execute(caller: Caller, id: string, mode: VerifyMode): Promise<void> {
    const heartbeat = setInterval(() => {
      void this.dataSource.query(`UPDATE audit_verifications SET heartbeat_at = clock_timestamp() WHERE id = $1`, [id]).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    let written = 0;
    try {
      const result = await this.verifier.run(mode, {
        verificationId: id,
        signal: this.abort.signal,
        onProgress: async (p) => {
          if (p.checked > 0 && p.checked < p.total && Date.now() - written < PROGRESS_MS) return;
          written = Date.now();
          await this.dataSource.query(
            `UPDATE audit_verifications SET mode = $2, from_seq = $3, total = $4, checked = $5, heartbeat_at = clock_timestamp()
              WHERE id = $1`,
            [id, p.mode, p.fromSeq, p.total, p.checked],
          );
        },
      });
      await this.finish(id, result);
      await this.verifier.record(caller, result, id);
    } catch (err) {
      this.logger.error({ err, verificationId: id }, 'audit verification failed');
      await this.dataSource
        .query(
          `UPDATE audit_verifications SET state = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1`,
          [id, this.abort.signal.aborted ? 'interrupted' : 'error'],
        )
        .catch(() => undefined);
      await this.audit
        .recordAlone(caller, {
          action: 'audit.verify',
          resourceType: 'audit_event',
          outcome: 'error',
          details: { verificationId: id, requestedMode: mode },
        })
        .catch((error: unknown) => this.logger.error({ err: error, verificationId: id }, 'audit verification: event not written'));
    } finally {
      clearInterval(heartbeat);
    }
  }

  private finish(id: string, r: VerifyResult): Promise<unknown> {
    return this.dataSource.query(
      `UPDATE audit_verifications SET state = 'done', mode = $2, from_seq = $3, checked = $4, total = greatest(total, $4), ok = $5,
              first_broken_id = $6, first_broken_seq = $7, reason = $8, last_seq = $9, last_hash = $10, full_reason = $11,
              finished_at = clock_timestamp(), heartbeat_at = clock_timestamp()
        WHERE id = $1`,
      [id, r.mode, r.fromSeq, r.checked, r.ok, r.firstBrokenId, r.firstBrokenSeq, r.reason ?? null, r.lastSeq, r.lastHash, r.fullReason ?? null],
    );
  }
}
