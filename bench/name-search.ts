/**
 * Name search benchmark: `GET /recipients?q=` over 100,000 recipients, through the whole HTTP stack (session check,
 * access condition, projection, audit write), against a bare baseline measured in the same run.
 *
 *   npm run build && node dist/bench/name-search.js [recipients=100000] [rounds=100]
 *
 * Five lead organisations hold 20,000 recipients each; a partner organisation holds grants on 3,000 of them.
 * Queries cover 1, 2 and 3+ character keys, kana of any width and variant kanji.
 */
import 'reflect-metadata';
import { cpus, freemem, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createApp } from '../apps/api/create-app.js';
import { startTestCluster } from '#libs/database/testing/index.js';
import { TokenService } from '#libs/identity/index.js';
import { createLogger, loadConfig, uuidv7 } from '#libs/platform/index.js';
import { kanaSortKey, recipientSearchKey } from '#libs/japanese-names/index.js';

const RECIPIENTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 100);
const LEADS = 5;
const PARTNER_GRANTS = 3_000;

const FAMILY: [string, string][] = [
  ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['髙橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'], ['渡邊', 'ワタナベ'], ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'], ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'], ['井上', 'イノウエ'],
  ['木村', 'キムラ'], ['林', 'ハヤシ'], ['斎藤', 'サイトウ'], ['齋藤', 'サイトウ'], ['清水', 'シミズ'], ['山崎', 'ヤマザキ'],
  ['山﨑', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'], ['石川', 'イシカワ'],
  ['山下', 'ヤマシタ'], ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'], ['前田', 'マエダ'], ['岡田', 'オカダ'],
  ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['近藤', 'コンドウ'], ['村上', 'ムラカミ'], ['遠藤', 'エンドウ'],
  ['青木', 'アオキ'], ['坂本', 'サカモト'], ['斉藤', 'サイトウ'], ['福田', 'フクダ'], ['太田', 'オオタ'], ['西村', 'ニシムラ'],
  ['藤井', 'フジイ'], ['金子', 'カネコ'], ['岡本', 'オカモト'], ['藤原', 'フジワラ'], ['中野', 'ナカノ'], ['三浦', 'ミウラ'],
  ['原田', 'ハラダ'], ['中川', 'ナカガワ'], ['松田', 'マツダ'], ['竹内', 'タケウチ'], ['小野', 'オノ'], ['田村', 'タムラ'],
];
const GIVEN: [string, string][] = [
  ['太郎', 'タロウ'], ['花子', 'ハナコ'], ['一郎', 'イチロウ'], ['次郎', 'ジロウ'], ['美咲', 'ミサキ'], ['健一', 'ケンイチ'],
  ['直樹', 'ナオキ'], ['由美', 'ユミ'], ['恵子', 'ケイコ'], ['誠', 'マコト'], ['さやか', 'サヤカ'], ['浩', 'ヒロシ'],
  ['亮', 'リョウ'], ['智子', 'トモコ'], ['大輔', 'ダイスケ'], ['真理', 'マリ'], ['修', 'オサム'], ['拓也', 'タクヤ'],
  ['幸子', 'サチコ'], ['和子', 'カズコ'], ['正男', 'マサオ'], ['清', 'キヨシ'], ['節子', 'セツコ'], ['トメ', 'トメ'],
  ['ハル', 'ハル'], ['勇', 'イサム'], ['茂', 'シゲル'], ['久子', 'ヒサコ'], ['昭', 'アキラ'], ['明美', 'アケミ'],
];

/** [label, query]: what caseworkers type, from one kanji to a full name in half-width kana. */
const QUERIES: [string, string][] = [
  ['1 char 林', '林'],
  ['2 chars 高橋 (matches 髙橋)', '高橋'],
  ['2 chars kana たろ', 'たろ'],
  ['3+ chars やまだ', 'やまだ'],
  ['full name 山田太郎', '山田 太郎'],
  ['half-width ﾔﾏﾀﾞ ﾀﾛｳ', 'ﾔﾏﾀﾞ ﾀﾛｳ'],
  ['variant 渡邊直樹', '渡邊直樹'],
  ['no match すずきはなこx', 'すずきはなこx'],
];

