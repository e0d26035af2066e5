import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEvents1763800000100 implements MigrationInterface {
  name = 'AuditEvents1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL,
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
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION refuse_change()`);
  }
}
