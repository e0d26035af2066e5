import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canReach, EmbeddedDatabaseError, type PostgresUser, runtimeHome } from './embedded-host.js';

/** A file in DATA_DIR naming the cluster directory kept outside it. */
const MARKER = 'pg-location';

/** Where the embedded cluster of `dataDir` is (or will be): DATA_DIR/pg unless DATA_DIR points elsewhere. */
export function embeddedClusterDir(dataDir: string): string {
  const marker = join(dataDir, MARKER);
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : join(dataDir, 'pg');
}

/**
 * The cluster lives in DATA_DIR/pg whenever PostgreSQL's user can reach it. As root with DATA_DIR inside a private
 * directory (a clone in /root), it lives in a directory of its own under the root-owned runtime home instead, named
 * by a marker file in DATA_DIR. That directory is never shared: a new DATA_DIR (or one deleted and made again) gets a
 * new cluster rather than another's data.
 */
export function locateCluster(dataDir: string, user: PostgresUser | undefined): string {
  if (existsSync(join(dataDir, MARKER))) return embeddedClusterDir(dataDir);
  const inside = join(dataDir, 'pg');
  if (!user || canReach(user, dataDir)) return inside;
  if (existsSync(join(inside, 'PG_VERSION'))) {
    throw new EmbeddedDatabaseError(
      `the embedded cluster in ${inside} cannot be reached by the postgres user because a parent directory is private: allow passing through the parent directories (chmod o+x), or move the cluster and write its new path into ${join(dataDir, MARKER)}`,
    );
  }
  const real = realpathSync(dataDir);
  const key = `${createHash('sha256').update(real).digest('hex').slice(0, 12)}-${randomBytes(4).toString('hex')}`;
  const home = join(runtimeHome(user), 'clusters', key);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  chmodSync(home, 0o755);
  // Which DATA_DIR a cluster belongs to, for an operator looking at the runtime home.
  writeFileSync(join(home, 'data-dir'), `${real}\n`, { mode: 0o644 });
  const clusterDir = join(home, 'pg');
  writeFileSync(join(dataDir, MARKER), `${clusterDir}\n`, { mode: 0o600 });
  return clusterDir;
}
