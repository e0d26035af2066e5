import type { DataSource, EntityManager } from 'typeorm';
import type { OrganisationKind, Role } from '#libs/contracts/index.js';
import { PasswordService } from '#libs/identity/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { seedDemoNotes } from './demo-notes.js';
import { seedRecipients } from './demo-recipients.js';

/** Every demo account shares this password; the demo city exists only where SEED_DEMO is on. */
export const DEMO_PASSWORD = 'sanjo-demo-2026';

export interface DemoLogin {
  loginId: string;
  role: Role;
  organisation: string;
}

export interface DemoCity {
  password: string;
  logins: DemoLogin[];
}

interface DemoOrganisation {
  key: string;
  name: string;
  kind: OrganisationKind;
  users: { loginId: string; displayName: string; role: Role }[];
}

/** Organisations modelled on Sanjō city's network; people's names are fictional. */
export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    key: 'kaigo',
    name: '三条市 高齢介護課',
    kind: 'municipal_department',
    users: [
      { loginId: 'kaigo.cw', displayName: '佐藤 美咲', role: 'caseworker' },
      { loginId: 'kaigo.admin', displayName: '高橋 健一', role: 'org_admin' },
    ],
  },
  {
    key: 'fukushi',
    name: '三条市 福祉課',
    kind: 'municipal_department',
    users: [
      { loginId: 'fukushi.cw', displayName: '渡辺 直樹', role: 'caseworker' },
      { loginId: 'fukushi.admin', displayName: '伊藤 由美', role: 'org_admin' },
    ],
  },
  {
    key: 'shakyo',
    name: '三条市社会福祉協議会',
    kind: 'social_welfare_council',
    users: [
      { loginId: 'shakyo.cw', displayName: '山本 恵子', role: 'caseworker' },
      { loginId: 'shakyo.admin', displayName: '中村 誠', role: 'org_admin' },
    ],
  },
  {
    key: 'houkatsu',
    name: '三条市中央地域包括支援センター',
    kind: 'community_support_center',
    users: [
      { loginId: 'houkatsu.cw', displayName: '小林 さやか', role: 'caseworker' },
      { loginId: 'houkatsu.admin', displayName: '加藤 浩', role: 'org_admin' },
    ],
  },
  {
    key: 'himawari',
    name: '相談支援事業所 ひまわり',
    kind: 'disability_consultation',
    users: [
      { loginId: 'himawari.cw', displayName: '吉田 亮', role: 'caseworker' },
      { loginId: 'himawari.admin', displayName: '山口 智子', role: 'org_admin' },
    ],
  },
  {
    key: 'sakura',
    name: '障害者支援施設 さくら園',
    kind: 'disability_facility',
    users: [
      { loginId: 'sakura.cw', displayName: '松本 大輔', role: 'caseworker' },
      { loginId: 'sakura.admin', displayName: '井上 真理', role: 'org_admin' },
    ],
  },
  {
    key: 'kansa',
    name: '三条市 総務課 個人情報保護係',
    kind: 'municipal_department',
    users: [{ loginId: 'kansa.auditor', displayName: '木村 修', role: 'auditor' }],
  },
  {
    key: 'system',
    name: '三条市 情報政策課 (システム管理)',
    kind: 'other',
    users: [{ loginId: 'sysadmin', displayName: '林 拓也', role: 'system_admin' }],
  },
];

export interface SeededIdentity {
  organisations: Record<string, string>;
  users: Record<string, string>;
}

async function seedIdentity(em: EntityManager): Promise<SeededIdentity> {
  const passwords = new PasswordService();
  const seeded: SeededIdentity = { organisations: {}, users: {} };
  for (const org of DEMO_ORGANISATIONS) {
    const orgId = uuidv7();
    seeded.organisations[org.key] = orgId;
    await em.query('INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)', [orgId, org.name, org.kind]);
    for (const user of org.users) {
      const userId = uuidv7();
      seeded.users[user.loginId] = userId;
      await em.query(
        `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
        [userId, user.loginId, user.displayName, orgId, user.role, await passwords.hash(DEMO_PASSWORD)],
      );
    }
  }
  return seeded;
}

/**
 * Creates the demo city on an empty database (no organisations yet) in one transaction; answers null when the
 * database already has data, so restarts keep whatever users changed.
 */
export async function seedDemo(dataSource: DataSource): Promise<DemoCity | null> {
  return dataSource.transaction(async (em) => {
    await em.query('SELECT pg_advisory_xact_lock(727002)');
    const [{ count }] = await em.query('SELECT count(*)::int AS count FROM organisations');
    if (count > 0) return null;
    const identity = await seedIdentity(em);
    await seedRecipients(em, identity);
    await seedDemoNotes(em);
    return {
      password: DEMO_PASSWORD,
      logins: DEMO_ORGANISATIONS.flatMap((org) => org.users.map((u) => ({ loginId: u.loginId, role: u.role, organisation: org.name }))),
    };
  });
}
