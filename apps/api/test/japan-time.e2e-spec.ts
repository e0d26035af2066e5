import { createTestDatabase } from '#libs/database/testing/index.js';
import { jstDate } from '#libs/platform/index.js';
import { kanaSortKey } from '#libs/japanese-names/index.js';
import { TestApp } from './harness.js';

/**
 * The process and the database both in UTC, as many servers are set up: days still mean days in Japan. The instant is
 * fixed through the application's clock, the one thing a test may choose; the database keeps its own time.
 */
describe('Japan time with the process and the database in UTC', () => {
  const savedTz = process.env.TZ;
  let t: TestApp;
  let now = new Date();
  beforeAll(async () => {
    process.env.TZ = 'UTC';
    const db = await createTestDatabase();
    const setup = await TestApp.start({}, { database: db, clock: { now: () => now } });
    // Sessions opened from now on run in UTC (ALTER DATABASE applies to new connections): restart on it.
    await setup.ownerQuery(`ALTER DATABASE ${db.name} SET timezone TO 'UTC'`);
    await setup.close();
    t = await TestApp.start({}, { database: db, clock: { now: () => now } });
  });
  afterAll(async () => {
    await t.close();
    process.env.TZ = savedTz;
  });

  it('runs where both zones are UTC', async () => {
    expect(new Date('2026-11-27T08:30:00').toISOString()).toBe('2026-11-27T08:30:00.000Z');
    const [{ TimeZone }] = await t.dataSource.query('SHOW timezone');
    expect(TimeZone).toBe('UTC');
  });

  it('opens a case at 08:30 JST on that Japanese day, numbered in that Japanese year', async () => {
    const lead = await t.actor('caseworker', 'municipal_department');
    // 08:30 on 27 November in Japan is 23:30 on the 26th in UTC.
    now = new Date('2026-11-26T23:30:00Z');
    const november = await t.post('/recipients', lead.token, { familyName: '山田', givenName: '花子' });
    expect(november.status).toBe(201);
    expect(november.body.openedOn).toBe('2026-11-27');
    expect(november.body.caseNumber).toMatch(/^R2026-\d{6}$/);
    // 08:30 on New Year's Day in Japan is still the old year in UTC.
    now = new Date('2026-12-31T23:30:00Z');
    const newYear = await t.post('/recipients', lead.token, { familyName: '川口', givenName: '修' });
    expect(newYear.status).toBe(201);
    expect(newYear.body.openedOn).toBe('2027-01-01');
    expect(newYear.body.caseNumber).toMatch(/^R2027-\d{6}$/);
    // An explicit opening date is kept as given.
    const given = await t.post('/recipients', lead.token, { familyName: '林', givenName: '拓也', openedOn: '2026-04-01' });
    expect(given.body.openedOn).toBe('2026-04-01');
  });

  it('defaults opened_on in the database to the Japanese date too, for writers other than the application', async () => {
    const org = await t.organisation();
    const user = await t.user(org);
    const before = jstDate(new Date());
    const [row] = await t.dataSource.query(
      `INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, search_key, kana_sort_key)
       VALUES (gen_random_uuid(), $1, $2, $3, 'a', 'b', 'ab', $4) RETURNING opened_on::text AS "openedOn"`,
      [user.id, org, `JST-${Date.now()}`, kanaSortKey(null, null)],
    );
    expect([before, jstDate(new Date())]).toContain(row.openedOn);
  });

  it('reads a bare from/to date on notes as the whole Japanese day', async () => {
    const lead = await t.actor('caseworker', 'municipal_department');
    const recipient = await t.post('/recipients', lead.token, { familyName: '佐藤', givenName: '一郎' });
    const write = (occurredAt: string) =>
      t.post(`/recipients/${recipient.body.id}/notes`, lead.token, { occurredAt, contactType: 'visit', body: occurredAt, sensitivity: 'normal' });
    // In UTC all three fall on the 26th; in Japan only the last two are on the 27th.
    for (const at of ['2026-11-26T23:59:59+09:00', '2026-11-27T00:00:00+09:00', '2026-11-27T08:30:00+09:00']) expect((await write(at)).status).toBe(201);
    await write('2026-11-28T00:00:00+09:00');
    const day = await t.get(`/recipients/${recipient.body.id}/notes?from=2026-11-27&to=2026-11-27`, lead.token);
    expect(day.status).toBe(200);
    expect(day.body.items.map((n: { body: string }) => n.body).sort()).toEqual(['2026-11-27T00:00:00+09:00', '2026-11-27T08:30:00+09:00']);
  });
});
