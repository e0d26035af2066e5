/**
 * Recipient listing under access control at scale: 100,000 recipients, one organisation granted 10,000 of them, another
 * granted 100, plus 50,000 grants of other organisations and revoked/expired grants. Times the list as each
 * organisation (first page and a deep page reached by cursor), through the service (transaction, ability, query,
 * audit event) and as the bare SQL, next to a baseline page query with no access condition; prints EXPLAIN plans.
 *
 *   npm run build && node dist/bench/recipients-list.js
 */
import 'reflect-metadata';
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import pg from 'pg';
import { AccessService, accessSql } from '#libs/access/index.js';
import { startTestCluster } from '#libs/database/testing/index.js';
import { type Caller, createLogger, encodeCursor, loadConfig, SqlParams } from '#libs/platform/index.js';
import { kanaSortKey } from '#libs/japanese-names/index.js';
import { RECIPIENT_SELECT, RecipientsService } from '#libs/recipients/index.js';
import { createApp } from '../apps/api/create-app.js';

const RECIPIENTS = 100_000;
const WARMUP = 30;
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const ORG_LEAD = '00000000-0000-4000-8000-00000000000a';
const ORG_A = '00000000-0000-4000-8000-0000000000a1'; // 10,000 grants
const ORG_B = '00000000-0000-4000-8000-0000000000b1'; // 100 grants
const USER = '00000000-0000-4000-8000-0000000000f1';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const result = { label, p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples[samples.length - 1] };
  console.log(`${label.padEnd(58)} p50 ${result.p50.toFixed(2).padStart(7)} ms   p95 ${result.p95.toFixed(2).padStart(7)} ms`);
  return result;
}

async function load(owner: pg.Client) {
  await owner.query(`INSERT INTO organisations (id, name, kind) VALUES
      ('${ORG_LEAD}', 'lead', 'municipal_department'), ('${ORG_A}', 'org A', 'community_support_center'),
      ('${ORG_B}', 'org B', 'medical')`);
  await owner.query(`INSERT INTO organisations (id, name, kind)
      SELECT md5('org' || n)::uuid, 'noise ' || n, 'other' FROM generate_series(1, 20) n`);
  await owner.query(`INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash)
      VALUES ('${USER}', 'bench', 'bench', '${ORG_LEAD}', 'caseworker', 'x')`);
  // Four in five recipients are led by one department, the rest by 20 others; updates spread over a year.
  await owner.query(`
    INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, family_name_kana,
      given_name_kana, birth_date, status, support_categories, address, health_notes, search_key, kana_sort_key, created_at,
      updated_at)
    SELECT md5('r' || i)::uuid, '${USER}',
           CASE WHEN i % 5 = 0 THEN md5('org' || (i % 20 + 1))::uuid ELSE '${ORG_LEAD}'::uuid END,
           'B-' || i, '山田' || (i % 997), '太郎' || (i % 89), 'やまだ', 'たろう', date '1940-01-01' + (i % 20000),
           (ARRAY['intake','active','monitoring','closed'])[i % 4 + 1], ARRAY[(ARRAY['elderly','disability','poverty','child'])[i % 4 + 1]],
           '新潟県三条市本町' || i, '服薬あり', '山田' || (i % 997) || '太郎' || (i % 89) || 'やまだたろう', $1,
           now() - interval '400 days', now() - (random() * interval '365 days')
      FROM generate_series(1, ${RECIPIENTS}) i`, [kanaSortKey('やまだ', 'たろう')]);
  // Org A: 10,000 active grants in three shapes, plus 1,000 revoked and 1,000 expired ones.
  await owner.query(`
    INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
      valid_from, valid_until, revoked_at, granted_by)
    SELECT md5('ga' || i)::uuid, md5('r' || i)::uuid, '${ORG_A}',
           CASE i / 10 % 3 WHEN 0 THEN ARRAY['basic','contact'] WHEN 1 THEN ARRAY['basic','care'] ELSE ARRAY['basic','contact','health'] END,
           CASE i / 10 % 3 WHEN 0 THEN ARRAY['notes.read'] WHEN 1 THEN ARRAY[]::text[] ELSE ARRAY['notes.read','notes.write'] END,
           'care_meeting', 'ケア会議', now() - interval '10 days', NULL, NULL, '${USER}'
      FROM generate_series(10, ${RECIPIENTS}, 10) i`);
  await owner.query(`
    INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
      valid_from, valid_until, revoked_at, granted_by)
    SELECT md5('gx' || i)::uuid, md5('r' || i)::uuid, '${ORG_A}', ARRAY['basic'], ARRAY[]::text[], 'statute', 'x',
           now() - interval '30 days',
           CASE WHEN i % 2 = 0 THEN now() - interval '1 day' END,
           CASE WHEN i % 2 = 1 THEN now() - interval '1 day' END, '${USER}'
      FROM generate_series(3, 20000, 10) i`);
  // Org B: 100 grants.
  await owner.query(`
    INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
      valid_from, granted_by)
    SELECT md5('gb' || i)::uuid, md5('r' || i)::uuid, '${ORG_B}', ARRAY['basic','health'], ARRAY['notes.read'],
           'entrustment', '委託', now() - interval '10 days', '${USER}'
      FROM generate_series(7, ${RECIPIENTS}, 1000) i`);
  // Everyone else: 50,000 grants over 20 organisations.
  await owner.query(`
    INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
      valid_from, granted_by)
    SELECT md5('gn' || i)::uuid, md5('r' || (i * 2 + 1))::uuid, md5('org' || (i % 20 + 1))::uuid, ARRAY['basic'],
           ARRAY[]::text[], 'support_meeting', '支援会議', now() - interval '10 days', '${USER}'
      FROM generate_series(1, 49999) i`);
  await owner.query('VACUUM ANALYZE');
}

