import { DataSource, type MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** Any advisory-lock key will do as long as it is fixed: it keeps two instances from migrating at once. */
const MIGRATION_LOCK = 727_001;

export interface MigrateOptions {
  /** Role that owns the schema. */
  ownerUrl: string;
  /** Role the application runs as; when it differs from the owner it receives only the grants it needs. */
  runtimeUrl: string;
  // TypeORM's own type for a list of migration classes.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  log?: (message: string) => void;
}

/**
 * Runs pending migrations as one transaction (a failure leaves nothing half-applied and throws),
 * then grants the runtime role what it needs: no UPDATE, DELETE or TRUNCATE on append-only tables.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const ds = new DataSource({
    type: 'postgres',
    url: options.ownerUrl,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  });
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'all' });
    const owner = new URL(options.ownerUrl).username;
    const runtime = decodeURIComponent(new URL(options.runtimeUrl).username);
    if (runtime && runtime !== decodeURIComponent(owner)) await grantRuntimeRole(ds, runtime);
    await ds.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    for (const m of applied) options.log?.(`migration applied: ${m.name}`);
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

async function grantRuntimeRole(ds: DataSource, role: string): Promise<void> {
  const r = `"${role.replaceAll('"', '""')}"`;
  const appendOnly: { name: string }[] = await ds.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') LIKE 'append-only%'`,
  );
  await ds.transaction(async (em) => {
    await em.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await em.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await em.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await em.query(`REVOKE ALL ON TABLE migrations FROM ${r}`);
    await em.query(`GRANT SELECT ON TABLE migrations TO ${r}`);
    for (const { name } of appendOnly) {
      await em.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "${name}" FROM ${r}`);
    }
  });
}
