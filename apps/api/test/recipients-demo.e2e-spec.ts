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

  it('seeds case notes from several organisations, read under the sensitivity rules, and finds 髙 names by 高', async () => {
    const [{ orgs, notes }] = await t.ownerQuery(
      'SELECT count(DISTINCT author_organisation_id)::int AS orgs, count(*)::int AS notes FROM case_notes',
    );
    expect(orgs).toBeGreaterThanOrEqual(4);
    expect(notes).toBeGreaterThanOrEqual(60);
    const [r] = await t.ownerQuery(
      `SELECT recipient_id AS id, author_organisation_id AS author FROM case_notes n JOIN organisations o ON o.id = n.author_organisation_id
        WHERE sensitivity = 'author_org_only' AND o.kind = 'disability_consultation' LIMIT 1`,
    );
    const lead = (await t.ownerQuery('SELECT u.login_id FROM recipients r JOIN users u ON u.organisation_id = r.lead_organisation_id WHERE r.id = $1 AND u.role = $2', [r.id, 'caseworker']))[0].login_id;
    const asLead = await t.get(`/recipients/${r.id}/notes?limit=200`, tokens[lead]);
    expect(asLead.status).toBe(200);
    expect(asLead.body.items.length).toBeGreaterThan(0);
    expect(asLead.body.items.some((n: any) => n.sensitivity === 'author_org_only' && n.authorOrganisationId === r.author)).toBe(false);
    const asAuthor = await t.get(`/recipients/${r.id}/notes?limit=200`, tokens['himawari.cw']);
    expect(asAuthor.body.items.some((n: any) => n.sensitivity === 'author_org_only')).toBe(true);
    const takahashi = await t.ownerQuery(`SELECT id, family_name FROM recipients WHERE family_name ~ '髙'`);
    const all = [...(await t.get('/recipients?q=高&limit=200', tokens['kaigo.cw'])).body.items, ...(await t.get('/recipients?q=高&limit=200', tokens['fukushi.cw'])).body.items];
    for (const row of takahashi) expect(all.map((x: any) => x.id)).toContain(row.id);
  });
});
