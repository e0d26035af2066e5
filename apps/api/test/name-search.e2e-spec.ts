import pg from 'pg';
import { expectError, TestApp } from './harness.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('GET /recipients?q=: name search on the normalised key, within the caller\'s access', () => {
  let t: TestApp;
  let lead: Actor;
  let partner: Actor;
  let outsider: Actor;
  let yamada: string;
  let takahashi: string;
  let takahashiPlain: string;

  const create = async (familyName: string, givenName: string, familyNameKana: string, givenNameKana: string) => {
    const res = await t.post('/recipients', lead.token, { familyName, givenName, familyNameKana, givenNameKana });
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    return res.body;
  };
  const search = async (who: Actor, q: string) => {
    const res = await t.get(`/recipients?q=${encodeURIComponent(q)}`, who.token);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((r) => r.id).sort();
  };

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    partner = await t.actor('caseworker', 'community_support_center');
    outsider = await t.actor('caseworker', 'social_welfare_council');
    yamada = (await create('山田', '太郎', 'ヤマダ', 'タロウ')).id;
    const taka = await create('髙橋', '花子', 'タカハシ', 'ハナコ');
    takahashi = taka.id;
    takahashiPlain = (await create('高橋', '一郎', 'タカハシ', 'イチロウ')).id;
    await create('佐藤', '次郎', 'サトウ', 'ジロウ');
    // Stored exactly as typed: the variant kanji stays.
    expect(taka.familyName).toBe('髙橋');
    const grant = await t.post(`/recipients/${yamada}/grants`, lead.token, {
      granteeOrganisationId: partner.organisationId,
      fieldGroups: ['basic'],
      legalBasis: 'care_meeting',
      basisReference: '地域ケア会議 2026-11-05',
    });
    expect(grant.status).toBe(201);
  });
  afterAll(() => t.close());

  it.each(['やまだ', 'ﾔﾏﾀﾞ', 'ヤマダ', '山田太郎', 'やまだ たろう', '山田　太郎', 'ﾔﾏﾀﾞﾀﾛｳ', '山', 'たろう', 'たろ'])(
    'finds 山田 太郎 by %j',
    async (q) => expect(await search(lead, q)).toEqual([yamada]),
  );

  it('finds 髙橋 by 高橋 and 高橋 by 髙橋, with 1, 2 and 3+ character keys', async () => {
    expect(await search(lead, '高橋')).toEqual([takahashi, takahashiPlain].sort());
    expect(await search(lead, '髙橋')).toEqual([takahashi, takahashiPlain].sort());
    expect(await search(lead, '髙')).toEqual([takahashi, takahashiPlain].sort());
    expect(await search(lead, '髙橋花子')).toEqual([takahashi]);
    expect(await search(lead, 'ﾀｶﾊｼ ﾊﾅｺ')).toEqual([takahashi]);
  });

  it('finds nothing for a name nobody has, and treats LIKE wildcards as text', async () => {
    expect(await search(lead, '鈴木')).toEqual([]);
    expect(await search(lead, '%')).toEqual([]);
    expect(await search(lead, '山_')).toEqual([]);
    expect(await search(lead, '%%%')).toEqual([]);
  });

  it('never finds a recipient for an organisation without access; a grantee finds only what it was granted', async () => {
    expect(await search(outsider, 'やまだ')).toEqual([]);
    expect(await search(outsider, '高橋')).toEqual([]);
    expect(await search(outsider, '山')).toEqual([]);
    expect(await search(partner, 'やまだ')).toEqual([yamada]);
    expect(await search(partner, '山田　太郎')).toEqual([yamada]);
    expect(await search(partner, '高橋')).toEqual([]);
  });

  it('keeps the search text out of the audit log and the logs', async () => {
    await search(lead, 'ﾔﾏﾀﾞﾀﾛｳ');
    const events = await t.auditEvents(`action = 'recipient.list' AND actor_user_id = $1`, [lead.id]);
    expect(events.length).toBeGreaterThan(0);
    const text = JSON.stringify(events) + t.logLines.join('\n');
    for (const needle of ['ﾔﾏﾀﾞ', 'やまだ', encodeURIComponent('ﾔﾏﾀﾞ')]) expect(text).not.toContain(needle);
  });

  it('refuses an over-long query and non-case roles', async () => {
    expectError(await t.get(`/recipients?q=${'あ'.repeat(101)}`, lead.token), 400, 'VALIDATION_FAILED');
    const auditor = await t.actor('auditor', 'municipal_department');
    expectError(await t.get('/recipients?q=やまだ', auditor.token), 403, 'ROLE_FORBIDDEN');
  });

  it('serves the query from the name-search indexes', async () => {
    await t.ownerQuery('ANALYZE recipients');
    // A handful of rows would be read sequentially anyway: forbid that, on one connection, to see the index chosen.
    const client = new pg.Client({ connectionString: t.db.ownerUrl });
    await client.connect();
    const plan = async (cond: string, key: string) => {
      await client.query('SET enable_seqscan = off');
      const res = await client.query(`EXPLAIN SELECT id FROM recipients r WHERE ${cond}`, [key]);
      return res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    };
    try {
      expect(await plan(`r.search_grams @> ARRAY[$1]::text[]`, 'たか')).toContain('recipients_search_grams_idx');
      expect(await plan(`r.search_key LIKE '%' || $1 || '%'`, 'やまだ')).toContain('recipients_search_trgm_idx');
    } finally {
      await client.end();
    }
  });
});
