/**
 * A city-sized data set written straight into the database with INSERT … SELECT generate_series (seconds, where the
 * API would take minutes), and access tokens minted on inserted sessions (no logins: 1,000 argon2 hashes and the
 * per-IP throttle are not what is measured).
 *
 * Shape: 4 lead organisations (municipal departments and a welfare office) that open the recipients, 16 partner
 * organisations that read them through grants; every recipient has 2 or 3 active grants to different partners in
 * four shapes (so every partner holds every shape), plus expired and revoked grants; ten case notes per recipient.
 */
import type pg from 'pg';
import { activeGrantSql } from '#libs/access/index.js';
import type { AppConfig } from '#libs/platform/index.js';
import { TokenService } from '#libs/identity/index.js';
import { kanaSortKey, recipientSearchKey } from '#libs/japanese-names/index.js';

export interface CitySize {
  recipients: number;
  notesPerRecipient: number;
  usersPerPartner: number;
}

export const FULL_CITY: CitySize = { recipients: 10_000, notesPerRecipient: 10, usersPerPartner: 10 };
export const QUICK_CITY: CitySize = { recipients: 1_000, notesPerRecipient: 10, usersPerPartner: 4 };

export const LEADS = 4;
export const PARTNERS = 16;

const FAMILY: [string, string][] = [
  ['佐藤', 'さとう'], ['鈴木', 'すずき'], ['高橋', 'たかはし'], ['髙橋', 'たかはし'], ['田中', 'たなか'], ['伊藤', 'いとう'],
  ['渡辺', 'わたなべ'], ['渡邊', 'わたなべ'], ['山本', 'やまもと'], ['中村', 'なかむら'], ['小林', 'こばやし'], ['加藤', 'かとう'],
  ['吉田', 'よしだ'], ['山田', 'やまだ'], ['佐々木', 'ささき'], ['山口', 'やまぐち'], ['松本', 'まつもと'], ['井上', 'いのうえ'],
  ['木村', 'きむら'], ['林', 'はやし'], ['斎藤', 'さいとう'], ['清水', 'しみず'], ['山崎', 'やまざき'], ['森', 'もり'],
];
const GIVEN: [string, string][] = [
  ['太郎', 'たろう'], ['花子', 'はなこ'], ['一郎', 'いちろう'], ['次郎', 'じろう'], ['美咲', 'みさき'], ['健一', 'けんいち'],
  ['直樹', 'なおき'], ['由美', 'ゆみ'], ['恵子', 'けいこ'], ['誠', 'まこと'], ['幸子', 'さちこ'], ['和子', 'かずこ'],
];

/** What caseworkers type in the search box: kana of a family name, 3+ characters (the trigram index). */
export const KANA_QUERIES = ['やまだ', 'たかはし', 'さとう', 'すずき', 'わたなべ', 'なかむら', 'こばやし', 'いのうえ'];

/** Grant shapes, picked per (recipient, partner) so that every partner holds all four. */
const SHAPES = `CASE s WHEN 0 THEN ARRAY['basic','contact'] WHEN 1 THEN ARRAY['basic','care']
  WHEN 2 THEN ARRAY['basic','contact','health'] ELSE ARRAY['basic','care','health'] END`;
const SHAPE_PERMISSIONS = `CASE s WHEN 0 THEN ARRAY['notes.read'] WHEN 1 THEN ARRAY[]::text[]
  WHEN 2 THEN ARRAY['notes.read','notes.write'] ELSE ARRAY['notes.read','notes.write','profile.write'] END`;

export interface City {
  leadOrganisations: string[];
  partnerOrganisations: string[];
  /** Access tokens of partner caseworkers, by organisation. */
  partnerTokens: Map<string, string[]>;
  auditorTokens: string[];
  /** (partner organisation, recipient) pairs with an active grant; `write` when it carries notes.write. */
  grants: { organisationId: string; recipientId: string; write: boolean }[];
  counts: Record<string, number>;
}

