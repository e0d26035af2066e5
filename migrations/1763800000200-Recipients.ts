import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Recipients1763800000200 implements MigrationInterface {
  name = 'Recipients1763800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE recipient_case_number_seq`);
    await q.query(`
      CREATE TABLE recipients (
        id uuid PRIMARY KEY,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users(id),
        lead_organisation_id uuid NOT NULL REFERENCES organisations(id),
        case_number text NOT NULL CHECK (length(case_number) BETWEEN 1 AND 50),
        family_name text NOT NULL,
        given_name text NOT NULL,
        family_name_kana text,
        given_name_kana text,
        birth_date date,
        sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('male','female','other','unknown')),
        status text NOT NULL DEFAULT 'intake' CHECK (status IN ('intake','active','monitoring','closed')),
        support_categories text[] NOT NULL DEFAULT '{}'
          CHECK (support_categories <@ ARRAY['elderly','disability','poverty','child','other']),
        opened_on date NOT NULL DEFAULT current_date,
        closed_on date,
        postal_code text,
        address text,
        phone text,
        email text,
        emergency_contacts jsonb NOT NULL DEFAULT '[]',
        care_level text CHECK (care_level IN ('none','support_1','support_2','care_1','care_2','care_3','care_4','care_5')),
        care_manager_organisation_id uuid REFERENCES organisations(id),
        dementia_independence text CHECK (dementia_independence IN ('independent','I','IIa','IIb','IIIa','IIIb','IV','M')),
        disability_certificates jsonb NOT NULL DEFAULT '[]',
        disability_support_category text CHECK (disability_support_category IN ('none','1','2','3','4','5','6')),
        public_assistance text CHECK (public_assistance IN ('none','applied','receiving','suspended','ended')),
        assistance_caseworker text,
        health_notes text,
        primary_physician text,
        -- Normalised name + kana for ?q= (see libs/recipients/search-key.ts); never returned.
        search_key text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX recipients_case_number_key ON recipients (case_number)`);
    // The default list order, and the same order restricted to one lead organisation (the lead branch of a list).
    await q.query(`CREATE INDEX recipients_updated_idx ON recipients (updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX recipients_lead_updated_idx ON recipients (lead_organisation_id, updated_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX recipients_kana_idx ON recipients ((coalesce(family_name_kana, '')), (coalesce(given_name_kana, '')), id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recipients`);
    await q.query(`DROP SEQUENCE recipient_case_number_seq`);
  }
}
