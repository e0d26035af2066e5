import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BreakReason, FullRunReason, VerifyMode } from '#libs/contracts/index.js';
import { type Caller, uuidv7 } from '#libs/platform/index.js';
import { chainHash, EVENT_COLUMNS, type EventRow, GENESIS_HASH } from './audit-chain.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';

/** An unsealed event older than this is a break: the sealer seals every committed event within 1 s. */
const UNSEALED_GRACE_SECONDS = 5;
const VERIFY_BATCH = 5000;

export type { BreakReason, FullRunReason, VerifyMode };

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  /** Extension: the seq of the first broken event (null when intact or when the event has no seal). */
  firstBrokenSeq: number | null;
  /** Extension: the seq and hash of the last sealed event, to anchor outside the database. */
  lastSeq: number;
  lastHash: string;
  /** Extension: what broke, for the auditor's report. */
  reason?: BreakReason;
  /** Extension: how the chain was checked: every event, or what is new since the last checkpoint. */
  mode: VerifyMode;
  /** Extension: the first seq this run recomputed (1 for a full run). */
  fromSeq: number;
  /** Extension: present when an incremental run was asked for but the whole chain was checked. */
  fullReason?: FullRunReason;
}

export interface VerifyProgress {
  mode: VerifyMode;
  fromSeq: number;
  checked: number;
  total: number;
}

export interface VerifyOptions {
  /** Called after every batch (and once the part to check is known). */
  onProgress?: (progress: VerifyProgress) => void | Promise<void>;
  /** Stops the run between batches (shutdown). */
  signal?: AbortSignal;
  /** The verification run this is, kept with the checkpoint. */
  verificationId?: string;
}

interface Position {
  seq: number;
  hash: string;
}

type SealedRow = EventRow & { seq: string; sealed_event_id: string; hash: string; prev_hash: string; present: boolean };

/**
 * `true` when the transaction that wrote a row (its 32-bit `xmin`) was visible in the snapshot `$snap`: the row is
 * unchanged since that snapshot. The 32-bit id is widened with the current epoch, taken from `$cur` (the current
 * snapshot's xmax); ids 1 and 2 (bootstrap, frozen by an old release) are older than any snapshot.
 */
const writtenBefore = (xmin: string, cur: string, snap: string) =>
  `(${xmin}::text::bigint < 3 OR pg_visible_in_snapshot(
      (${cur} - ((${cur} % 4294967296 - ${xmin}::text::bigint + 4294967296) % 4294967296))::text::xid8, ${snap}::pg_snapshot))`;