function machine() {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return `${cpus().length} vCPU (nproc), ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

async function main() {
  console.log(`machine: ${machine()}`);
  const cluster = await startTestCluster();
  const owner = new pg.Client({ connectionString: cluster.ownerUrl });
  await owner.connect();
  let app: NestFastifyApplication | undefined;
  try {
    const t0 = Date.now();
    await load(owner);
    const [{ version }] = (await owner.query('SHOW server_version')).rows.map((r) => ({ version: r.server_version }));
    console.log(`PostgreSQL ${version}; loaded ${RECIPIENTS} recipients and their grants in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The whole application (its real dependency graph, audit included), initialised but not listening.
    const config = loadConfig({ DATABASE_URL: cluster.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret', SEED_DEMO: 'false' });
    app = await createApp(config, createLogger('silent'), { swaggerUi: false });
    await app.init();
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const access = app.get(AccessService);
    const service = app.get(RecipientsService);
    const caller = (organisationId: string): Caller => ({
      userId: USER,
      loginId: 'bench',
      organisationId,
      organisationKind: 'municipal_department',
      role: 'caseworker',
      sessionId: USER,
      requestId: 'bench',
      ip: '127.0.0.1',
      userAgent: 'bench',
    });
    const deepCursor = async (organisationId: string | null, offset: number) => {
      const params = new SqlParams();
      const where = organisationId ? `WHERE ${accessSql(access.abilityOf(caller(organisationId)), 'read', 'r', params)}` : '';
      const { rows } = await owner.query(
        `SELECT r.updated_at::text AS at, r.id FROM recipients r ${where} ORDER BY r.updated_at DESC, r.id DESC OFFSET ${offset} LIMIT 1`,
        params.values,
      );
      return encodeCursor([rows[0].at, rows[0].id]);
    };
    const results: { label: string; p50: number; p95: number }[] = [];
    // The list query as the service runs it: in a transaction without parallel workers.
    const sqlOnly = (sql: string, values: unknown[] = []) =>
      dataSource.transaction(async (em) => {
        await em.query('SET LOCAL max_parallel_workers_per_gather = 0');
        return em.query(sql, values);
      });
    const cases: [string, string, number][] = [
      ['org A (10,000 grants)', ORG_A, 5_000],
      ['org B (100 grants)', ORG_B, 50],
      ['lead org (80,000 led)', ORG_LEAD, 40_000],
    ];
    for (const [name, org, offset] of cases) {
      const cursor = await deepCursor(org, offset);
      const ability = access.abilityOf(caller(org));
      const first = service.listQuery(ability, caller(org), { limit: 50 });
      const deep = service.listQuery(ability, caller(org), { limit: 50, cursor });
      const firstCount = (await dataSource.query(first.sql!, first.values)).length;
      const deepCount = (await dataSource.query(deep.sql!, deep.values)).length;
      console.log(`\n${name}: first page ${firstCount - 1}+1 rows, deep page (after ${offset}) ${deepCount} rows`);
      for (const [label, q] of [
        ['first page', first],
        [`deep page (after ${offset})`, deep],
      ] as const) {
        const plan = (await sqlOnly(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.sql}`, q.values)) as { 'QUERY PLAN': string }[];
        const text = plan.map((row) => row['QUERY PLAN']).join('\n');
        const seqScanGrants = /Seq Scan on grants/.test(text);
        const seqScanRecipients = /Seq Scan on recipients/.test(text);
        console.log(`  EXPLAIN ${label}: seq scan on grants: ${seqScanGrants}; on recipients: ${seqScanRecipients}`);
        if (process.env.BENCH_PLANS) console.log(text.replace(/^/gm, '    '));
      }
      results.push(await time(`${name} service list, first page`, () => service.list(caller(org), { limit: 50 })));
      results.push(await time(`${name} service list, deep page`, () => service.list(caller(org), { limit: 50, cursor })));
      results.push(await time(`${name} SQL only, first page`, () => sqlOnly(first.sql!, first.values)));
      results.push(await time(`${name} SQL only, deep page`, () => sqlOnly(deep.sql!, deep.values)));
    }
    console.log('\nbaseline: the same page query without any access condition');
    const baseCursor = await deepCursor(null, 5_000);
    const [at, id] = JSON.parse(Buffer.from(baseCursor, 'base64url').toString());
    const bare = `SELECT ${RECIPIENT_SELECT} FROM recipients r ORDER BY r.updated_at DESC, r.id DESC LIMIT 51`;
    const bareDeep = `SELECT ${RECIPIENT_SELECT} FROM recipients r WHERE (r.updated_at, r.id) < ($1::timestamptz, $2::uuid)
      ORDER BY r.updated_at DESC, r.id DESC LIMIT 51`;
    results.push(await time('baseline SQL, first page', () => sqlOnly(bare)));
    results.push(await time('baseline SQL, deep page (after 5000)', () => sqlOnly(bareDeep, [at, id])));
    const p95 = (label: string) => results.find((r) => r.label === label)!.p95;
    const ratio = (x: string) => p95(`org A (10,000 grants) service list, ${x}`) / p95(`org B (100 grants) service list, ${x}`);
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(
      `\nratio of p95 (org A / org B): first page ${ratio('first page').toFixed(2)}, deep page ${ratio('deep page').toFixed(2)}`,
    );
  } finally {
    await app?.close().catch(() => undefined);
    await owner.end();
    await cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
