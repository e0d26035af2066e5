import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinaries, type PostgresBinaries } from './embedded-binaries.js';
import { EmbeddedDatabaseError, type PostgresUser, postgresUser } from './embedded-host.js';
import { locateCluster } from './embedded-location.js';
import { stopOrphanedPostmaster } from './embedded-recovery.js';

export { EmbeddedDatabaseError } from './embedded-host.js';
export { embeddedClusterDir } from './embedded-location.js';

export interface EmbeddedDatabase {
  /** The runtime role: no UPDATE/DELETE/TRUNCATE on the audit tables. */
  url: string;
  /** The owner role (superuser of the embedded cluster): runs migrations. */
  ownerUrl: string;
  /** Where the cluster's files are (under DATA_DIR, or the location DATA_DIR points to when run as root). */
  clusterDir: string;
  stop(): Promise<void>;
}

interface Credentials {
  ownerPassword: string;
  runtimePassword: string;
}

export const RUNTIME_ROLE = 'welfare_app';
const OWNER_ROLE = 'postgres';
/** How long a fast shutdown may take before PostgreSQL is told to quit at once. */
const STOP_GRACE_MS = 30_000;

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

/** PostgreSQL's messages in English whatever the machine's locale: start-up is recognised by one of them. */
function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: 'C', LANG: 'C.UTF-8' };
}

function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' ').replace(/\s+/g, ' ').trim();
}

/** Runs initdb as the cluster's user; the owner password goes through a file only that user can read. */
async function initialise(binaries: PostgresBinaries, clusterDir: string, owner: PostgresUser | undefined, password: string) {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const secretDir = mkdtempSync(join(clusterDir, '..', '.initdb-'));
  const passwordFile = join(secretDir, 'pw');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    for (const path of [clusterDir, secretDir, passwordFile]) chownSync(path, owner.uid, owner.gid);
  }
  try {
    const child = spawn(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${OWNER_ROLE}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--lc-messages=C',
      ],
      { ...owner, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((error: NodeJS.ErrnoException) => {
      throw new EmbeddedDatabaseError(
        `initdb could not be run (${error.code ?? error.message}): check that ${binaries.dir} is readable and executable${owner ? ' by the postgres user' : ''}, or set DATABASE_URL to an external PostgreSQL`,
      );
    });
    if (code !== 0) {
      throw new EmbeddedDatabaseError(
        `initdb failed for ${clusterDir} (${lastLines(output)}): free disk space or fix its permissions, then start again`,
      );
    }
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** Starts the postmaster and resolves once it accepts connections; rejects with PostgreSQL's own last words. */
async function launch(binaries: PostgresBinaries, clusterDir: string, port: number, owner: PostgresUser | undefined, log: (message: string) => void) {
  const child = spawn(
    binaries.postgres,
    [
      '-D', clusterDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      '-c', 'lc_messages=C',
    ],
    { ...owner, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // An exit of this process (an uncaught error, process.exit, even while PostgreSQL is still starting) must not leave
  // the cluster running behind it; `kill -9` cannot be caught, and is handled by stopOrphanedPostmaster at the next start.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      log(message);
      output = (output + message).slice(-4000);
      if (message.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EmbeddedDatabaseError(
          `PostgreSQL could not be run (${error.code ?? error.message}): check that ${binaries.dir} is readable and executable${owner ? ' by the postgres user' : ''}, or set DATABASE_URL to an external PostgreSQL`,
        ),
      ),
    );
    child.once('exit', () =>
      reject(
        new EmbeddedDatabaseError(
          `the embedded PostgreSQL under ${clusterDir} stopped while starting (${lastLines(output.split('\n').filter((l) => /FATAL|PANIC|ERROR/.test(l)).join('\n') || output)}): fix what it names, or move DATA_DIR aside to start on a new database`,
        ),
      ),
    );
  });
  return child;
}

/** Asks the postmaster for a fast shutdown (clean checkpoint, sessions ended), then insists if it hangs. */
function stopper(child: ChildProcess): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_GRACE_MS);
      timer.unref();
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGINT');
    }));
}

/**
 * Starts a real PostgreSQL cluster for `dataDir` (kept across restarts), listening on loopback only,
 * with a database `database`, an owner role and a runtime role that the application uses.
 *
 * As root, PostgreSQL runs as the system user `postgres`, which often cannot enter the directory the product was
 * cloned into (root's home is 0700): the binaries and the cluster then live in a root-owned directory that user can
 * reach (see embedded-location.ts). A cluster left running by a server that was killed is stopped cleanly first.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  /** PostgreSQL's own output. */
  onLog?: (message: string) => void;
  /** What an operator should know about (an orphaned cluster stopped). */
  onWarning?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  // PostgreSQL only needs to pass through DATA_DIR (to its own cluster directory), never to list or read it.
  if (owner) chmodSync(options.dataDir, 0o711);
  const binaries = await postgresBinaries(owner);
  const clusterDir = locateCluster(options.dataDir, owner);
  const secrets = credentials(options.dataDir);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await initialise(binaries, clusterDir, owner, secrets.ownerPassword);
  await stopOrphanedPostmaster(clusterDir, options.onWarning ?? log);
  const port = await freePort();
  const child = await launch(binaries, clusterDir, port, owner, log);
  const stop = stopper(child);

  const ownerBase = `postgresql://${OWNER_ROLE}:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${port}`;
  try {
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
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `postgresql://${RUNTIME_ROLE}:${encodeURIComponent(secrets.runtimePassword)}@127.0.0.1:${port}/${options.database}`,
    ownerUrl: `${ownerBase}/${options.database}`,
    clusterDir,
    stop,
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
