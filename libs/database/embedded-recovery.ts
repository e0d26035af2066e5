import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EmbeddedDatabaseError } from './embedded-host.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a PostgreSQL server working in `clusterDir` (the postmaster's working directory is its data). */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  const real = realpathSync(clusterDir);
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === real;
  } catch {
    // No /proc (macOS): the process name is the best evidence left.
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).includes('postgres');
    } catch {
      return false;
    }
  }
}

async function exited(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await delay(50)) if (!alive(pid)) return true;
  return !alive(pid);
}

/**
 * A server killed outright (`kill -9`, OOM killer) leaves its PostgreSQL running on the cluster, which then refuses a
 * second postmaster. That orphan is told to shut down fast — sessions of the dead server are rolled back, committed
 * work is checkpointed — and the new start proceeds on a consistent cluster. A stale postmaster.pid whose process is
 * gone needs nothing: PostgreSQL replaces it and replays its WAL by itself.
 */
export async function stopOrphanedPostmaster(clusterDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid) || !isPostmasterOf(pid, clusterDir)) return;
  log(`stopping the PostgreSQL (pid ${pid}) left running on ${clusterDir} by a server that did not stop cleanly`);
  process.kill(pid, 'SIGINT');
  if (await exited(pid, 30_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (await exited(pid, 10_000)) return;
  throw new EmbeddedDatabaseError(
    `a PostgreSQL (pid ${pid}) left by an earlier run still holds ${clusterDir} and did not stop: stop it (kill ${pid}), then start again`,
  );
}
