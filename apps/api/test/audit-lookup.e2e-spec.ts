import { eventsOfRequest } from './audit-helpers.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

const IDENTITY_KEYS = ['caseNumber', 'familyName', 'familyNameKana', 'givenName', 'givenNameKana', 'id'];
const CANARY_ADDRESS = 'CANARY-住所-5d2e';
const CANARY_HEALTH = 'CANARY-健康-5d2e';

describe('auditor look-ups: recipients and staff by name, case number or login id', () => {
  let t: TestApp;
  let lead: Actor;
  let auditor: Actor;
  let yamada: { id: string; caseNumber: string };
  let takahashi: { id: string; caseNumber: string };
  const rid = (res: { headers: Headers }) => res.headers.get('x-request-id');

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    auditor = await t.actor('auditor', 'municipal_department');
    yamada = await createRecipient(t, lead.token, {
      ...FULL_RECIPIENT,
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'ハナコ',
      address: CANARY_ADDRESS,
      healthNotes: CANARY_HEALTH,
    });
    takahashi = await createRecipient(t, lead.token, { ...FULL_RECIPIENT, caseNumber: 'K2026-0042', address: CANARY_ADDRESS });
  });
  afterAll(() => t.close());

  const lookup = async (query: string) => {
    const res = await t.get(`/audit/recipients?${query}`, auditor.token);
    expect(res.status).toBe(200);
    return res;
  };
  const ids = async (query: string) => (await lookup(query)).body.items.map((r: { id: string }) => r.id);

  describe('GET /audit/recipients', () => {
    it('finds a recipient by name or kana in any script and width, with or without the space', async () => {
      for (const q of ['山田', '山田 花子', 'やまだはなこ', 'ﾔﾏﾀﾞ ﾊﾅｺ', 'ヤマダ', 'はなこ']) {
        expect(await ids(`q=${encodeURIComponent(q)}`)).toEqual([yamada.id]);
      }
      expect(await ids(`q=${encodeURIComponent('髙橋')}`)).toEqual([takahashi.id]);
      expect(await ids(`q=${encodeURIComponent('高橋')}`)).toEqual([takahashi.id]);
      expect(await ids(`q=${encodeURIComponent('鈴木')}`)).toEqual([]);
    });

    it('finds a recipient by exact case number (caseNumber=, or typed into q; full-width too)', async () => {
      expect(await ids(`caseNumber=${yamada.caseNumber}`)).toEqual([yamada.id]);
      expect(await ids(`caseNumber=K2026-0042`)).toEqual([takahashi.id]);
      expect(await ids(`q=K2026-0042`)).toEqual([takahashi.id]);
      expect(await ids(`caseNumber=${encodeURIComponent('Ｋ２０２６－００４２')}`)).toEqual([takahashi.id]);
      expect(await ids(`caseNumber=${encodeURIComponent('Ｋ２０２６-００４２')}`)).toEqual([takahashi.id]);
      expect(await ids(`caseNumber=K2026-004`)).toEqual([]);
    });

    it('answers the identity only, never another field of the record', async () => {
      const res = await lookup(`caseNumber=${yamada.caseNumber}`);
      expect(res.body.nextCursor).toBeNull();
      expect(Object.keys(res.body.items[0]).sort()).toEqual(IDENTITY_KEYS);
      expect(res.body.items[0]).toEqual({
        id: yamada.id,
        caseNumber: yamada.caseNumber,
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'ヤマダ',
        givenNameKana: 'ハナコ',
      });
      const all = await lookup(`q=${encodeURIComponent('はなこ')}`);
      expect(all.text).not.toContain(CANARY_ADDRESS);
      expect(all.text).not.toContain(CANARY_HEALTH);
    });

    it('pages by case number', async () => {
      for (let i = 0; i < 3; i++) await createRecipient(t, lead.token, { ...FULL_RECIPIENT, familyName: '佐々木', familyNameKana: 'ささき' });
      const first = await lookup(`q=${encodeURIComponent('ささき')}&limit=2`);
      expect(first.body.items).toHaveLength(2);
      const second = await lookup(`q=${encodeURIComponent('ささき')}&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const numbers = [...first.body.items, ...second.body.items].map((r: { caseNumber: string }) => r.caseNumber);
      expect(numbers).toEqual([...numbers].sort());
    });

    it('records each look-up as audit.lookup with the ids returned, and never the search text', async () => {
      const q = 'ﾔﾏﾀﾞ';
      const res = await lookup(`q=${encodeURIComponent(q)}`);
      const events = await eventsOfRequest(t, rid(res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'audit.lookup',
        resource_type: 'recipient',
        actor_user_id: auditor.id,
        actor_organisation_id: auditor.organisationId,
        recipient_ids: [yamada.id],
        outcome: 'allowed',
      });
      expect(events[0].details).toEqual({ by: ['q'], count: 1 });
      const byNumber = await lookup(`caseNumber=${takahashi.caseNumber}`);
      expect((await eventsOfRequest(t, rid(byNumber)))[0].details).toEqual({ by: ['caseNumber'], count: 1 });
      // The look-up shows up among the accesses to that recipient.
      const accesses = await t.get(`/audit-events?recipientId=${yamada.id}&action=audit.lookup`, auditor.token);
      expect(accesses.body.items.map((e: { requestId: string }) => e.requestId)).toContain(rid(res));
      const stored = (await t.ownerQuery(`SELECT row_to_json(e)::text AS json FROM audit_events e`)).map((r) => r.json).join('\n');
      for (const haystack of [stored, t.logLines.join('\n')]) {
        expect(haystack).not.toContain(q);
        expect(haystack).not.toContain('ﾔﾏﾀﾞ');
      }
    });

    it('is for auditors only: 401 without a token, 403 ROLE_FORBIDDEN for caseworkers, org_admins and system_admins (recorded)', async () => {
      expectError(await t.get(`/audit/recipients?q=x`), 401, 'UNAUTHENTICATED');
      for (const role of ['caseworker', 'org_admin', 'system_admin'] as const) {
        const other = await t.actor(role);
        const res = await t.get(`/audit/recipients?caseNumber=${yamada.caseNumber}`, other.token);
        expectError(res, 403, 'ROLE_FORBIDDEN');
        expect(res.text).not.toContain('山田');
        expect(await eventsOfRequest(t, rid(res))).toMatchObject([{ action: 'audit.lookup', outcome: 'denied', actor_user_id: other.id }]);
      }
      // The lead organisation's own caseworker gets no side door either.
      expectError(await t.get(`/audit/recipients?q=${encodeURIComponent('山田')}`, lead.token), 403, 'ROLE_FORBIDDEN');
    });

    it('refuses a look-up without q or caseNumber, a blank or too long q, unknown parameters and a bad cursor (400)', async () => {
      for (const query of ['', 'q=', 'q=%20%20', `q=${'あ'.repeat(101)}`, 'caseNumber=', 'familyName=x', 'limit=0']) {
        expectError(await t.get(`/audit/recipients?${query}`, auditor.token), 400, 'VALIDATION_FAILED');
      }
      expectError(await t.get(`/audit/recipients?q=x&cursor=garbage`, auditor.token), 400, 'INVALID_CURSOR');
    });
  });

  describe('GET /audit/users', () => {
    let sato: Awaited<ReturnType<TestApp['user']>>;
    let orgName: string;

    beforeAll(async () => {
      orgName = '三条市 福祉課 監査テスト';
      const org = await t.organisation('welfare_office', orgName);
      sato = await t.user(org, 'caseworker', 'Sato.Hanako');
      await t.dataSource.query(`UPDATE users SET display_name = '佐藤　花子' WHERE id = $1`, [sato.id]);
    });

    const users = async (query: string, token = auditor.token) => {
      const res = await t.get(`/audit/users?${query}`, token);
      expect(res.status).toBe(200);
      return res;
    };

    it('finds staff by part of the login id (any case) or of the display name (any width, spaces ignored)', async () => {
      for (const q of ['sato', 'HANAKO', '佐藤', '佐藤 花子', '佐藤花子']) {
        expect((await users(`q=${encodeURIComponent(q)}`)).body.items.map((u: { id: string }) => u.id)).toEqual([sato.id]);
      }
      const exact = await users('loginId=SATO.HANAKO');
      expect(exact.body.items).toEqual([
        { id: sato.id, loginId: 'Sato.Hanako', displayName: '佐藤　花子', organisationId: sato.organisationId, organisationName: orgName, role: 'caseworker', active: true },
      ]);
      expect((await users('loginId=sato.hanak')).body.items).toEqual([]);
      expect((await users(`organisationId=${sato.organisationId}`)).body.items.map((u: { id: string }) => u.id)).toEqual([sato.id]);
      expect(exact.text).not.toMatch(/password/i);
    });

    it('records the look-up with the user ids returned, not the search text', async () => {
      const res = await users(`q=${encodeURIComponent('佐藤')}`);
      const events = await eventsOfRequest(t, rid(res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'audit.lookup', resource_type: 'user', actor_user_id: auditor.id, outcome: 'allowed' });
      expect(events[0].details).toEqual({ by: ['q'], count: 1, userIds: [sato.id] });
      expect(JSON.stringify(events[0])).not.toContain('佐藤');
    });

    it('is for auditors only (403 ROLE_FORBIDDEN for the other roles) and validates its input', async () => {
      for (const role of ['caseworker', 'org_admin', 'system_admin'] as const) {
        const other = await t.actor(role);
        expectError(await t.get('/audit/users?q=sato', other.token), 403, 'ROLE_FORBIDDEN');
      }
      expectError(await t.get('/audit/users?q=sato'), 401, 'UNAUTHENTICATED');
      for (const query of ['q=', 'q=%20', 'organisationId=nope', 'role=auditor']) {
        expectError(await t.get(`/audit/users?${query}`, auditor.token), 400, 'VALIDATION_FAILED');
      }
      expectError(await t.get('/audit/users?cursor=garbage', auditor.token), 400, 'INVALID_CURSOR');
    });

    it('pages through every user when no filter is given', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await users(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((u: { id: string }) => u.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const [{ count }] = await t.ownerQuery('SELECT count(*)::int AS count FROM users');
      expect(seen).toHaveLength(count);
      expect(new Set(seen).size).toBe(count);
    });
  });
});
