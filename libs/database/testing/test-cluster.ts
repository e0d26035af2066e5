import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../migrations/index.js';
import { startEmbeddedPostgres } from '../embedded-postgres.js';
import { migrate } from '../migrate.js';

export const TEMPLATE_DATABASE = 'welfare_template';

/** A throw-away cluster for one test run, with the schema migrated into the template database. */
export async function startTestCluster() {
  const dataDir = mkdtempSync(join(tmpdir(), 'welfare-test-'));
  const db = await startEmbeddedPostgres({ dataDir, database: TEMPLATE_DATABASE });
  await migrate({ ownerUrl: db.ownerUrl, runtimeUrl: db.url, migrations: MIGRATIONS });
  return {
    url: db.url,
    ownerUrl: db.ownerUrl,
    template: TEMPLATE_DATABASE,
    async stop() {
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
