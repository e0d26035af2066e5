// Live fan-out benchmark: 1,000 socket.io clients on loopback; a case note created over REST → note.created
// delivered to every subscribed socket allowed to read it. Reports p50/p99 latency, delivered, missed and deliveries
// to sockets that may not read the note (must be 0: strangers, a revoked grantee, a grantee without notes.read,
// grantees without the health group for sensitive notes), next to a bare socket.io baseline (no auth, no access
// checks, no database) measured in the same run.
//
//   npm run build && node dist/bench/live-fanout.js [sockets=1000]
import 'reflect-metadata';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Server } from 'socket.io';
import type { DataSource } from 'typeorm';
import { createTestDatabase, startTestCluster } from '#libs/database/testing/index.js';
import { TokenService } from '#libs/identity/index.js';
import { createLogger, loadConfig, uuidv7 } from '#libs/platform/index.js';
import { createApp } from '../apps/api/create-app.js';
import type { ClientSpec } from './live-fanout-clients.js';

const SOCKETS = Number(process.argv[2] ?? 1000);
const RECIPIENTS = 100;
const PARTNERS = 9;
const now = () => performance.timeOrigin + performance.now();

/** partner: notes.read + health; plain: notes.read without health (no sensitive notes); nonotes: basic only. */
type Kind = 'lead' | 'partner' | 'plain' | 'nonotes' | 'stranger' | 'revoked';
interface Planned extends ClientSpec {
  kind: Kind;
  organisationId: string;
  userId: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

class Clients {
  private worker: Worker;
  private waiters = new Map<string, (message: any) => void>();
  constructor(url: string, namespace: string, path: string, clients: ClientSpec[], events: string[]) {
    this.worker = new Worker(new URL('./live-fanout-clients.js', import.meta.url), {
      workerData: { url, namespace, path, clients, events },
    });
    this.worker.on('message', (message: { type: string }) => {
      const waiter = this.waiters.get(message.type);
      this.waiters.delete(message.type);
      waiter?.(message);
    });
  }
  private ask(type: string, reply: string): Promise<any> {
    return new Promise((resolve) => {
      this.waiters.set(reply, resolve);
      this.worker.postMessage({ type });
    });
  }
  connect = () => this.ask('connect', 'connected') as Promise<{ results: Array<{ index: number; ok: boolean; code?: string }> }>;
  collect = () => this.ask('collect', 'received') as Promise<{ received: Array<[number, string, string, number]> }>;
  async close() {
    await this.ask('close', 'closed');
    await this.worker.terminate();
  }
}

interface Sent {
  key: string;
  recipientId: string;
  sensitive: boolean;
  /** When the note was requested (before the POST is sent). */
  at: number;
  /** When the POST answered (its transaction had committed). */
  committedAt: number;
}

interface Result {
  name: string;
  events: number;
  expected: number;
  delivered: number;
  missed: number;
  unauthorised: number;
  p50: number;
  p99: number;
  max: number;
  /** Latency counted from the commit (the POST's answer) rather than from the request. */
  p50FromCommit: number;
  p99FromCommit: number;
  /** Notes sent per second: the writers post the next note when the last one is answered, so a faster write path
   * loads the fan-out at a higher rate (compare latencies at similar rates). */
  perSecond: number;
}

/** Matches receipts to sends: latency for each expected (event, socket), missed ones, deliveries to the wrong sockets. */
function score(
  name: string,
  sent: Sent[],
  received: Array<[number, string, string, number]>,
  expectedSockets: (s: Sent) => number[],
): Result {
  const byKey = new Map<string, Map<number, number>>();
  for (const [index, , key, at] of received) {
    let m = byKey.get(key);
    if (!m) byKey.set(key, (m = new Map()));
    m.set(index, at);
  }
  const latencies: number[] = [];
  const fromCommit: number[] = [];
  let expected = 0;
  let missed = 0;
  let unauthorised = 0;
  const sentKeys = new Set(sent.map((s) => s.key));
  for (const s of sent) {
    const got = byKey.get(s.key) ?? new Map<number, number>();
    const allowed = new Set(expectedSockets(s));
    expected += allowed.size;
    for (const index of allowed) {
      const at = got.get(index);
      if (at === undefined) missed++;
      else {
        latencies.push(at - s.at);
        fromCommit.push(at - s.committedAt);
      }
    }
    for (const index of got.keys()) if (!allowed.has(index)) unauthorised++;
  }
  // Anything received that was never sent in this phase counts against us too.
  for (const [, , key] of received) if (!sentKeys.has(key)) unauthorised++;
  latencies.sort((x, y) => x - y);
  fromCommit.sort((x, y) => x - y);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    name,
    events: sent.length,
    expected,
    delivered: latencies.length,
    missed,
    unauthorised,
    p50: r(percentile(latencies, 50)),
    p99: r(percentile(latencies, 99)),
    max: r(latencies[latencies.length - 1] ?? NaN),
    p50FromCommit: r(percentile(fromCommit, 50)),
    p99FromCommit: r(percentile(fromCommit, 99)),
    perSecond: r(sent.length / ((Math.max(...sent.map((x) => x.at)) - Math.min(...sent.map((x) => x.at))) / 1000 || Infinity)),
  };
}

