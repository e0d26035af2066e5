import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case opened without an explicit date is opened today in Japan, not today in the database's time zone (a
 * deployment may run PostgreSQL in UTC, where 08:30 in Japan is still yesterday). The application sets the date
 * itself; this default holds for any other writer.
 */
export class JapanDates1763800007000 implements MigrationInterface {
  name = 'JapanDates1763800007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recipients ALTER COLUMN opened_on SET DEFAULT ((now() AT TIME ZONE 'Asia/Tokyo')::date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recipients ALTER COLUMN opened_on SET DEFAULT current_date`);
  }
}
