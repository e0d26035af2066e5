import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Identity1763800000000 implements MigrationInterface {
  name = 'Identity1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('municipal_department','welfare_office','social_welfare_council',
          'community_support_center','disability_consultation','disability_facility','care_management_office','medical','other')),
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX organisations_name_key ON organisations (name)`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        login_id text NOT NULL CHECK (login_id ~ '^[A-Za-z0-9._@-]{3,64}$'),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        role text NOT NULL CHECK (role IN ('caseworker','org_admin','auditor','system_admin')),
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Login ids are compared case-insensitively: "Tanaka" and "tanaka" are one account.
    await q.query(`CREATE UNIQUE INDEX users_login_id_key ON users (lower(login_id))`);
    await q.query(`CREATE INDEX users_organisation_idx ON users (organisation_id, created_at, id)`);
    // A session is one refresh-token family; access tokens name it, and it is checked on every request.
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text,
        ip text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions(id),
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`);
    // Failed logins, counted here so that every instance throttles alike.
    await q.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        login_key text NOT NULL,
        ip text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_failures_login_idx ON login_failures (login_key, at)`);
    await q.query(`CREATE INDEX login_failures_ip_idx ON login_failures (ip, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failures, refresh_tokens, sessions, users, organisations`);
  }
}