/** Writes the data set through the owner connection and returns what the load generator needs. */
export async function generateCity(owner: pg.Client, size: CitySize, jwtSecret: string): Promise<City> {
  const n = size.recipients;
  const q = (sql: string, values?: unknown[]) => owner.query(sql, values);
  // Deterministic ids that are valid version-4 UUIDs (path ids are checked as such).
  await q(`CREATE FUNCTION pg_temp.bench_id(seed text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid FROM md5(seed) AS h $$`);
  // Organisations 1..4 lead, 5..20 are partners.
  await q(`INSERT INTO organisations (id, name, kind)
    SELECT pg_temp.bench_id('bench-org-' || o), 'ベンチ組織 ' || o,
           CASE WHEN o <= 3 THEN 'municipal_department' WHEN o = 4 THEN 'welfare_office'
                ELSE (ARRAY['social_welfare_council','community_support_center','disability_consultation',
                            'disability_facility','care_management_office','medical'])[o % 6 + 1] END
      FROM generate_series(1, ${LEADS + PARTNERS}) o`);
  // Caseworkers: 5 per lead, usersPerPartner per partner; one auditor per lead organisation.
  await q(`INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash)
    SELECT pg_temp.bench_id('bench-user-' || o || '-' || k), 'bench.' || o || '.' || k, 'ベンチ ' || o || '-' || k,
           pg_temp.bench_id('bench-org-' || o), 'caseworker', 'not-a-hash'
      FROM generate_series(1, ${LEADS + PARTNERS}) o, generate_series(1, ${size.usersPerPartner}) k
     WHERE o > ${LEADS} OR k <= 5`);
  await q(`INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash)
    SELECT pg_temp.bench_id('bench-auditor-' || o), 'bench.auditor.' || o, '監査 ' || o, pg_temp.bench_id('bench-org-' || o), 'auditor', 'not-a-hash'
      FROM generate_series(1, ${LEADS}) o`);
  // Names: every (family, given) pair with its search and kana sort keys, computed by the product's own functions.
  const names = FAMILY.flatMap(([f, fk]) => GIVEN.map(([g, gk]) => [f, g, fk, gk, recipientSearchKey(f, g, fk, gk), kanaSortKey(fk, gk)]));
  await q(`CREATE TEMP TABLE bench_names AS
    SELECT (row_number() OVER ()) - 1 AS n, * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
      AS t(family, given, family_kana, given_kana, search_key, kana_sort_key)`,
    [0, 1, 2, 3, 4, 5].map((c) => names.map((row) => row[c])));
  await q(`INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name,
      family_name_kana, given_name_kana, birth_date, status, support_categories, address, phone, care_level, health_notes,
      search_key, kana_sort_key, created_at, updated_at)
    SELECT pg_temp.bench_id('bench-r-' || i), pg_temp.bench_id('bench-user-' || (i % ${LEADS} + 1) || '-1'),
           pg_temp.bench_id('bench-org-' || (i % ${LEADS} + 1)), 'B' || lpad(i::text, 7, '0'), nm.family, nm.given,
           nm.family_kana, nm.given_kana, date '1935-01-01' + (i * 37 % 25000),
           (ARRAY['intake','active','monitoring','closed'])[i % 4 + 1],
           ARRAY[(ARRAY['elderly','disability','poverty','child'])[i % 4 + 1]], '新潟県三条市本町' || (i % 99 + 1) || '-' || (i % 7 + 1),
           '0256-' || lpad((i % 10000)::text, 4, '0') || '-0000', (ARRAY['none','care_1','care_2','support_1'])[i % 4 + 1],
           '服薬あり（' || i || '）', nm.search_key, nm.kana_sort_key,
           now() - interval '400 days', now() - (i * 3163 % 31536000) * interval '1 second'
      FROM generate_series(1, ${n}) i JOIN bench_names nm ON nm.n = (i * 7919) % ${names.length}`);
  // Active grants: partners p(i), p(i)+5 for every recipient, and p(i)+11 for every other one: 2.5 per recipient.
  const grantInsert = (offset: number, every: number, extra: string, tag: string) =>
    q(`INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis,
         basis_reference, valid_from, valid_until, revoked_at, revoked_by, revoke_reason, granted_by, granted_at)
       SELECT pg_temp.bench_id('bench-g-${tag}-' || i), pg_temp.bench_id('bench-r-' || i),
              pg_temp.bench_id('bench-org-' || ((i + ${offset}) % ${PARTNERS} + ${LEADS + 1})), ${SHAPES}, ${SHAPE_PERMISSIONS},
              'support_meeting', '支援会議 ' || i, ${extra}, pg_temp.bench_id('bench-user-' || (i % ${LEADS} + 1) || '-1'),
              now() - interval '300 days'
         FROM generate_series(1, ${n}) i, LATERAL (SELECT (i + ${offset}) % 4 AS s) sh
        WHERE i % ${every} = 0`);
  const active = `now() - interval '300 days', NULL, NULL, NULL, NULL`;
  await grantInsert(0, 1, active, 'a');
  await grantInsert(5, 1, active, 'b');
  await grantInsert(11, 2, active, 'c');
  // Expired and revoked grants on other partners: what the access condition must skip.
  await grantInsert(8, 4, `now() - interval '300 days', now() - interval '10 days', NULL, NULL, NULL`, 'x');
  await grantInsert(13, 4, `now() - interval '300 days', NULL, now() - interval '20 days',
    pg_temp.bench_id('bench-user-' || (i % ${LEADS} + 1) || '-1'), '支援終了'`, 'v');
  // Notes: by the lead (most) and by partners holding notes.write; every sensitivity.
  await q(`INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type,
      counterpart, title, body, sensitivity, created_at, updated_at)
    SELECT pg_temp.bench_id('bench-n-' || i || '-' || k), pg_temp.bench_id('bench-r-' || i), pg_temp.bench_id('bench-user-' || (i % ${LEADS} + 1) || '-1'),
           pg_temp.bench_id('bench-org-' || (i % ${LEADS} + 1)), t, (ARRAY['visit','phone','office_visit','meeting'])[k % 4 + 1],
           '本人', '定期訪問 ' || k, '自宅を訪問。食事は取れている様子。服薬の確認をした。（' || i || '-' || k || '）',
           (ARRAY['normal','normal','normal','sensitive','author_org_only'])[k % 5 + 1], t, t
      FROM generate_series(1, ${n}) i, generate_series(1, ${size.notesPerRecipient}) k,
           LATERAL (SELECT date_trunc('milliseconds', now() - ((i * 7 + k * 86400 * 3) % 31536000) * interval '1 second') AS t) tt`);
  await q(`INSERT INTO case_note_revisions (note_id, version, occurred_at, contact_type, counterpart, title, body, sensitivity,
      written_at, written_by, written_by_organisation_id, change)
    SELECT id, 1, occurred_at, contact_type, counterpart, title, body, sensitivity, created_at, author_user_id,
           author_organisation_id, 'create' FROM case_notes`);
  // One session per user, tokens signed by the product's TokenService (the server checks them like any other).
  await q(`INSERT INTO sessions (id, user_id, expires_at) SELECT pg_temp.bench_id('bench-s-' || id), id, now() + interval '1 day' FROM users`);
  await q('VACUUM ANALYZE');

  const tokens = new TokenService({ jwtSecret, accessTokenTtl: 24 * 3600 } as AppConfig);
  const users = (await q(`SELECT u.id, u.organisation_id, u.role, pg_temp.bench_id('bench-s-' || u.id) AS session_id FROM users u`))
    .rows as { id: string; organisation_id: string; role: string; session_id: string }[];
  const partnerOrganisations = (await q(`SELECT id FROM organisations WHERE kind NOT IN ('municipal_department','welfare_office') ORDER BY name`))
    .rows.map((r: { id: string }) => r.id);
  const leadOrganisations = (await q(`SELECT id FROM organisations WHERE kind IN ('municipal_department','welfare_office') ORDER BY name`))
    .rows.map((r: { id: string }) => r.id);
  const partnerTokens = new Map<string, string[]>();
  const auditorTokens: string[] = [];
  for (const u of users) {
    const token = await tokens.signAccess(u.id, u.session_id);
    if (u.role === 'auditor') auditorTokens.push(token);
    else if (partnerOrganisations.includes(u.organisation_id)) {
      partnerTokens.set(u.organisation_id, [...(partnerTokens.get(u.organisation_id) ?? []), token]);
    }
  }
  const grants = (
    await q(`SELECT grantee_organisation_id AS "organisationId", recipient_id AS "recipientId",
                    'notes.write' = ANY (permissions) AS write
               FROM grants g WHERE ${activeGrantSql('g')}`)
  ).rows as City['grants'];
  const counts: Record<string, number> = {};
  for (const [label, sql] of Object.entries({
    organisations: 'SELECT count(*) FROM organisations',
    users: 'SELECT count(*) FROM users',
    recipients: 'SELECT count(*) FROM recipients',
    'active grants': `SELECT count(*) FROM grants g WHERE ${activeGrantSql('g')}`,
    'expired grants': `SELECT count(*) FROM grants WHERE revoked_at IS NULL AND valid_until <= now()`,
    'revoked grants': 'SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL',
    notes: 'SELECT count(*) FROM case_notes',
  })) {
    counts[label] = Number((await q(sql)).rows[0].count);
  }
  return { leadOrganisations, partnerOrganisations, partnerTokens, auditorTokens, grants, counts };
}
