import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: events (written in the transaction they record), seals (the hash chain, written after commit by
 * one sequencer at a time) and the queue of events waiting for their seal. See docs/audit.md.
 */
export class AuditEvents1763800000100 implements MigrationInterface {
  name = 'AuditEvents1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        -- Millisecond precision, so the hashed form of an event is exactly what the API and the CSV show.
        at timestamptz NOT NULL CHECK (at = date_trunc('milliseconds', at)),
        actor_user_id uuid,
        actor_organisation_id uuid,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        recipient_id uuid,
        recipient_ids uuid[],
        outcome text NOT NULL CHECK (outcome IN ('allowed','denied','error')),
        field_groups text[],
        legal_basis text,
        grant_id uuid,
        ip text,
        user_agent text,
        request_id text,
        details jsonb
      )`);
    await q.query(`COMMENT ON TABLE audit_events IS 'append-only: the runtime role may only INSERT and SELECT'`);
    await q.query(`CREATE INDEX audit_events_at_idx ON audit_events (at, id)`);
    await q.query(`CREATE INDEX audit_events_recipient_idx ON audit_events (recipient_id, at) WHERE recipient_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_recipient_ids_idx ON audit_events USING gin (recipient_ids) WHERE recipient_ids IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, at)`);
    await q.query(`CREATE INDEX audit_events_org_idx ON audit_events (actor_organisation_id, at)`);

    // The chain: seq is assigned by the sealer (last seq + 1), so rolled-back writers leave no gaps.
    await q.query(`
      CREATE TABLE audit_seals (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        event_id uuid NOT NULL UNIQUE REFERENCES audit_events (id),
        hash char(64) NOT NULL,
        prev_hash char(64) NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`COMMENT ON TABLE audit_seals IS 'append-only: the hash chain over audit_events, written by the sealer'`);

    // Events committed but not sealed yet. Not append-only: the sealer deletes what it sealed. Deleting a row here
    // by hand cannot hide an event: verify reports any event without a seal.
    await q.query(`
      CREATE TABLE audit_pending (
        event_id uuid PRIMARY KEY,
        queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`COMMENT ON TABLE audit_pending IS 'queue of audit events awaiting their seal'`);

    // Triggers refuse changes for every role, the owner included; only a superuser who switches triggers off
    // (session_replication_role = replica, or ALTER TABLE … DISABLE TRIGGER) gets past them, and verify sees that.
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_events', 'audit_seals']) {
      await q.query(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_pending`);
    await q.query(`DROP TABLE audit_seals`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION refuse_change()`);
  }
}
