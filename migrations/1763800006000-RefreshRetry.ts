import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client that lost the answer to a refresh retries with the same token: within a few seconds it gets the same new
 * pair again (kept encrypted on the used token) instead of ending the session as a reuse would.
 */
export class RefreshRetry1763800006000 implements MigrationInterface {
  name = 'RefreshRetry1763800006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN replaced_by uuid, ADD COLUMN replacement bytea`);
    await q.query(`CREATE INDEX refresh_tokens_replaced_by_idx ON refresh_tokens (replaced_by) WHERE replacement IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN replacement, DROP COLUMN replaced_by`);
  }
}