/**
 * Recomputes the audit chain: in full (every seal from seq 1), or incrementally from the last checkpoint (the seq and
 * hash where the last successful run ended), after checking that the part already verified was not touched since.
 * One snapshot per run; progress after every batch of 5,000 seals.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditService,
  ) {}

  /** The verification's own event (`audit.verify`), carrying its result: committed before the result is answered. */
  record(caller: Caller, r: VerifyResult, verificationId?: string): Promise<string> {
    return this.audit.recordAlone(caller, {
      action: 'audit.verify',
      resourceType: 'audit_event',
      resourceId: r.firstBrokenId,
      outcome: 'allowed',
      details: {
        ok: r.ok,
        checked: r.checked,
        lastSeq: r.lastSeq,
        lastHash: r.lastHash,
        reason: r.reason,
        mode: r.mode,
        fromSeq: r.fromSeq,
        ...(verificationId ? { verificationId } : {}),
      },
    });
  }

  async run(requested: VerifyMode, options: VerifyOptions = {}): Promise<VerifyResult> {
    await this.sealer.sealNow();
    const { result, snapshot } = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const [{ snapshot, last }] = await em.query(
        `SELECT pg_current_snapshot()::text AS snapshot, (SELECT coalesce(max(seq), 0) FROM audit_seals)::text AS last`,
      );
      let start: Position = { seq: 0, hash: GENESIS_HASH };
      let fullReason: FullRunReason | undefined;
      // Every run, full or not, holds the chain to the last verified position: a chain rewritten consistently
      // recomputes without a break, but not to the hash verified then (and a full run must not bless it).
      const checkpoint = await this.latestCheckpoint(em);
      const anchored = checkpoint ? await this.anchorHolds(em, checkpoint) : true;
      if (requested === 'incremental') {
        fullReason = !checkpoint ? 'no_checkpoint' : !anchored ? 'checkpoint_mismatch' : await this.verifiedPartChanged(em, checkpoint);
        if (checkpoint && !fullReason) start = checkpoint;
      }
      const mode: VerifyMode = start.seq > 0 ? 'incremental' : 'full';
      const progress = { mode, fromSeq: start.seq + 1, total: Number(last) - start.seq };
      await options.onProgress?.({ ...progress, checked: 0 });
      const walked = await this.walk(em, start, (checked) => options.onProgress?.({ ...progress, checked }), options.signal);
      let result: VerifyResult = { ...walked, mode, fromSeq: start.seq + 1, ...(fullReason && requested === 'incremental' ? { fullReason } : {}) };
      if (result.ok) {
        const unsealed = await this.firstUnsealed(em);
        if (unsealed) result = { ...result, ok: false, firstBrokenId: unsealed, firstBrokenSeq: null, reason: 'unsealed' };
      }
      // The chain recomputes, yet the hash at the checkpoint's seq is not the one verified then: rewritten
      // consistently from some earlier point on. The event at that seq is where the evidence is.
      if (result.ok && !anchored && checkpoint) {
        const [at] = await em.query(`SELECT event_id::text AS id FROM audit_seals WHERE seq = $1`, [checkpoint.seq]);
        result = { ...result, ok: false, firstBrokenId: at?.id ?? null, firstBrokenSeq: checkpoint.seq, reason: 'checkpoint_mismatch' };
      }
      return { result, snapshot: snapshot as string };
    });
    if (result.ok && result.lastSeq > 0) {
      await this.dataSource.query(
        `INSERT INTO audit_checkpoints (id, seq, hash, snapshot, verification_id) VALUES ($1, $2, $3, $4::pg_snapshot, $5)`,
        [uuidv7(), result.lastSeq, result.lastHash, snapshot, options.verificationId ?? null],
      );
    }
    return result;
  }

  private async latestCheckpoint(em: EntityManager): Promise<(Position & { snapshot: string }) | undefined> {
    const [row] = await em.query(
      `SELECT c.seq::text AS seq, c.hash, c.snapshot::text AS snapshot FROM audit_checkpoints c ORDER BY c.seq DESC, c.verified_at DESC LIMIT 1`,
    );
    return row ? { seq: Number(row.seq), hash: row.hash, snapshot: row.snapshot } : undefined;
  }

  /**
   * Whether the part a checkpoint covers (seq ≤ its seq) is still exactly what was verified, without hashing it
   * again (its anchor holds, see anchorHolds): every seq up to it still has its seal and event, and no seal or
   * event there was written by a transaction the checkpoint's snapshot did not see (an UPDATE, or a DELETE and
   * INSERT, gives the row a new xmin, whoever does it and whatever the triggers).
   */
  /** The seal at the checkpoint's seq still has the hash verified then (a truncated tail has no seal there at all). */
  private async anchorHolds(em: EntityManager, checkpoint: Position): Promise<boolean> {
    const [anchor] = await em.query(`SELECT hash FROM audit_seals WHERE seq = $1`, [checkpoint.seq]);
    return anchor?.hash === checkpoint.hash;
  }

  private async verifiedPartChanged(em: EntityManager, checkpoint: Position & { snapshot: string }): Promise<FullRunReason | undefined> {
    const [{ count }] = await em.query(`SELECT count(*)::text AS count FROM audit_seals WHERE seq <= $1`, [checkpoint.seq]);
    if (Number(count) !== checkpoint.seq) return 'verified_part_changed';
    const changed = await em.query(
      `WITH c AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS cur)
       SELECT 1 FROM c, audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
        WHERE s.seq <= $1
          AND (e.id IS NULL OR NOT ${writtenBefore('s.xmin', 'c.cur', '$2')} OR NOT ${writtenBefore('e.xmin', 'c.cur', '$2')})
        LIMIT 1`,
      [checkpoint.seq, checkpoint.snapshot],
    );
    return changed.length > 0 ? 'verified_part_changed' : undefined;
  }

  /**
   * Walks the seals after `start` in seq order. The first of: a seq that is not the previous + 1, a seal whose event
   * is gone, a prevHash that is not the previous hash, a hash that does not match the event's content.
   */
  private async walk(
    em: EntityManager,
    start: Position,
    progress: (checked: number) => unknown,
    signal?: AbortSignal,
  ): Promise<Omit<VerifyResult, 'mode' | 'fromSeq'>> {
    let expected = start.seq + 1;
    let prev = start.hash;
    let checked = 0;
    const broken = (id: string, reason: BreakReason) => ({
      ok: false,
      checked,
      firstBrokenId: id,
      firstBrokenSeq: expected,
      lastSeq: expected - 1,
      lastHash: prev,
      reason,
    });
    for (;;) {
      signal?.throwIfAborted();
      const rows: SealedRow[] = await em.query(
        `SELECT s.seq::text AS seq, s.event_id::text AS sealed_event_id, s.hash, s.prev_hash, e.id IS NOT NULL AS present,
                ${EVENT_COLUMNS}
           FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
          WHERE s.seq >= $1 ORDER BY s.seq LIMIT ${VERIFY_BATCH}`,
        [expected],
      );
      for (const row of rows) {
        if (row.seq !== String(expected)) return { ...broken(row.sealed_event_id, 'seq_gap'), firstBrokenSeq: Number(row.seq) };
        if (!row.present) return broken(row.sealed_event_id, 'event_missing');
        if (row.prev_hash !== prev) return broken(row.sealed_event_id, 'prev_hash_mismatch');
        if (chainHash(prev, row.seq, row) !== row.hash) return broken(row.sealed_event_id, 'hash_mismatch');
        prev = row.hash;
        expected += 1;
        checked += 1;
      }
      await progress(checked);
      if (rows.length < VERIFY_BATCH) break;
    }
    return { ok: true, checked, firstBrokenId: null, firstBrokenSeq: null, lastSeq: expected - 1, lastHash: prev };
  }

  /**
   * One statement, one snapshot: an event is committed together with its queue entry, so an event that has neither
   * seal nor queue entry was tampered with, and one queued past the grace period was never sealed.
   */
  private async firstUnsealed(em: EntityManager): Promise<string | undefined> {
    const [unsealed] = await em.query(
      `SELECT e.id::text AS id FROM audit_events e
        WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)
          AND (NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)
               OR e.at < now() - make_interval(secs => ${UNSEALED_GRACE_SECONDS}))
        ORDER BY e.at, e.id LIMIT 1`,
    );
    return unsealed?.id;
  }
}
