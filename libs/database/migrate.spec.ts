import type { MigrationInterface, QueryRunner } from 'typeorm';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';
import { migrate } from './migrate.js';

class Broken9999999999999 implements MigrationInterface {
  name = 'Broken9999999999999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE half_applied (id int)');
    await q.query('SELECT * FROM no_such_table');
  }
  async down(): Promise<void> {}
}

describe('migrate', () => {
  it('applies nothing when any migration fails, and throws', async () => {
    const ownerUrl = new URL(process.env.TEST_PG_OWNER_URL!);
    const name = `m_${Date.now()}`;
    ownerUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: ownerUrl.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    ownerUrl.pathname = `/${name}`;
    const runtimeUrl = new URL(process.env.TEST_PG_URL!);
    runtimeUrl.pathname = `/${name}`;
    await expect(
      migrate({ ownerUrl: ownerUrl.toString(), runtimeUrl: runtimeUrl.toString(), migrations: [...MIGRATIONS, Broken9999999999999] }),
    ).rejects.toThrow(/no_such_table/);
    const db = new pg.Client({ connectionString: ownerUrl.toString() });
    await db.connect();
    const { rows } = await db.query(`SELECT to_regclass('public.users') AS users, to_regclass('public.half_applied') AS half`);
    await db.end();
    expect(rows[0]).toEqual({ users: null, half: null });
  });
});
