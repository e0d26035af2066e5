import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** The runtime role's URL (what the application uses). */
  url: string;
  /** The owner's URL (superuser of the test cluster): for set-up and for tampering in tests. */
  ownerUrl: string;
  name: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database cloned from the migrated template: one per test file, isolated and fast. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_PG_URL;
  const ownerUrl = process.env.TEST_PG_OWNER_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (!url || !ownerUrl || !template) throw new Error('No test cluster: run the tests through `npm test`');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(ownerUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return { url: withDatabase(url, name), ownerUrl: withDatabase(ownerUrl, name), name };
}
