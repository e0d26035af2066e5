import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The embedded database cannot run, for a reason the operator can fix: the message is one sentence naming the cause
 * and the fix, printed without a stack trace.
 */
export class EmbeddedDatabaseError extends Error {}

/** The system user PostgreSQL runs as when this process is root (PostgreSQL refuses to run as root). */
export interface PostgresUser {
  uid: number;
  gid: number;
}

const USER = 'postgres';
let cached: PostgresUser | undefined;

function lookup(): PostgresUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

export function postgresUser(): PostgresUser {
  if (cached) return cached;
  cached = lookup();
  if (!cached) {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
    } catch {
      // reported below, with the fix
    }
    cached = lookup();
  }
  if (!cached) {
    throw new EmbeddedDatabaseError(
      'PostgreSQL refuses to run as root and the system user "postgres" does not exist and could not be created: create it (useradd --system postgres), run the server as an ordinary user, or set DATABASE_URL to an external PostgreSQL',
    );
  }
  return cached;
}

/** Whether `user` can pass through every directory down to `path` (and execute it, for a file): asked of the system. */
export function canReach(user: PostgresUser, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** Creates (or checks) a directory that root alone may change and everyone may pass through: mode 0755, owner root. */
export function rootOwnedDirectory(path: string): boolean {
  try {
    mkdirSync(path, { recursive: true, mode: 0o755 });
    const stat = lstatSync(path);
    // A directory someone else made (or could change) would let them swap the binaries PostgreSQL runs.
    if (!stat.isDirectory() || stat.uid !== 0) return false;
    chmodSync(path, 0o755);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the embedded database keeps what the `postgres` user must reach when the product sits in a private
 * directory: /var/lib/welfare-case-share, or the system temporary directory when /var/lib is read-only.
 */
export function runtimeHome(user: PostgresUser): string {
  for (const candidate of ['/var/lib/welfare-case-share', join(tmpdir(), 'welfare-case-share')]) {
    if (rootOwnedDirectory(candidate) && canReach(user, candidate)) return candidate;
  }
  throw new EmbeddedDatabaseError(
    `no root-owned directory that the postgres user can reach could be made at /var/lib/welfare-case-share or under ${tmpdir()}: make one of them writable by root (and not owned by another user), or set DATABASE_URL to an external PostgreSQL`,
  );
}
