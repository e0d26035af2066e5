import { expectError, TestApp } from './harness.js';
import type { QueryRunner } from 'typeorm';
import { RecipientKanaSort1763800005200 } from '../../../migrations/1763800005200-RecipientKanaSort.js';
import { createRecipient, grant } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/**
 * `GET /recipients?sort=kana`: 五十音順 over the kana folded as for search (width and katakana/hiragana do not matter),
 * family name before given name, recipients without kana last, ties by id; cursor pages see every row exactly once.
 */
describe('GET /recipients?sort=kana', () => {
  let t: TestApp;
  let lead: Actor;
  let partner: Actor;
  const made: Record<string, string> = {};

  const create = async (who: Actor, label: string, familyNameKana?: string | null, givenNameKana?: string | null) => {
    const body: Record<string, unknown> = { familyName: `姓${label}`, givenName: '名' };
    if (familyNameKana !== undefined) body.familyNameKana = familyNameKana;
    if (givenNameKana !== undefined) body.givenNameKana = givenNameKana;
    made[label] = (await createRecipient(t, who.token, body)).id;
  };

  /** Every page of the list, following nextCursor; fails on a page that repeats a row. */
  const allPages = async (who: Actor, limit: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await t.get(`/recipients?sort=kana&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, who.token);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...res.body.items.map((r: any) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor && ids.length <= 100);
    return ids;
  };
  const labels = (ids: string[]) => ids.map((id) => Object.keys(made).find((label) => made[label] === id));
  const byId = (...ls: string[]) => [...ls].sort((a, b) => (made[a] < made[b] ? -1 : 1));

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    partner = await t.actor('caseworker', 'welfare_office');
    await create(lead, 'none1');
    await create(lead, 'satou', 'さとう', 'じろう');
    await create(lead, 'ai-u', 'あい', 'う');
    await create(lead, 'kanaKatakana', 'イトウ', 'タロウ');
    await create(lead, 'hankaku', 'ｲﾄｳ', 'ﾊﾅｺ');
    await create(lead, 'abe', 'アベ', 'ケン');
    await create(lead, 'blank', '　', null);
    await create(lead, 'a-iu', 'あ', 'いう');
    await create(lead, 'kanaHiragana', 'いとう', 'たろう');
    await create(lead, 'katou', 'カトウ', null);
    // NFKC turns each ㌀ into アパート: a key longer than a cursor may carry, cut to the same length on both sides.
    await create(lead, 'long', '㌀'.repeat(100), null);
    await create(lead, 'none2', null, null);
  });
  afterAll(() => t.close());

  const EXPECTED = () => [
    'a-iu',
    'ai-u',
    'long',
    'abe',
    ...byId('kanaKatakana', 'kanaHiragana'),
    'hankaku',
    'katou',
    'satou',
    ...byId('none1', 'blank', 'none2'),
  ];

  it('interleaves katakana, hiragana and half-width kana in 五十音 order, family before given, no kana last, ties by id', async () => {
    const res = await t.get('/recipients?sort=kana&limit=50', lead.token);
    expect(res.status).toBe(200);
    expect(labels(res.body.items.map((r: any) => r.id))).toEqual(EXPECTED());
    expect(res.body.nextCursor).toBeNull();
    // Names and kana are returned exactly as typed: only the sort key is folded.
    expect(res.body.items.find((r: any) => r.id === made.hankaku).familyNameKana).toBe('ｲﾄｳ');
  });

  it('pages with a cursor and returns every row exactly once, for every page size', async () => {
    for (const limit of [1, 2, 3, 5]) expect(labels(await allPages(lead, limit))).toEqual(EXPECTED());
  });

  it('merges the lead and grant branches in one order across pages', async () => {
    await create(partner, 'p-ka', 'カ', null);
    await create(partner, 'p-none', null, null);
    for (const label of ['satou', 'hankaku', 'none2', 'a-iu']) await grant(t, lead.token, made[label], partner.organisationId);
    expect(labels(await allPages(partner, 2))).toEqual(['a-iu', 'hankaku', 'p-ka', 'satou', ...byId('none2', 'p-none')]);
  });

  it('an update of a kana moves the row; other updates leave it in place', async () => {
    const patch = async (label: string, body: unknown) => {
      const current = await t.get(`/recipients/${made[label]}`, lead.token);
      const res = await t.patch(`/recipients/${made[label]}`, lead.token, body, { 'if-match': `"${current.body.version}"` });
      expect(res.status).toBe(200);
    };
    const order = async () => labels(await allPages(lead, 4));
    await patch('satou', { phone: '0256-00-0000' });
    expect(await order()).toEqual(EXPECTED());
    await patch('satou', { familyNameKana: 'ア' });
    await patch('none1', { givenNameKana: 'ン' });
    await patch('katou', { familyNameKana: null });
    const moved = await order();
    // Only a given-name kana: an empty family part, first of all; then あ|いう before あ|じろう (family, then given).
    expect(moved.slice(0, 4)).toEqual(['none1', 'a-iu', 'satou', 'ai-u']);
    expect(moved.slice(-3)).toEqual(byId('blank', 'none2', 'katou'));
    await patch('satou', { familyNameKana: 'サトウ' });
    await patch('none1', { givenNameKana: null });
    await patch('katou', { familyNameKana: 'かとう' });
    expect(await order()).toEqual(EXPECTED());
  });

  it('the migration gives rows written before it the same key the service writes', async () => {
    const keys = () => t.ownerQuery(`SELECT id, kana_sort_key FROM recipients ORDER BY id`);
    const written = await keys();
    const migration = new RecipientKanaSort1763800005200();
    const runner = { query: (sql: string, params?: unknown[]) => t.ownerQuery(sql, params) } as unknown as QueryRunner;
    await migration.down(runner);
    await migration.up(runner);
    expect(await keys()).toEqual(written);
    expect(labels(await allPages(lead, 3))).toEqual(EXPECTED());
  });

  it('400 INVALID_CURSOR for a forged kana cursor; 403 auditor; 401 anonymous', async () => {
    const forge = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    expectError(await t.get(`/recipients?sort=kana&cursor=${forge(['0あ', 'not a uuid'])}`, lead.token), 400, 'INVALID_CURSOR');
    expectError(await t.get(`/recipients?sort=kana&cursor=${forge([1, made.abe])}`, lead.token), 400, 'INVALID_CURSOR');
    expectError(await t.get(`/recipients?sort=kana&cursor=${forge(['x'.repeat(401), made.abe])}`, lead.token), 400, 'INVALID_CURSOR');
    expectError(await t.get(`/recipients?sort=kana&cursor=${forge(['0あ', 'x', made.abe])}`, lead.token), 400, 'INVALID_CURSOR');
    expectError(await t.get('/recipients?sort=kana', (await t.actor('auditor', 'municipal_department')).token), 403, 'ROLE_FORBIDDEN');
    expectError(await t.get('/recipients?sort=kana'), 401, 'UNAUTHENTICATED');
    expectError(await t.get('/recipients?sort=gojuon', lead.token), 400, 'VALIDATION_FAILED');
  });
});
