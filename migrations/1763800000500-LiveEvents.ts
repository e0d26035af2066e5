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
    // The sequencer in one round trip. In READ COMMITTED every statement of a volatile function takes a fresh
    // snapshot, so the UPDATE, taken after the lock, sees every row committed before it: numbers follow commit order.
    await q.query(`
      CREATE FUNCTION live_sequence(batch integer) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        numbered_count bigint;
        last bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(727101);
        WITH pending AS (
          SELECT id, row_number() OVER (ORDER BY id) AS n FROM live_events WHERE seq IS NULL ORDER BY id LIMIT batch
        ), state AS (SELECT last_seq FROM live_sequencer WHERE id = 1),
        numbered AS (
          UPDATE live_events e SET seq = state.last_seq + p.n FROM pending p, state WHERE e.id = p.id RETURNING e.seq
        )
        UPDATE live_sequencer SET last_seq = last_seq + (SELECT count(*) FROM numbered)
         WHERE id = 1 RETURNING last_seq, (SELECT count(*) FROM numbered) INTO last, numbered_count;
        IF numbered_count > 0 THEN
          PERFORM pg_notify('live_seq', last::text);
        END IF;
        RETURN numbered_count;
      END $$`);
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
    await q.query(`DROP FUNCTION live_sequence(integer)`);
  }
}
