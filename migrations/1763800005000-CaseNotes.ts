import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CaseNotes1763800005000 implements MigrationInterface {
  name = 'CaseNotes1763800005000';

  async up(q: QueryRunner): Promise<void> {
    // created_at is kept to the millisecond so that the (createdAt, id) cursor a client holds compares exactly.
    await q.query(`
      CREATE TABLE case_notes (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES recipients(id),
        author_user_id uuid NOT NULL REFERENCES users(id),
        author_organisation_id uuid NOT NULL REFERENCES organisations(id),
        occurred_at timestamptz NOT NULL,
        contact_type text NOT NULL
          CHECK (contact_type IN ('visit','phone','office_visit','accompany','meeting','document','liaison','other')),
        counterpart text CHECK (length(counterpart) <= 200),
        title text CHECK (length(title) <= 200),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
        sensitivity text NOT NULL CHECK (sensitivity IN ('normal','sensitive','author_org_only')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        retracted_at timestamptz,
        retracted_by uuid REFERENCES users(id),
        retract_reason text CHECK (length(retract_reason) <= 1000),
        CHECK ((retracted_at IS NULL) = (retract_reason IS NULL))
      )`);
    // Newest first per recipient (the list order and its cursor), and the same per author organisation.
    await q.query(`CREATE INDEX case_notes_recipient_idx ON case_notes (recipient_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX case_notes_recipient_author_idx ON case_notes (recipient_id, author_organisation_id, created_at DESC, id DESC)`,
    );
    // Every version a note ever had, written with the change: edits and retractions never lose text.
    await q.query(`
      CREATE TABLE case_note_revisions (
        note_id uuid NOT NULL REFERENCES case_notes(id),
        version integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        contact_type text NOT NULL,
        counterpart text,
        title text,
        body text NOT NULL,
        sensitivity text NOT NULL,
        retracted_at timestamptz,
        retract_reason text,
        written_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        written_by uuid NOT NULL REFERENCES users(id),
        written_by_organisation_id uuid NOT NULL REFERENCES organisations(id),
        change text NOT NULL CHECK (change IN ('create','update','retract')),
        PRIMARY KEY (note_id, version)
      )`);
    await q.query(`COMMENT ON TABLE case_note_revisions IS 'append-only: every version of every case note'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_note_revisions, case_notes`);
  }
}