/** A fixed integer hash: names spread evenly over every organisation's recipients, the same in every run. */
function mix(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const cluster = await startTestCluster();
  const owner = new pg.Pool({ connectionString: cluster.ownerUrl, max: 4 });
  try {
    // Organisations, users, recipients and grants straight into the database (the API path is not what is measured).
    const leads = Array.from({ length: LEADS }, () => ({ org: uuidv7(), user: uuidv7() }));
    const partner = { org: uuidv7(), user: uuidv7() };
    for (const [i, o] of [...leads, partner].entries()) {
      const kind = i < LEADS ? 'municipal_department' : 'social_welfare_council';
      await owner.query('INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)', [o.org, `bench-org-${i}`, kind]);
      await owner.query(
        `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash) VALUES ($1, $2, $3, $4, 'caseworker', 'x')`,
        [o.user, `bench.user${i}`, `bench ${i}`, o.org],
      );
    }
    const started = performance.now();
    const ids: string[] = [];
    const CHUNK = 5_000;
    for (let from = 0; from < RECIPIENTS; from += CHUNK) {
      const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
      for (let i = from; i < Math.min(RECIPIENTS, from + CHUNK); i += 1) {
        const [family, familyKana] = FAMILY[mix(i) % FAMILY.length];
        const [given, givenKana] = GIVEN[mix(i + 7_919) % GIVEN.length];
        const lead = leads[i % LEADS];
        const id = uuidv7();
        ids.push(id);
        const row = [id, lead.user, lead.org, `B-${i}`, family, given, familyKana, givenKana, recipientSearchKey(family, given, familyKana, givenKana), kanaSortKey(familyKana, givenKana)];
        row.forEach((value, c) => cols[c].push(value));
      }
      await owner.query(
        `INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, family_name_kana,
           given_name_kana, search_key, kana_sort_key, updated_at)
         SELECT *, now() - random() * interval '365 days'
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                       $10::text[])`,
        cols,
      );
    }
    // Spread over the whole table (not one block of ids), as grants made over years would be.
    const stride = Math.max(1, Math.floor(ids.length / PARTNER_GRANTS));
    const granted = ids.filter((_, i) => i % stride === 1).slice(0, PARTNER_GRANTS);
    await owner.query(
      `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
         valid_from, granted_by)
       SELECT gen_random_uuid(), r.id, $2, ARRAY['basic'], ARRAY['notes.read'], 'support_meeting', 'bench', now(), r.created_by
         FROM recipients r WHERE r.id = ANY ($1::uuid[])`,
      [granted, partner.org],
    );
    await owner.query('VACUUM ANALYZE recipients');
    await owner.query('VACUUM ANALYZE grants');
    const loadSeconds = (performance.now() - started) / 1000;

    const config = loadConfig({
      DATABASE_URL: cluster.url,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
    });
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const app = await createApp(config, createLogger('warn', sink), { swaggerUi: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const token = async (userId: string) => {
      const sessionId = uuidv7();
      await dataSource.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [sessionId, userId]);
      return app.get(TokenService).signAccess(userId, sessionId);
    };
    const callers = { lead: await token(leads[1].user), partner: await token(partner.user) };

    if (process.env.EXPLAIN) {
      // The list query as RecipientsService builds it (access branches + name filter), with its plan and timings.
      const { AccessService } = await import('#libs/access/index.js');
      const { SqlParams } = await import('#libs/platform/index.js');
      const { nameSearchSql, searchQueryKey } = await import('#libs/japanese-names/index.js');
      const access = app.get(AccessService);
      for (const [who, org] of [['lead', leads[1].org], ['partner', partner.org]] as const) {
        for (const q of process.env.EXPLAIN.split(',')) {
          const ability = access.abilityOf({ organisationId: org, role: 'caseworker', organisationKind: who === 'lead' ? 'municipal_department' : 'social_welfare_council' });
          const params = new SqlParams([org]);
          const branches = access.readableSqlBranches(ability, 'r', params);
          const filter = nameSearchSql('r', searchQueryKey(q), params);
          const union = branches
            .map((b) => `(SELECT r.id, r.updated_at AS k1 FROM recipients r WHERE ${b} AND ${filter} ORDER BY r.updated_at DESC, r.id DESC LIMIT 51)`)
            .join(' UNION ');
          const plan: { 'QUERY PLAN': string }[] = await dataSource.query(
            `EXPLAIN (ANALYZE, COSTS OFF) SELECT *, $1::uuid AS caller_org FROM (${union}) u ORDER BY u.k1 DESC, u.id DESC LIMIT 51`,
            params.values,
          );
          console.log(`--- ${who} q=${q}\n${plan.map((p) => p['QUERY PLAN']).join('\n')}`);
        }
      }
    }

    const measure = async (path: string, bearer: string) => {
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < ROUNDS + 10; i += 1) {
        const t0 = performance.now();
        const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
        const body = (await res.json()) as { items?: unknown[] };
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
        count = body.items?.length ?? 0;
        if (i >= 10) times.push(ms); // the first 10 warm caches and the JIT
      }
      times.sort((a, b) => a - b);
      return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), items: count };
    };

    const results: string[] = [];
    const row = (caller: string, label: string, r: { p50: number; p95: number; p99: number; items: number }) =>
      results.push(`| ${caller} | ${label} | ${r.items} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} |`);
    for (const [who, bearer] of Object.entries(callers)) {
      row(who, 'baseline: GET /health', await measure('/health', bearer));
      row(who, 'baseline: GET /recipients (no q)', await measure('/recipients', bearer));
      for (const [label, q] of QUERIES) row(who, label, await measure(`/recipients?q=${encodeURIComponent(q)}`, bearer));
    }

    // The same search in SQL alone, with and without its indexes, to show what the indexes buy.
    const sqlTimes = async (key: string, indexes: boolean) => {
      const client = await owner.connect();
      try {
        await client.query('BEGIN');
        if (!indexes) await client.query('SET LOCAL enable_bitmapscan = off');
        const short = [...key].length <= 2;
        const cond = short ? `search_grams @> ARRAY[$1]::text[]` : `search_key LIKE '%' || $1 || '%'`;
        const times: number[] = [];
        for (let i = 0; i < 30; i += 1) {
          const t0 = performance.now();
          await client.query(`SELECT count(*) FROM recipients WHERE ${cond}`, [key]);
          times.push(performance.now() - t0);
        }
        await client.query('ROLLBACK');
        times.sort((a, b) => a - b);
        return percentile(times, 50);
      } finally {
        client.release();
      }
    };
    const sqlRows: string[] = [];
    for (const [label, key] of [['たろ', 'たろ'], ['高橋', '高橋'], ['やまだ', 'やまだ'], ['山田太郎', '山田太郎']]) {
      sqlRows.push(`| ${label} | ${(await sqlTimes(key, true)).toFixed(1)} | ${(await sqlTimes(key, false)).toFixed(1)} |`);
    }

    await app.close();
    const cpu = cpus();
    console.log(`Name search over ${RECIPIENTS.toLocaleString('en')} recipients (${LEADS} lead organisations, partner with ${PARTNER_GRANTS} grants)`);
    console.log(`machine: nproc ${cpu.length}, ${cpu[0]?.model ?? 'unknown CPU'}, memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB (free ${(freemem() / 2 ** 30).toFixed(1)} GiB), Node ${process.version}`);
    console.log(`data load ${loadSeconds.toFixed(1)} s; ${ROUNDS} sequential requests per row after 10 warm-up requests\n`);
    console.log('| caller | request | items | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|');
    console.log(results.join('\n'));
    console.log('\nSQL only, count(*) over all recipients, median of 30 (ms):\n\n| key | with index | bitmap scans off |\n|---|---|---|');
    console.log(sqlRows.join('\n'));
  } finally {
    await owner.end();
    await cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
