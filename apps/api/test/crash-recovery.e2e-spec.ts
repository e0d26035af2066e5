import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { embeddedClusterDir, freePort } from '#libs/database/index.js';
import { DEMO_PASSWORD } from '#libs/demo/index.js';
import { connect, emitAck, record, until } from './live-client.js';
import { call, login, PROCESS_TEST_TIMEOUT, type ServerProcess, startServer, stopAll } from './server-process.js';

const WRITERS = 4;
/** Notes acknowledged before the server is killed; more are in flight at that moment. */
const BEFORE_KILL = 24;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function token(base: string, loginId: string): Promise<string> {
  const res = await login(base, loginId, DEMO_PASSWORD);
  if (res.status !== 200) throw new Error(`login ${loginId}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Every item of a cursor-paginated list. */
async function all<T>(base: string, path: string, auth: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: { items: T[]; nextCursor: string | null } } = await call(base, 'GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, auth);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('crash recovery: kill -9 of the server in the middle of a write burst', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'welfare-crash-'));
  const started: ServerProcess[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stopAll(started);
    rmSync(dataDir, { recursive: true, force: true });
  }, PROCESS_TEST_TIMEOUT);

  it('starts again on the same data: no partial write, the audit chain verifies, live replay has no gap', async () => {
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    let port = await freePort();
    const first = await startServer({ ...env, PORT: String(port) });
    started.push(first);
    let base = `http://127.0.0.1:${port}/api/v1`;
    const writer = await token(base, 'kaigo.cw');
    const auditor = await token(base, 'kansa.auditor');
    const recipients = await call<{ items: { id: string }[] }>(base, 'GET', '/recipients?limit=1', writer);
    const recipientId = recipients.body.items[0]!.id;
    const socket = await connect(`http://127.0.0.1:${port}`, { token: writer });
    sockets.push(socket);
    const subscribed = await emitAck<{ ok: boolean; seq: number }>(socket, 'subscribe', { recipientId });
    expect(subscribed.ok).toBe(true);
    const burstStart = new Date().toISOString();

    // The burst: several writers post notes until the server dies under them.
    const acknowledged = new Set<string>();
    let killed = false;
    let reachedKillPoint!: () => void;
    const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));
    const writeUntilDead = async (w: number) => {
      for (let i = 0; ; i++) {
        try {
          const res = await call<{ id: string }>(base, 'POST', `/recipients/${recipientId}/notes`, writer, {
            occurredAt: '2026-11-20T10:30:00+09:00',
            contactType: 'visit',
            body: `crash burst ${w}-${i}`,
            sensitivity: 'normal',
          });
          if (res.status !== 201) throw new Error(`note: ${res.status} ${JSON.stringify(res.body)}`);
          acknowledged.add(res.body.id);
          if (acknowledged.size >= BEFORE_KILL) reachedKillPoint();
        } catch (error) {
          if (killed) return;
          throw error;
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writeUntilDead(w));
    await killPoint;
    killed = true;
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(writers);
    socket.close();

    // What a killed server leaves behind: its PostgreSQL, still running on the cluster.
    const pidFile = join(embeddedClusterDir(dataDir), 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(alive(orphan)).toBe(true);

    port = await freePort();
    const second = await startServer({ ...env, PORT: String(port) });
    started.push(second);
    base = `http://127.0.0.1:${port}/api/v1`;
    expect(alive(orphan)).toBe(false);
    expect(second.output()).toContain('left running');

    // No partial write: every acknowledged note is there, and every note of the burst has exactly its audit event.
    const notes = (await all<{ id: string; body: string }>(base, `/recipients/${recipientId}/notes`, writer)).filter((n) =>
      n.body.startsWith('crash burst '),
    );
    const noteIds = new Set(notes.map((n) => n.id));
    for (const id of acknowledged) expect(noteIds.has(id)).toBe(true);
    expect(noteIds.size).toBeGreaterThanOrEqual(acknowledged.size);
    const created = await all<{ resourceId: string; outcome: string }>(
      base,
      `/audit-events?action=note.create&recipientId=${recipientId}&from=${encodeURIComponent(burstStart)}`,
      auditor,
    );
    const audited = created.filter((e) => e.outcome === 'allowed').map((e) => e.resourceId);
    expect(new Set(audited)).toEqual(noteIds);
    expect(audited).toHaveLength(noteIds.size);

    const verify = await call<{ ok: boolean; checked: number; firstBrokenId: string | null }>(base, 'GET', '/audit-events/verify', auditor);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, firstBrokenId: null });
    expect(verify.body.checked).toBeGreaterThan(audited.length);

    // Live replay from before the burst: every note that exists, once, in order, nothing else.
    const again = await connect(`http://127.0.0.1:${port}`, { token: writer });
    sockets.push(again);
    const seen = record(again, ['note.created']);
    const replay = await emitAck<{ ok: boolean; seq: number }>(again, 'subscribe', { recipientId, sinceSeq: subscribed.seq });
    expect(replay.ok).toBe(true);
    await until(again, seen, (s) => s.length >= noteIds.size, 10_000);
    const replayed = seen.map((s) => s.body as { seq: number; note: { id: string } });
    expect(new Set(replayed.map((e) => e.note.id))).toEqual(noteIds);
    expect(replayed).toHaveLength(noteIds.size);
    for (let i = 1; i < replayed.length; i++) expect(replayed[i]!.seq).toBeGreaterThan(replayed[i - 1]!.seq);
    expect(replay.seq).toBeGreaterThanOrEqual(replayed.at(-1)!.seq);
    again.close();

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, PROCESS_TEST_TIMEOUT);
});
