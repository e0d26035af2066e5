import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RecipientHistory1763800000230 implements MigrationInterface {
  name = 'RecipientHistory1763800000230';

  async up(q: QueryRunner): Promise<void> {
    // One row per successful update: `changes` is [{ field, from, to }]. Written in the update's transaction.
    await q.query(`
      CREATE TABLE recipient_history (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES recipients(id),
        version integer NOT NULL,
        at timestamptz NOT NULL,
        by_user_id uuid NOT NULL REFERENCES users(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        changes jsonb NOT NULL
      )`);
    await q.query(`COMMENT ON TABLE recipient_history IS 'append-only: field-level change history of recipients'`);
    await q.query(`CREATE UNIQUE INDEX recipient_history_recipient_idx ON recipient_history (recipient_id, version)`);
    await q.query(
      `CREATE TRIGGER recipient_history_no_update BEFORE UPDATE OR DELETE ON recipient_history FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recipient_history`);
  }
}
