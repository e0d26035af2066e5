/**
 * The request path at city scale: the API against two bare `node:http` + `pg` servers (bench/bare-server.ts) on the
 * same embedded PostgreSQL and the same data, in one run, 32 connections, every request as a random partner
 * organisation's caseworker (the auditor query as a random auditor). Writes its section of docs/benchmarks.md.
 *
 *   npm run bench                  # full: 10,000 recipients, 20 s phases, 2 rounds; writes docs/benchmarks.md
 *   npm run bench -- --quick       # 1,000 recipients, 4 s phases, 1 round; prints only (add --write to write)
 *   options: --cpu-prof (profile the API process; summary in the report), --only=<keys: read,list,note,search,audit>,
 *            --duration=<s>, --rounds=<n>, --connections=<n>, --no-count (skip counting statements),
 *            --before=<root of another build> (its dist/apps/api/main.js runs as a fourth server, "before", to
 *            measure a change against the previous build in the same run; --before-label=<words> names it in the
 *            report; the root needs its package.json and a
 *            node_modules, e.g. `git archive HEAD~1 | tar -x -C /tmp/b && ln -s $PWD/node_modules /tmp/b/ && (cd
 *            /tmp/b && npx tsc -p tsconfig.build.json)`)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, migrate, startEmbeddedPostgres } from '#libs/database/index.js';
import { MIGRATIONS } from '../migrations/index.js';
import { type City, FULL_CITY, generateCity, KANA_QUERIES, QUICK_CITY } from './city-data.js';
import { profileMarkdown, summariseProfile } from './cpu-profile.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const QUICK = args.has('quick');
const DURATION = Number(args.get('duration') ?? (QUICK ? 4 : 20));
const WARMUP = QUICK ? 1 : 5;
const ROUNDS = Number(args.get('rounds') ?? (QUICK ? 1 : 2));
const CONNECTIONS = Number(args.get('connections') ?? 32);
const WRITE = args.has('write') || (!QUICK && !args.has('no-write'));
const CPU_PROF = args.has('cpu-prof');
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0001';
const ROOT = resolve(import.meta.dirname, '../..');
const DIST = resolve(import.meta.dirname, '..');
const SECTION = '## Request path at city scale';

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
}

async function waitFor(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not start`);
}

async function startApi(env: Record<string, string>, profileDir?: string, dist = DIST, name = 'product'): Promise<Server> {
  const port = await freePort();
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...flags, join(dist, 'apps/api/main.js')], {
    // Production settings: info-level request logs (to /dev/null here, a log shipper's pipe in a deployment).
    env: { ...process.env, ...env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', JWT_SECRET, SEED_DEMO: 'false', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/v1/health`, child, name);
  return { name, url, child };
}

async function startBare(mode: 'one-sql' | 'same-work', databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(DIST, 'bench/bare-server.js')], {
    env: { ...process.env, BARE_MODE: mode, DATABASE_URL: databaseUrl, JWT_SECRET, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, child, `bare ${mode}`);
  return { name: mode, url, child };
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

/** Peak resident set of a process (VmHWM), in MiB. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

/** CPU time (user + system, its own and its reaped children's) of a process and its parent's pid, in ms. */
function cpuOf(pid: number | string): { ms: number; ppid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17 of proc(5).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS, ppid: Number(f[1]) };
}

