/**
 * Audit overhead: audited reads per second against the same reads with their audit write skipped
 * (BENCH_SKIP_READ_AUDIT, allowed only with NODE_ENV=benchmark), in one run: one embedded PostgreSQL, two server
 * processes built from this tree (one auditing, one not), driven in alternating phases by autocannon on loopback.
 *
 *   npm run build && node dist/bench/audit-overhead.js
 *
 * Environment: BENCH_DURATION (s per phase, default 8), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 4),
 * BENCH_TARGET: `recipient` (default: a caseworker of the lead organisation reads one recipient, GET
 * /recipients/:id, which writes recipient.read) or `audit` (an auditor's GET /audit-events?limit=1, which also waits
 * for sealing before it answers).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { hash } from '@node-rs/argon2';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, migrate, startEmbeddedPostgres } from '#libs/database/index.js';
import { ARGON2_OPTIONS } from '#libs/identity/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { MIGRATIONS } from '../migrations/index.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const TARGET = process.env.BENCH_TARGET === 'audit' ? 'audit' : 'recipient';
let PATH = '/api/v1/audit-events?limit=1';
const PASSWORD = 'bench-password-0001';
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-01';
const MAIN = resolve(import.meta.dirname, '../apps/api/main.js');

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
}

async function startServer(name: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET, SEED_DEMO: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { name, url, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start`);
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((r) => server.process.once('exit', r));
  server.process.kill('SIGTERM');
  await exited;
}

async function login(server: Server, loginId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed on ${server.name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function phase(server: Server, token: string, duration: number) {
  const result = await autocannon({
    url: `${server.url}${PATH}`,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.errors || result.non2xx || result.timeouts) {
    throw new Error(`${server.name}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total };
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`;
  try {
    memory = readFileSync('/proc/meminfo', 'utf8').split('\n')[0].replace(/\s+/g, ' ');
  } catch {
    // not Linux
  }
  return `nproc ${cpus().length}, ${cpu}, ${memory}, Node ${process.version}`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'welfare-bench-'));
  const db = await startEmbeddedPostgres({ dataDir, database: 'bench' });
  const servers: Server[] = [];
  try {
    await migrate({ ownerUrl: db.ownerUrl, runtimeUrl: db.url, migrations: MIGRATIONS });
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const orgId = uuidv7();
    const role = TARGET === 'audit' ? 'auditor' : 'caseworker';
    const loginId = `bench-${role}-${orgId.slice(-6)}`;
    await owner.query(`INSERT INTO organisations (id, name, kind) VALUES ($1, 'Bench city welfare department', 'municipal_department')`, [orgId]);
    await owner.query(
      `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash) VALUES ($1, $2, 'Bench user', $3, $4, $5)`,
      [uuidv7(), loginId, orgId, role, await hash(PASSWORD, ARGON2_OPTIONS)],
    );
    const env = { DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl };
    const audited = await startServer('audited', { ...env, NODE_ENV: 'production' });
    servers.push(audited);
    const skipped = await startServer('audit skipped', { ...env, NODE_ENV: 'benchmark', BENCH_SKIP_READ_AUDIT: 'true' });
    servers.push(skipped);
    const tokens = new Map([
      [audited, await login(audited, loginId)],
      [skipped, await login(skipped, loginId)],
    ]);
    if (TARGET === 'recipient') {
      const created = await fetch(`${audited.url}/api/v1/recipients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(audited)}` },
        body: JSON.stringify({
          familyName: '髙橋',
          givenName: '幸子',
          familyNameKana: 'たかはし',
          givenNameKana: 'さちこ',
          birthDate: '1941-03-09',
          status: 'active',
          supportCategories: ['elderly'],
          address: '新潟県三条市本町1-2-3',
          careLevel: 'care_2',
          healthNotes: '高血圧の服薬あり',
        }),
      });
      if (created.status !== 201) throw new Error(`create recipient: ${created.status} ${await created.text()}`);
      PATH = `/api/v1/recipients/${((await created.json()) as { id: string }).id}`;
    }
    console.log(`machine: ${machine()}`);
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`read: GET ${PATH.replace(/[0-9a-f-]{36}/, ':id')}, ${CONNECTIONS} connections, ${DURATION} s per phase, ${ROUNDS} rounds`);
    for (const server of servers) await phase(server, tokens.get(server)!, 3); // warm-up
    const results: Record<string, { rps: number; p50: number; p99: number }[]> = { audited: [], 'audit skipped': [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first so that drift on a shared machine does not favour one.
      const order = round % 2 === 0 ? [skipped, audited] : [audited, skipped];
      for (const server of order) {
        const r = await phase(server, tokens.get(server)!, DURATION);
        results[server.name].push(r);
        console.log(`round ${round + 1} ${server.name.padEnd(13)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`);
      }
    }
    const mean = (xs: { rps: number }[]) => xs.reduce((s, x) => s + x.rps, 0) / xs.length;
    const base = mean(results['audit skipped']);
    const withAudit = mean(results.audited);
    const [{ events }] = (await owner.query(`SELECT count(*)::int AS events FROM audit_events`)).rows;
    const [{ sealed }] = (await owner.query(`SELECT count(*)::int AS sealed FROM audit_seals`)).rows;
    console.log(`baseline (audit skipped): ${base.toFixed(0)} req/s`);
    console.log(`audited:                  ${withAudit.toFixed(0)} req/s`);
    console.log(`ratio: ${((withAudit / base) * 100).toFixed(1)}% of baseline (target ≥ 70%)`);
    const perRound = results.audited.map((r, i) => r.rps / results['audit skipped'][i].rps).sort((a, b) => a - b);
    const median = perRound.length % 2 ? perRound[(perRound.length - 1) / 2] : (perRound[perRound.length / 2 - 1] + perRound[perRound.length / 2]) / 2;
    console.log(`per-round ratios: ${perRound.map((x) => `${(x * 100).toFixed(0)}%`).join(' ')}, median ${(median * 100).toFixed(1)}%`);
    console.log(`audit events written: ${events}, sealed: ${sealed} (after the run)`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await owner.end();
  } finally {
    for (const server of servers) await stopServer(server);
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
