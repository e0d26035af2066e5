import { FIELD_GROUPS } from '#libs/contracts/index.js';
import { seedDemo } from '#libs/demo/index.js';
import { expectError, TestApp } from './harness.js';
import { groupsIn } from './recipient-fixtures.js';

describe('demo city: recipients, consent and grants give each partner a realistic partial view', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    expect(await seedDemo(t.dataSource)).not.toBeNull();
    const users: { id: string; login_id: string }[] = await t.dataSource.query('SELECT id, login_id FROM users');
    for (const u of users) tokens[u.login_id] = await t.tokenFor(u.id);
  });
  afterAll(() => t.close());

  it('seeds about thirty recipients across statuses and categories, with variant kanji stored as typed', async () => {
    const [{ count }] = await t.ownerQuery('SELECT count(*)::int AS count FROM recipients');
    expect(count).toBeGreaterThanOrEqual(30);
    const statuses = await t.ownerQuery('SELECT DISTINCT status FROM recipients');
    expect(statuses).toHaveLength(4);
    const variants = await t.ownerQuery(`SELECT family_name FROM recipients WHERE family_name ~ '[髙﨑齋]'`);
    expect(variants.length).toBeGreaterThanOrEqual(3);
    const bases = await t.ownerQuery('SELECT DISTINCT legal_basis FROM grants');
    expect(bases.map((b) => b.legal_basis).sort()).toEqual(['care_meeting', 'consent', 'entrustment', 'statute', 'support_meeting', 'vital_interest']);
  });

  it('shows each lead department all of its own recipients in full and nothing of the other', async () => {
    const kaigo = await t.get('/recipients?limit=200', tokens['kaigo.cw']);
    const fukushi = await t.get('/recipients?limit=200', tokens['fukushi.admin']);
    expect(kaigo.body.items.length + fukushi.body.items.length).toBeGreaterThanOrEqual(30);
    for (const r of [...kaigo.body.items, ...fukushi.body.items]) expect(groupsIn(r)).toEqual([...FIELD_GROUPS]);
    const kaigoIds = new Set(kaigo.body.items.map((r: any) => r.id));
    expect(fukushi.body.items.some((r: any) => kaigoIds.has(r.id))).toBe(false);
  });

  it('gives partners partial views: 包括 care groups, 社協 assistance, さくら園 via consent and vital interest', async () => {
    const houkatsu = (await t.get('/recipients?limit=200', tokens['houkatsu.cw'])).body.items;
    expect(houkatsu.length).toBeGreaterThan(5);
    expect(houkatsu.every((r: any) => r.access.fieldGroups.includes('care') && !r.access.fieldGroups.includes('assistance'))).toBe(true);
    const shakyo = (await t.get('/recipients?limit=200', tokens['shakyo.cw'])).body.items;
    expect(shakyo.length).toBeGreaterThan(3);
    expect(shakyo.every((r: any) => groupsIn(r).join() === 'basic,contact,assistance')).toBe(true);
    const sakura = (await t.get('/recipients?limit=200', tokens['sakura.cw'])).body.items;
    expect(sakura.map((r: any) => r.familyName).sort()).toEqual(['太田', '石井'].sort());
    expect(sakura.every((r: any) => 'healthNotes' in r && !('careLevel' in r))).toBe(true);
    expectError(await t.get('/recipients', tokens['kansa.auditor']), 403, 'ROLE_FORBIDDEN');
    expectError(await t.get('/recipients', tokens['sysadmin']), 403, 'ROLE_FORBIDDEN');
  });
});