/** Waits until no new receipt arrived for `quietMs` (or `maxMs` passed), then collects. */
async function drain(clients: Clients, expected: number, maxMs = 10_000) {
  const all: Array<[number, string, string, number]> = [];
  const start = Date.now();
  let quietSince = Date.now();
  while (Date.now() - start < maxMs) {
    const { received } = await clients.collect();
    if (received.length > 0) quietSince = Date.now();
    all.push(...received);
    if (all.length >= expected && Date.now() - quietSince > 300) break;
    if (Date.now() - quietSince > 2000) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return all;
}

async function main() {
  const cluster = await startTestCluster();
  process.env.TEST_PG_URL = cluster.url;
  process.env.TEST_PG_OWNER_URL = cluster.ownerUrl;
  process.env.TEST_PG_TEMPLATE = cluster.template;
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    SEED_DEMO: 'false',
    ACCESS_TOKEN_TTL: '3600',
  });
  const app = await createApp(config, createLogger('warn'), { swaggerUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get<DataSource>(getDataSourceToken());
  const tokens = app.get(TokenService);

  const api = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: any = await res.json().catch(() => undefined);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // --- organisations and users (SQL: set-up, not what is measured)
  const org = async (kind: string) => {
    const id = uuidv7();
    await ds.query('INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)', [id, `bench-${id.slice(-6)}`, kind]);
    const userId = uuidv7();
    await ds.query(
      `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash)
       VALUES ($1, $2, 'bench', $3, 'caseworker', 'x')`,
      [userId, `b${userId.replaceAll('-', '').slice(-16)}`, id],
    );
    return { organisationId: id, userId };
  };
  const lead = await org('municipal_department');
  const partners = await Promise.all(Array.from({ length: PARTNERS }, () => org('community_support_center')));
  const stranger = await org('medical');
  const revoked = await org('disability_facility');
  const token = async (userId: string) => {
    const sessionId = uuidv7();
    await ds.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '2 hours')`, [
      sessionId,
      userId,
    ]);
    return tokens.signAccess(userId, sessionId);
  };
  const leadToken = await token(lead.userId);

  // --- recipients over REST (the real create path), grants in bulk over SQL
  const recipients: { id: string; version: number }[] = [];
  for (let i = 0; i < RECIPIENTS; i += 10) {
    recipients.push(
      ...(await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          api('POST', '/recipients', leadToken, { familyName: `利用者${i + k}`, givenName: '太郎', status: 'active' }),
        ),
      )),
    );
  }
  const grantAll = async (organisationId: string, ids: string[], groups: string[], permissions: string[]) =>
    ds.query(
      `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis,
                           basis_reference, valid_from, granted_by)
       SELECT gen_random_uuid(), rid, $1, $4::text[], $5::text[], 'support_meeting', 'bench', now(), $2
         FROM unnest($3::uuid[]) rid`,
      [organisationId, lead.userId, ids, groups, permissions],
    );
  const all = recipients.map((r) => r.id);
  // Partners 0–4 read every note; 5–7 no sensitive ones (no health group); 8 no notes at all (no notes.read).
  const partnerKind = (k: number): Kind => (k < 5 ? 'partner' : k < 8 ? 'plain' : 'nonotes');
  for (const [k, p] of partners.entries()) {
    const kind = partnerKind(k);
    await grantAll(p.organisationId, all, kind === 'partner' ? ['basic', 'health'] : ['basic'], kind === 'nonotes' ? [] : ['notes.read']);
  }
  await grantAll(revoked.organisationId, all, ['basic', 'health'], ['notes.read']);

  // --- the sockets: 5% lead, 90% partners, 2.5% strangers (never granted), 2.5% revoked after subscribing
  const plan = async (recipientOf: (i: number) => string): Promise<Planned[]> => {
    const out: Planned[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const slot = i % 40;
      const fixed: Kind | undefined = slot === 0 || slot === 20 ? 'lead' : slot === 10 ? 'stranger' : slot === 30 ? 'revoked' : undefined;
      const who = fixed === 'lead' ? lead : fixed === 'stranger' ? stranger : fixed === 'revoked' ? revoked : partners[i % PARTNERS];
      const kind = fixed ?? partnerKind(i % PARTNERS);
      out.push({ kind, ...who, recipientId: recipientOf(i), token: await token(who.userId) });
    }
    return out;
  };

  const results: Result[] = [];
  const scenarios: Array<{ name: string; recipientOf: (i: number) => string; events: number; concurrency: number }> = [
    { name: `${SOCKETS} sockets over ${RECIPIENTS} recipients`, recipientOf: (i) => recipients[i % RECIPIENTS].id, events: 300, concurrency: 4 },
    { name: `${SOCKETS} sockets on one recipient`, recipientOf: () => recipients[0].id, events: 60, concurrency: 1 },
  ];

  for (const scenario of scenarios) {
    const planned = await plan(scenario.recipientOf);
    // Product
    const clients = new Clients(url, '/live', '/socket.io', planned, ['note.created']);
    const { results: acks } = await clients.connect();
    const refused = acks.filter((a) => !a.ok);
    if (refused.some((a) => planned[a.index].kind !== 'stranger')) throw new Error(`unexpected refusals: ${JSON.stringify(refused.slice(0, 3))}`);
    // Revoke the revoked organisation's grants on the subscribed recipients (REST, the real path: evicts live).
    const grantRows: { id: string; recipient_id: string }[] = await ds.query(
      `SELECT id, recipient_id FROM grants WHERE grantee_organisation_id = $1 AND revoked_at IS NULL`,
      [revoked.organisationId],
    );
    const toRevoke = new Set(planned.filter((p) => p.kind === 'revoked').map((p) => p.recipientId));
    for (const g of grantRows.filter((g) => toRevoke.has(g.recipient_id))) {
      await api('POST', `/recipients/${g.recipient_id}/grants/${g.id}/revoke`, leadToken, { reason: 'bench' });
    }
    // Who may read a note: the lead and health partners all of them, plain partners the normal ones, nobody else.
    const expected = new Map<string, number[]>();
    planned.forEach((p, index) => {
      for (const sensitive of [false, true]) {
        const may = p.kind === 'lead' || p.kind === 'partner' || (p.kind === 'plain' && !sensitive);
        if (!may) continue;
        const key = `${p.recipientId}/${sensitive}`;
        expected.set(key, [...(expected.get(key) ?? []), index]);
      }
    });
    const expectedSockets = (s: Sent) => expected.get(`${s.recipientId}/${s.sensitive}`) ?? [];
    const sent: Sent[] = [];
    let next = 0;
    const targets = [...new Set(planned.map((p) => p.recipientId))];
    const byId = new Map(recipients.map((r) => [r.id, r]));
    const worker = async () => {
      while (next < scenario.events) {
        const n = next++;
        const r = byId.get(targets[n % targets.length])!;
        const sensitive = n % 3 === 2;
        const at = now();
        const created = await api('POST', `/recipients/${r.id}/notes`, leadToken, {
          occurredAt: new Date().toISOString(),
          contactType: 'visit',
          body: `訪問記録 ${n}`,
          sensitivity: sensitive ? 'sensitive' : 'normal',
        });
        sent.push({ key: created.id, recipientId: r.id, sensitive, at, committedAt: now() });
      }
    };
    await Promise.all(Array.from({ length: scenario.concurrency }, worker));
    const expectedCount = sent.reduce((n, s) => n + expectedSockets(s).length, 0);
    const received = await drain(clients, expectedCount);
    results.push(score(`product: ${scenario.name}`, sent, received, expectedSockets));
    await clients.close();

    // Bare baseline: plain socket.io, rooms, emit; no auth, no database, no access checks.
    const http = createServer();
    const io = new Server(http, { path: '/bare.io', serveClient: false });
    io.on('connection', (socket) => {
      socket.on('subscribe', (payload: { recipientId: string }, ack: (a: unknown) => void) => {
        void socket.join(payload.recipientId);
        ack({ ok: true });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    // The baseline sockets that may not read anything simply join no room: the bare server has no rules to apply.
    const readers = new Set(planned.map((_, i) => i).filter((i) => ['lead', 'partner', 'plain'].includes(planned[i].kind)));
    const bareSpecs = planned.map((p, i) => ({ recipientId: readers.has(i) ? p.recipientId : uuidv7() }));
    const bare = new Clients(`http://127.0.0.1:${port}`, '/', '/bare.io', bareSpecs, ['note.created']);
    await bare.connect();
    const interval = (sent[sent.length - 1].at - sent[0].at) / sent.length;
    const bareSent: Sent[] = [];
    for (let n = 0; n < scenario.events; n++) {
      const rid = targets[n % targets.length];
      const key = `${rid}/bare-${n}`;
      const at = now();
      // The same envelope and a note of the same shape and size as the product sends.
      const stamp = new Date().toISOString();
      io.to(rid).emit('note.created', {
        seq: n,
        recipientId: rid,
        at: stamp,
        actorOrganisationId: lead.organisationId,
        key,
        note: {
          id: uuidv7(),
          recipientId: rid,
          authorUserId: lead.userId,
          authorOrganisationId: lead.organisationId,
          occurredAt: stamp,
          contactType: 'visit',
          counterpart: null,
          title: null,
          body: `訪問記録 ${n}`,
          sensitivity: 'normal',
          version: 1,
          createdAt: stamp,
          updatedAt: stamp,
        },
      });
      bareSent.push({ key, recipientId: rid, sensitive: false, at, committedAt: at });
      // The same average rate as the product run, without its work.
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
    const bareExpected = (s: Sent) => planned.map((p, i) => i).filter((i) => readers.has(i) && planned[i].recipientId === s.recipientId);
    const bareReceived = await drain(bare, bareSent.reduce((n, s) => n + bareExpected(s).length, 0));
    results.push(score(`bare socket.io: ${scenario.name}`, bareSent, bareReceived, bareExpected));
    await bare.close();
    io.close();
  }

  console.log(`\nmachine: nproc ${cpus().length}, ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.table(results);
  await app.close();
  await cluster.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