/** CPU time of the whole PostgreSQL cluster: the postmaster and every backend, live or ended, in ms. */
function clusterCpu(postmaster: number): number {
  let ms = cpuOf(postmaster).ms;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const c = cpuOf(entry);
      if (c.ppid === postmaster) ms += c.ms;
    } catch {
      // ended meanwhile: its time is now the postmaster's (children's) time
    }
  }
  return ms;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Scenario {
  key: string;
  label: string;
  next(): Req;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function scenarios(city: City): Scenario[] {
  const partnerToken = (org: string) => pick(city.partnerTokens.get(org)!);
  const writable = city.grants.filter((g) => g.write);
  const recipientIds = [...new Set(city.grants.map((g) => g.recipientId))];
  return [
    {
      key: 'read',
      label: 'GET one recipient',
      next: () => {
        const g = pick(city.grants);
        return { method: 'GET', path: `/api/v1/recipients/${g.recipientId}`, headers: bearer(partnerToken(g.organisationId)) };
      },
    },
    {
      key: 'list',
      label: 'GET a list of 50',
      next: () => ({ method: 'GET', path: '/api/v1/recipients?limit=50', headers: bearer(partnerToken(pick(city.partnerOrganisations))) }),
    },
    {
      key: 'note',
      label: 'POST a note',
      next: () => {
        const g = pick(writable);
        return {
          method: 'POST',
          path: `/api/v1/recipients/${g.recipientId}/notes`,
          headers: { ...bearer(partnerToken(g.organisationId)), 'content-type': 'application/json' },
          body: JSON.stringify({
            occurredAt: new Date().toISOString(),
            contactType: 'visit',
            body: '自宅を訪問。食事は取れている様子。服薬の確認をした。',
            sensitivity: 'normal',
          }),
        };
      },
    },
    {
      key: 'search',
      label: 'kana search (3+ chars, 50)',
      next: () => ({
        method: 'GET',
        path: `/api/v1/recipients?limit=50&q=${encodeURIComponent(pick(KANA_QUERIES))}`,
        headers: bearer(partnerToken(pick(city.partnerOrganisations))),
      }),
    },
    {
      key: 'audit',
      label: 'auditor query by recipient',
      next: () => ({ method: 'GET', path: `/api/v1/audit-events?limit=50&recipientId=${pick(recipientIds)}`, headers: bearer(pick(city.auditorTokens)) }),
    },
  ];
}

interface Phase {
  rps: number;
  /** CPU ms per answered request: the server process, and the PostgreSQL cluster. */
  cpu: number;
  pgCpu: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

async function phase(server: Server, scenario: Scenario, duration: number, postmaster: number): Promise<Phase> {
  const cpu0 = cpuOf(server.child.pid!).ms;
  const pg0 = clusterCpu(postmaster);
  const r = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...scenario.next() }) }],
  });
  const answered = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    cpu: (cpuOf(server.child.pid!).ms - cpu0) / answered,
    pgCpu: (clusterCpu(postmaster) - pg0) / answered,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  };
}

