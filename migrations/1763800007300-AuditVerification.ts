import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification at scale: runs of the chain verification with their progress (any instance answers a poll), and the
 * checkpoints of successful runs, from which the next run checks only what is new. See docs/audit.md.
 */
export class AuditVerification1763800007300 implements MigrationInterface {
  name = 'AuditVerification1763800007300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_verifications (
        id uuid PRIMARY KEY,
        requested_by uuid NOT NULL,
        requested_mode text NOT NULL CHECK (requested_mode IN ('full', 'incremental')),
        mode text CHECK (mode IN ('full', 'incremental')),
        state text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        from_seq bigint,
        total bigint NOT NULL DEFAULT 0,
        checked bigint NOT NULL DEFAULT 0,
        ok boolean,
        first_broken_id uuid,
        first_broken_seq bigint,
        reason text,
        last_seq bigint,
        last_hash text,
        full_reason text,
        error text,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX audit_verifications_running_idx ON audit_verifications (started_at) WHERE state = 'running'`);

    // The position (seq, hash) each successful verification reached, and the snapshot it read the chain in: rows of
    // the verified part written by a transaction that snapshot did not see were changed after it (docs/audit.md).
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id uuid PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq > 0),
        hash char(64) NOT NULL,
        snapshot pg_snapshot NOT NULL,
        verification_id uuid,
        verified_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`COMMENT ON TABLE audit_checkpoints IS 'append-only: verified positions of the audit chain'`);
    await q.query(`CREATE INDEX audit_checkpoints_seq_idx ON audit_checkpoints (seq DESC, verified_at DESC)`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`DROP TABLE audit_verifications`);
  }
}
