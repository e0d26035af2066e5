import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Consents1763800000210 implements MigrationInterface {
  name = 'Consents1763800000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consents (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES recipients(id),
        organisation_ids uuid[] NOT NULL CHECK (cardinality(organisation_ids) > 0),
        field_groups text[] NOT NULL CHECK (field_groups <@ ARRAY['basic','contact','care','disability','assistance','health']),
        purpose text NOT NULL,
        obtained_on date NOT NULL,
        obtained_by text NOT NULL,
        method text NOT NULL CHECK (method IN ('written','verbal','electronic')),
        signatory text NOT NULL CHECK (signatory IN ('self','proxy')),
        proxy_relationship text,
        document_reference text,
        valid_until timestamptz,
        withdrawn_at timestamptz,
        withdrawn_by uuid REFERENCES users(id),
        withdraw_reason text,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX consents_recipient_idx ON consents (recipient_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consents`);
  }
}