/** Round trips per request, as PostgreSQL logs them (log_statement = all, by application), over `n` sequential requests. */
async function countStatements(owner: pg.Client, logs: string[], api: Server, reqs: () => Req, n: number, concurrency: number) {
  await owner.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await owner.query(`ALTER SYSTEM SET log_line_prefix = '%a|'`);
  await owner.query('SELECT pg_reload_conf()');
  await sleep(300);
  logs.length = 0;
  const started = Date.now();
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent += 1;
      const r = reqs();
      const res = await fetch(`${api.url}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      if (!res.ok) throw new Error(`${r.method} ${r.path}: ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = Date.now() - started;
  await sleep(300);
  const lines = logs.splice(0).join('').split('\n');
  // Background work (the sealer's poll, the live relay) over as long again with no request, to subtract.
  await sleep(elapsed);
  const idle = logs.splice(0).join('').split('\n');
  await owner.query('ALTER SYSTEM RESET log_statement');
  await owner.query('ALTER SYSTEM RESET log_line_prefix');
  await owner.query('SELECT pg_reload_conf()');
  const byApp = new Map<string, number>();
  const tally = (text: string[], sign: number) => {
    for (const line of text) {
      const m = /([^|\s]*(?: [a-z]+)?)\|LOG:\s+(?:statement|execute)/.exec(line);
      if (m && !m[1].startsWith('bare') && m[1] !== '') byApp.set(m[1], (byApp.get(m[1]) ?? 0) + sign);
    }
  };
  tally(lines, 1);
  tally(idle, -1);
  return byApp;
}

function machine(): string {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  const mem = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return `${cpus().length} vCPU (nproc), ${model}, ${mem ? (Number(mem[1]) / 2 ** 20).toFixed(1) : '?'} GiB RAM`;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const fmt = (x: number) => Math.round(x).toLocaleString('en');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'welfare-bench-'));
  const profileDir = CPU_PROF ? mkdtempSync(join(tmpdir(), 'welfare-prof-')) : undefined;
  const pgLogs: string[] = [];
  const db = await startEmbeddedPostgres({ dataDir, database: 'bench', onLog: (m) => pgLogs.length < 200_000 && pgLogs.push(m) });
  const servers: Server[] = [];
  try {
    await migrate({ ownerUrl: db.ownerUrl, runtimeUrl: db.url, migrations: MIGRATIONS });
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    owner.on('error', () => undefined); // the cluster stopping at the end
    await owner.connect();
    const size = QUICK ? QUICK_CITY : FULL_CITY;
    const t0 = Date.now();
    const city = await generateCity(owner, size, JWT_SECRET);
    const loadSeconds = (Date.now() - t0) / 1000;
    const pgVersion = (await owner.query('SHOW server_version')).rows[0].server_version as string;
    console.log(`data: ${Object.entries(city.counts).map(([k, v]) => `${fmt(v)} ${k}`).join(', ')} in ${loadSeconds.toFixed(1)} s`);
    pgLogs.length = 0;
    const postmaster = Number(readFileSync(join(db.clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    const api = await startApi({ DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl }, profileDir);
    servers.push(api);
    const oneSql = await startBare('one-sql', db.url);
    servers.push(oneSql);
    const sameWork = await startBare('same-work', db.url);
    servers.push(sameWork);
    const before = args.has('before')
      ? await startApi({ DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl }, undefined, join(resolve(args.get('before')!), 'dist'), 'before')
      : undefined;
    if (before) servers.push(before);

    const all = scenarios(city);
    const chosen = args.has('only') ? all.filter((s) => args.get('only')!.split(',').includes(s.key)) : all;
    const statements: string[] = [];
    for (const server of args.has('no-count') ? [] : before ? [api, before] : [api]) {
      for (const [s, concurrency] of all.filter((x) => x.key === 'read' || x.key === 'list').flatMap((x) => [[x, 1], [x, CONNECTIONS]] as const)) {
        const n = concurrency === 1 ? 50 : 20 * concurrency;
        const byApp = await countStatements(owner, pgLogs, server, s.next, n, concurrency);
        const total = [...byApp.values()].reduce((a, b) => a + b, 0);
        const parts = [...byApp].map(([app, c]) => `${app || '?'}: ${(c / n).toFixed(1)}`).join(', ');
        const label = `${s.label}${concurrency === 1 ? ', one at a time' : `, ${concurrency} in flight`}${server === api ? '' : ' (before)'}`;
        statements.push(`| ${label} | ${(total / n).toFixed(1)} | ${parts} |`);
        console.log(`statements per ${label}: ${(total / n).toFixed(1)} (${parts})`);
      }
    }

    const loadBefore = load();
    console.log(`machine: ${machine()}; Node ${process.version}; PostgreSQL ${pgVersion}; load average before ${loadBefore}`);
    const rows: string[] = [];
    const cpuRows: string[] = [];
    const beforeRows: string[] = [];
    const problems: string[] = [];
    for (const s of chosen) {
      const order = before ? [api, oneSql, sameWork, before] : [api, oneSql, sameWork];
      const results = new Map<string, Phase[]>(order.map((server) => [server.name, []]));
      for (const server of order) await phase(server, s, WARMUP, postmaster);
      // Requests cut off at the end of a phase are still being answered: let them drain before the next one.
      const settle = () => sleep(QUICK ? 1000 : 3000);
      await settle();
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first so that drift on a shared machine favours no one.
        const turn = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
        for (const server of turn) {
          const r = await phase(server, s, DURATION, postmaster);
          await settle();
          results.get(server.name)!.push(r);
          console.log(`${s.label.padEnd(28)} ${server.name.padEnd(9)} ${fmt(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  CPU/req ${r.cpu.toFixed(2)} ms + PostgreSQL ${r.pgCpu.toFixed(2)} ms  (${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts)`);
          if (r.errors || r.non2xx || r.timeouts) problems.push(`${s.label} on ${server.name}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
        }
      }
      const mean = (name: string, f: (p: Phase) => number) => results.get(name)!.reduce((a, p) => a + f(p), 0) / ROUNDS;
      const cell = (name: string) => `${fmt(mean(name, (p) => p.rps))} | ${mean(name, (p) => p.p50).toFixed(0)} | ${mean(name, (p) => p.p99).toFixed(0)}`;
      const ratio = (name: string) => (mean(api.name, (p) => p.rps) / mean(name, (p) => p.rps)).toFixed(2);
      rows.push(`| ${s.label} | ${cell(api.name)} | ${cell(oneSql.name)} | ${cell(sameWork.name)} | ${ratio(oneSql.name)} | ${ratio(sameWork.name)} |`);
      const cpu = (name: string) => `${mean(name, (p) => p.cpu).toFixed(2)} | ${mean(name, (p) => p.pgCpu).toFixed(2)}`;
      cpuRows.push(`| ${s.label} | ${[api, oneSql, sameWork, ...(before ? [before] : [])].map((x) => cpu(x.name)).join(' | ')} |`);
      if (before) {
        beforeRows.push(`| ${s.label} | ${cell(before.name)} | ${cell(api.name)} | ${ratio(before.name)} | ${(mean(before.name, (p) => p.rps) / mean(oneSql.name, (p) => p.rps)).toFixed(2)} → ${ratio(oneSql.name)} |`);
      }
    }
    const loadAfter = load();
    const rss = peakRss(api.child.pid!);
    const [{ events }] = (await owner.query(`SELECT count(*)::int AS events FROM audit_events`)).rows;
    await owner.end();
    for (const server of servers.splice(0)) await stop(server);

    let profile = '';
    if (profileDir) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const kept = join(tmpdir(), `welfare-api-${Date.now()}.cpuprofile`);
        writeFileSync(kept, readFileSync(join(profileDir, file)));
        console.log(`CPU profile of the API: ${kept} (open in Chrome DevTools or speedscope)`);
        profile = profileMarkdown(summariseProfile(join(profileDir, file)));
      }
    }

    const section = [
      SECTION,
      '',
      'The API against two bare `node:http` + `pg` servers (`bench/bare-server.ts`) over the same embedded PostgreSQL and the',
      'same data, measured in one run by `bench/request-path.ts` (`npm run bench`; `npm run bench -- --quick` for a small',
      'run while developing). *one SQL*: the token checked, then one hand-written statement doing the session check and',
      'the grant join (the physical limit of the request). *same work*: the work the design asks for, by hand — session',
      'lookup, grant shapes, the access SQL the product builds, projection, and the read\'s audit event in the product\'s',
      'own group commit (a note: one transaction with note, revision, audit event and live outbox row). So',
      'product / same work is the framework\'s share, same work / one SQL the design\'s.',
      '',
      `- Machine: ${machine()}; Node ${process.version}; PostgreSQL ${pgVersion} (embedded, default settings, \`fsync\` on).`,
      `- Load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}${QUICK ? ' — **quick mode**: small data, short phases' : ''}.`,
      `- Data (${loadSeconds.toFixed(0)} s to generate, \`bench/city-data.ts\`): ${Object.entries(city.counts).map(([k, v]) => `${fmt(v)} ${k}`).join(', ')}.`,
      `- ${CONNECTIONS} connections, ${DURATION} s per phase after a ${WARMUP} s warm-up, ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} (order rotated); every request as a random partner organisation's caseworker (auditor query: a random auditor); figures are means over rounds.`,
      `- API process peak RSS (VmHWM): ${rss.toFixed(0)} MiB. Audit events at the end: ${fmt(events)}. ${problems.length ? `Problems: ${problems.join('; ')}.` : 'No error, no non-2xx answer, no timeout.'}`,
      '',
      '| request | product req/s | p50 ms | p99 ms | one SQL req/s | p50 | p99 | same work req/s | p50 | p99 | product / one SQL | product / same work |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      'CPU time per answered request, in ms (from `/proc`: the server process, and the whole PostgreSQL cluster, which',
      'also runs the background work of every server started; less sensitive to other load on the machine than req/s):',
      '',
      `| request | product | PostgreSQL | one SQL | PostgreSQL | same work | PostgreSQL |${before ? ' before | PostgreSQL |' : ''}`,
      `|---|---:|---:|---:|---:|---:|---:|${before ? '---:|---:|' : ''}`,
      ...cpuRows,
      '',
      'Statements per request sent by the API (PostgreSQL log, `log_statement = all`, 50 requests one at a time, then',
      `${20 * CONNECTIONS} with ${CONNECTIONS} in flight, minus the background statements of an idle period as long; by connection: the pool,`,
      'and the audit group commit; the session lookup and the group commit are shared by the requests in flight):',
      '',
      '| request | statements | by connection |',
      '|---|---:|---|',
      ...statements,
      ...(before
        ? [
            '',
            `Against ${args.get('before-label') ?? `the build in \`${args.get('before')}\``} ("before"), same run:`,
            '',
            '| request | before req/s | p50 | p99 | after req/s | p50 | p99 | after / before | product / one SQL, before → after |',
            '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
            ...beforeRows,
          ]
        : []),
      ...(profile ? ['', `CPU profile of the API process over the run (\`--cpu-prof\`):`, '', profile] : []),
      '',
    ].join('\n');
    console.log(`\n${section}`);
    if (WRITE) {
      const doc = join(ROOT, 'docs/benchmarks.md');
      const text = readFileSync(doc, 'utf8');
      const start = text.indexOf(`${SECTION}\n`);
      let next = start < 0 ? -1 : text.indexOf('\n## ', start + SECTION.length);
      if (start >= 0 && next < 0) next = text.length;
      const updated = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < text.length ? `\n${text.slice(next + 1)}` : ''}`;
      writeFileSync(doc, updated);
      console.log(`written to ${doc}`);
    }
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const server of servers) await stop(server).catch(() => undefined);
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
