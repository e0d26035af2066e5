import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Grants1763800000220 implements MigrationInterface {
  name = 'Grants1763800000220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grants (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES recipients(id),
        grantee_organisation_id uuid NOT NULL REFERENCES organisations(id),
        -- Kept sorted (by the service) so that equal shapes compare equal.
        field_groups text[] NOT NULL
          CHECK ('basic' = ANY (field_groups) AND field_groups <@ ARRAY['basic','contact','care','disability','assistance','health']),
        permissions text[] NOT NULL CHECK (permissions <@ ARRAY['notes.read','notes.write','profile.write']),
        legal_basis text NOT NULL CHECK (legal_basis IN
          ('consent','support_meeting','care_meeting','child_council','entrustment','vital_interest','statute')),
        consent_id uuid REFERENCES consents(id),
        basis_reference text,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz CHECK (valid_until > valid_from),
        granted_by uuid NOT NULL REFERENCES users(id),
        granted_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id),
        revoke_reason text,
        version integer NOT NULL DEFAULT 1,
        CHECK ((legal_basis = 'consent') = (consent_id IS NOT NULL)),
        CHECK (legal_basis = 'consent' OR basis_reference IS NOT NULL),
        CHECK (legal_basis <> 'vital_interest' OR (valid_until IS NOT NULL AND valid_until <= valid_from + interval '72 hours'))
      )`);
    // "Which recipients may this organisation read": the access condition of every list, probed per organisation.
    // Covering (INCLUDE) so that the grant shapes of an organisation come from the index alone.
    await q.query(`
      CREATE INDEX grants_grantee_active_idx ON grants (grantee_organisation_id, recipient_id)
        INCLUDE (valid_from, valid_until, field_groups, permissions) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX grants_recipient_idx ON grants (recipient_id, granted_at, id)`);
    await q.query(`CREATE INDEX grants_consent_idx ON grants (consent_id) WHERE consent_id IS NOT NULL`);
    await q.query(`CREATE INDEX grants_registry_idx ON grants (grantee_organisation_id, granted_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE grants`);
  }
}
