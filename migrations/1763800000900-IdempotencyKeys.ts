import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1763800000900 implements MigrationInterface {
  name = 'IdempotencyKeys1763800000900';

  async up(q: QueryRunner): Promise<void> {
    // One row per (user, method, route, key). The response is json, not jsonb, so a replay is byte-identical.
    // request_hash is a SHA-256 of the canonical body: bodies may hold personal data and are not kept.
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users(id),
        method text NOT NULL,
        route text NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        status integer,
        response json,
        headers json,
        resource_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, method, route, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
