import { chainHash, type EventRow, GENESIS_HASH } from '#libs/audit/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { eventsOfRequest, parseCsv, sealNow } from './audit-helpers.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/** The event columns of the CSV that the hash covers, by their English and Japanese headings. */
const HASHED = {
  id: 'イベントID',
  at: '日時(UTC)',
  actorUserId: '操作者ID',
  actorOrganisationId: '操作者の機関ID',
  action: '操作',
  resourceType: '対象種別',
  resourceId: '対象ID',
  recipientId: '支援対象者ID',
  recipientIds: '支援対象者ID一覧',
  outcome: '結果',
  fieldGroups: '項目グループ',
  legalBasis: '法的根拠',
  grantId: 'アクセス権ID',
  ip: 'IPアドレス',
  userAgent: 'ユーザーエージェント',
  requestId: 'リクエストID',
  details: '詳細',
} as const;

describe('audit lists: case numbers, login ids, JST days, names beside events, Japanese CSV', () => {
  let t: TestApp;
  let lead: Actor;
  let auditor: Actor;
  let recipient: { id: string; caseNumber: string };
  let leadOrgName: string;
  const rid = (res: { headers: Headers }) => res.headers.get('x-request-id');

  beforeAll(async () => {
    t = await TestApp.start();
    leadOrgName = '三条市 高齢介護課 フィルタ';
    const org = await t.organisation('municipal_department', leadOrgName);
    const user = await t.user(org, 'caseworker', 'Kaigo.Filter');
    lead = { ...user, token: await t.tokenFor(user.id) };
    auditor = await t.actor('auditor');
    recipient = await createRecipient(t, lead.token, { ...FULL_RECIPIENT, caseNumber: 'F2026-0001' });
    expect((await t.get(`/recipients/${recipient.id}`, lead.token)).status).toBe(200);
    expect((await t.get(`/recipients?limit=5`, lead.token)).status).toBe(200);
    await sealNow(t);
  });
  afterAll(() => t.close());

  const list = async (query: string) => {
    const res = await t.get(`/audit-events?limit=200&${query}`, auditor.token);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${res.text}`);
    return res.body.items as any[];
  };
  const ids = async (query: string) => (await list(query)).map((e) => e.id);

  describe('case number and login id filters', () => {
    it('caseNumber= finds exactly what recipientId= finds (reads, changes and lists that returned it)', async () => {
      const byId = await ids(`recipientId=${recipient.id}`);
      expect(byId.length).toBeGreaterThanOrEqual(3);
      expect(await ids(`caseNumber=${recipient.caseNumber}`)).toEqual(byId);
      const actions = (await list(`caseNumber=${recipient.caseNumber}`)).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['recipient.create', 'recipient.read', 'recipient.list']));
      expect(await ids(`caseNumber=${encodeURIComponent('Ｆ２０２６-０００１')}`)).toEqual(byId);
      expect(await ids(`caseNumber=NOPE-0001`)).toEqual([]);
      expect(await ids(`caseNumber=${recipient.caseNumber}&recipientId=${uuidv7()}`)).toEqual([]);
    });

    it('actorLoginId= (any case) finds exactly what actorUserId= finds; an unknown login id finds nothing', async () => {
      const byId = await ids(`actorUserId=${lead.id}`);
      expect(byId.length).toBeGreaterThanOrEqual(3);
      expect(await ids(`actorLoginId=kaigo.filter`)).toEqual(byId);
      expect(await ids(`actorLoginId=KAIGO.FILTER&action=recipient.read`)).toEqual(await ids(`actorUserId=${lead.id}&action=recipient.read`));
      expect(await ids(`actorLoginId=nobody.here`)).toEqual([]);
    });

    it('writes the names of these filters into audit.read, never their values', async () => {
      const res = await t.get(`/audit-events?caseNumber=${recipient.caseNumber}&actorLoginId=kaigo.filter`, auditor.token);
      const [event] = await eventsOfRequest(t, rid(res));
      expect(event.details.filters).toEqual(['actorLoginId', 'caseNumber']);
      expect(JSON.stringify(event)).not.toContain(recipient.caseNumber);
      expect(JSON.stringify(event).toLowerCase()).not.toContain('kaigo.filter');
    });

    it('refuses malformed values (400)', async () => {
      for (const query of [`caseNumber=${'1'.repeat(65)}`, `actorLoginId=${'a'.repeat(65)}`, 'expand=everything', 'headers=fr']) {
        expectError(await t.get(`/audit-events?${query}`, auditor.token), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('dates: a bare date is a day in Japan', () => {
    const late = uuidv7(); // 23:59:59.999 on 31 March in Japan
    const midnight = uuidv7(); // 00:00:00.000 on 1 April in Japan
    beforeAll(async () => {
      for (const [id, at] of [
        [late, '2026-03-31T14:59:59.999Z'],
        [midnight, '2026-03-31T15:00:00.000Z'],
      ]) {
        await t.dataSource.query(
          `WITH e AS (INSERT INTO audit_events (id, at, action, resource_type, outcome, ip, user_agent, request_id)
             VALUES ($1, $2, 'test.midnight', 'test', 'allowed', '127.0.0.1', 'jst', $3) RETURNING id)
           INSERT INTO audit_pending (event_id) SELECT id FROM e`,
          [id, at, uuidv7()],
        );
      }
      await sealNow(t);
    });
    const day = (query: string) => ids(`action=test.midnight&${query}`);

    it('from and to name whole Asia/Tokyo days, to included', async () => {
      expect(await day('from=2026-03-31&to=2026-03-31')).toEqual([late]);
      expect(await day('from=2026-04-01&to=2026-04-01')).toEqual([midnight]);
      expect(await day('from=2026-03-31&to=2026-04-01')).toEqual([late, midnight]);
      expect(await day('to=2026-03-31')).toEqual([late]);
      expect(await day('from=2026-04-01')).toEqual([midnight]);
      expect(await day('to=2026-03-30')).toEqual([]);
      expect(await day('from=2026-04-02')).toEqual([]);
    });

    it('timestamps with an offset keep their meaning: from inclusive, to exclusive', async () => {
      expect(await day(`to=${encodeURIComponent('2026-04-01T00:00:00+09:00')}`)).toEqual([late]);
      expect(await day('to=2026-03-31T15:00:00.001Z')).toEqual([late, midnight]);
      expect(await day('from=2026-03-31T15:00:00Z')).toEqual([midnight]);
      expect(await day(`from=${encodeURIComponent('2026-03-31T23:59:59.999+09:00')}&to=2026-03-31T15:00:00Z`)).toEqual([late]);
      expect(await day('from=2026-04-01&to=2026-03-31T15:00:00.000Z')).toEqual([]);
    });

    it('refuses anything else with 400: no offset, other formats, impossible dates, reversed ranges', async () => {
      for (const query of [
        'from=2026-04-01T00:00:00',
        'from=2026/04/01',
        'from=20260401',
        'to=2026-02-30',
        'to=2026-04-01T24:00:00Z',
        'from=2026-04-01T09:00:00%2B9',
        'from=today',
        'from=2026-04-02&to=2026-04-01',
        'from=2026-04-01T00:00:00Z&to=2026-03-31T00:00:00Z',
      ]) {
        expectError(await t.get(`/audit-events?${query}`, auditor.token), 400, 'VALIDATION_FAILED');
      }
    });

    it('the CSV shows each time in Japan beside the UTC one', async () => {
      const res = await t.get('/audit-events?format=csv&action=test.midnight', auditor.token);
      const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
      expect(header.slice(0, 4)).toEqual(['seq', 'id', 'at', 'atJst']);
      expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([
        [late, '2026-03-31T14:59:59.999Z', '2026-03-31 23:59:59.999'],
        [midnight, '2026-03-31T15:00:00.000Z', '2026-04-01 00:00:00.000'],
      ]);
    });
  });

  describe('names beside events (?expand=names)', () => {
    it('adds actor, organisation and case numbers outside the event; the event itself is unchanged', async () => {
      const plain = await list(`recipientId=${recipient.id}`);
      const named = await list(`recipientId=${recipient.id}&expand=names`);
      expect(named.map(({ names: _names, ...event }) => event)).toEqual(plain);
      const read = named.find((e) => e.action === 'recipient.read');
      expect(read.names).toEqual({
        actorDisplayName: 'Test caseworker',
        actorLoginId: 'Kaigo.Filter',
        actorOrganisationName: leadOrgName,
        recipientCaseNumber: recipient.caseNumber,
        recipientCaseNumbers: null,
      });
      const listed = named.find((e) => e.action === 'recipient.list');
      expect(listed.names.recipientCaseNumber).toBeNull();
      expect(listed.names.recipientCaseNumbers).toHaveLength(listed.recipientIds.length);
      expect(listed.names.recipientCaseNumbers[listed.recipientIds.indexOf(recipient.id)]).toBe(recipient.caseNumber);
      // An event without an actor (a failed login) has no names, not wrong ones.
      await t.post('/auth/login', undefined, { loginId: 'nobody', password: 'x' });
      const [failed] = (await list('action=auth.login_failed&expand=names&order=desc')).slice(0, 1);
      expect(failed.names).toEqual({ actorDisplayName: null, actorLoginId: null, actorOrganisationName: null, recipientCaseNumber: null, recipientCaseNumbers: null });
      const verify = await t.get('/audit-events/verify', auditor.token);
      expect(verify.body).toMatchObject({ ok: true });
    });

    it('the CSV gets the name columns after the hashed ones, and Japanese headings on request', async () => {
      const en = await t.get(`/audit-events?format=csv&expand=names&caseNumber=${recipient.caseNumber}`, auditor.token);
      const [header, ...rows] = parseCsv(en.text.replace(/^\uFEFF/, ''));
      expect(header.slice(-7)).toEqual(['hash', 'prevHash', 'actorDisplayName', 'actorLoginId', 'actorOrganisationName', 'recipientCaseNumber', 'recipientCaseNumbers']);
      const read = rows.find((r) => r[header.indexOf('action')] === 'recipient.read')!;
      expect(read.slice(-5)).toEqual(['Test caseworker', 'Kaigo.Filter', leadOrgName, recipient.caseNumber, null]);

      const asks: { query: string; headers: Record<string, string> }[] = [
        { query: '&headers=ja', headers: {} },
        { query: '', headers: { 'accept-language': 'ja,en;q=0.8' } },
      ];
      for (const ask of asks) {
        const ja = await t.get(`/audit-events?format=csv&expand=names${ask.query}`, auditor.token, ask.headers);
        // (fetch's text() drops the byte order mark; the bytes are checked below)
        expect(ja.text.replace(/^\uFEFF/, '').startsWith('連番,イベントID,日時(UTC),日時(日本時間),操作者ID,')).toBe(true);
        expect(parseCsv(ja.text.replace(/^\uFEFF/, ''))[0].slice(-5)).toEqual(['操作者氏名', '操作者ログインID', '操作者の機関名', 'ケース番号', 'ケース番号一覧']);
      }
      const english = await t.get('/audit-events?format=csv', auditor.token, { 'accept-language': 'en-GB,ja;q=0.5' });
      expect(english.text.replace(/^\uFEFF/, '').startsWith('seq,id,at,atJst,')).toBe(true);
      const forced = await t.get('/audit-events?format=csv&headers=en', auditor.token, { 'accept-language': 'ja' });
      expect(forced.text.replace(/^\uFEFF/, '').startsWith('seq,id,at,atJst,')).toBe(true);
      const raw = await fetch(`${t.baseUrl}/api/v1/audit-events?format=csv&headers=ja&action=test.none`, {
        headers: { authorization: `Bearer ${auditor.token}` },
      });
      const bytes = Buffer.from(await raw.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3).toString('utf8')).toBe(
        '連番,イベントID,日時(UTC),日時(日本時間),操作者ID,操作者の機関ID,操作,対象種別,対象ID,支援対象者ID,支援対象者ID一覧,結果,' +
          '項目グループ,法的根拠,アクセス権ID,IPアドレス,ユーザーエージェント,リクエストID,詳細,ハッシュ,直前のハッシュ\r\n',
      );
    });

    it('a Japanese-headed CSV with names still recomputes the whole chain offline', async () => {
      const res = await t.get('/audit-events?format=csv&expand=names&headers=ja', auditor.token);
      const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
      const cell = (row: (string | null)[], name: string) => {
        const value = row[header.indexOf(name)];
        return value !== null && value.startsWith("'") ? value.slice(1) : value;
      };
      const list = (value: string | null) => (value === null ? null : value === '' ? [] : value.split(' '));
      let prev = GENESIS_HASH;
      for (const row of rows) {
        const event: EventRow = {
          id: cell(row, HASHED.id)!,
          at: cell(row, HASHED.at)!,
          actor_user_id: cell(row, HASHED.actorUserId),
          actor_organisation_id: cell(row, HASHED.actorOrganisationId),
          action: cell(row, HASHED.action)!,
          resource_type: cell(row, HASHED.resourceType)!,
          resource_id: cell(row, HASHED.resourceId),
          recipient_id: cell(row, HASHED.recipientId),
          recipient_ids: list(cell(row, HASHED.recipientIds)),
          outcome: cell(row, HASHED.outcome)!,
          field_groups: list(cell(row, HASHED.fieldGroups)),
          legal_basis: cell(row, HASHED.legalBasis),
          grant_id: cell(row, HASHED.grantId),
          ip: cell(row, HASHED.ip),
          user_agent: cell(row, HASHED.userAgent),
          request_id: cell(row, HASHED.requestId),
          details: cell(row, HASHED.details),
        };
        expect(cell(row, '直前のハッシュ')).toBe(prev);
        expect(chainHash(prev, cell(row, '連番')!, event)).toBe(cell(row, 'ハッシュ'));
        prev = cell(row, 'ハッシュ')!;
      }
      expect(rows.length).toBeGreaterThan(5);
    });
  });
});
