import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox of live updates. A writer inserts with `seq` null in its own transaction; a single
 * sequencer (advisory lock) numbers committed rows afterwards, so `seq` follows commit order and a reader that
 * walks `seq > last` never skips a row that committed late. Rows carry no personal values (ids, field names).
 */
export class LiveEvents1763800000500 implements MigrationInterface {
  name = 'LiveEvents1763800000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE live_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq bigint UNIQUE,
        recipient_id uuid,
        organisation_ids uuid[] NOT NULL DEFAULT '{}',
        type text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_organisation_id uuid
      )`);
    await q.query(`CREATE INDEX live_events_unsequenced_idx ON live_events (id) WHERE seq IS NULL`);
    await q.query(`CREATE INDEX live_events_recipient_seq_idx ON live_events (recipient_id, seq) WHERE seq IS NOT NULL`);
    await q.query(`CREATE INDEX live_events_at_idx ON live_events (at)`);
    // One row: the last number handed out and how far old rows have been purged (older replays are refused).
    await q.query(`
      CREATE TABLE live_sequencer (
        id int PRIMARY KEY CHECK (id = 1),
        last_seq bigint NOT NULL,
        purged_through bigint NOT NULL
      )`);
    await q.query(`INSERT INTO live_sequencer (id, last_seq, purged_through) VALUES (1, 0, 0)`);
    // An event, once written, only ever gains its number (null → value, once); nothing else about it changes.
    await q.query(`
      CREATE FUNCTION live_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.seq IS NOT NULL OR NEW.seq IS NULL
           OR (NEW.id, NEW.recipient_id, NEW.organisation_ids, NEW.type, NEW.payload, NEW.at, NEW.actor_organisation_id)
              IS DISTINCT FROM
              (OLD.id, OLD.recipient_id, OLD.organisation_ids, OLD.type, OLD.payload, OLD.at, OLD.actor_organisation_id)
        THEN
          RAISE EXCEPTION 'live_events rows only gain their seq, once' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER live_events_guard BEFORE UPDATE ON live_events FOR EACH ROW EXECUTE FUNCTION live_events_guard()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE live_sequencer`);
    await q.query(`DROP TABLE live_events`);
    await q.query(`DROP FUNCTION live_events_guard()`);
  }
}
