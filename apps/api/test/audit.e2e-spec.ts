import { AuditService, chainHash, type EventRow, GENESIS_HASH } from '#libs/audit/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { eventsOfRequest, parseCsv, sealNow } from './audit-helpers.js';
import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

const CSV_HEADER =
  'seq,id,at,atJst,actorUserId,actorOrganisationId,action,resourceType,resourceId,recipientId,recipientIds,outcome,' +
  'fieldGroups,legalBasis,grantId,ip,userAgent,requestId,details,hash,prevHash';

describe('audit log: one event per audited action, auditor API, CSV export', () => {
  let t: TestApp;
  let auditor: Awaited<ReturnType<TestApp['actor']>>;
  let admin: Awaited<ReturnType<TestApp['actor']>>;

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.actor('auditor', 'municipal_department');
    admin = await t.actor('system_admin', 'municipal_department');
  });
  afterAll(() => t.close());

  const rid = (res: { headers: Headers }) => res.headers.get('x-request-id');

  describe('each audited action writes exactly one event', () => {
    it('login and failed login', async () => {
      const orgId = await t.organisation();
      const u = await t.user(orgId);
      const ok = await t.post('/auth/login', undefined, { loginId: u.loginId, password: TEST_PASSWORD });
      expect(ok.status).toBe(200);
      const [login, ...more] = await eventsOfRequest(t, rid(ok));
      expect(more).toHaveLength(0);
      expect(login).toMatchObject({ action: 'auth.login', actor_user_id: u.id, actor_organisation_id: orgId, outcome: 'allowed' });
      expect(login.ip).toBe('127.0.0.1');

      const bad = await t.post('/auth/login', undefined, { loginId: u.loginId, password: 'wrong-password-0001' });
      expectError(bad, 401, 'INVALID_CREDENTIALS');
      const failed = await eventsOfRequest(t, rid(bad));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ action: 'auth.login_failed', outcome: 'denied' });
      expect(JSON.stringify(failed[0])).not.toContain('wrong-password-0001');
    });

    it('user create and update, with the acting administrator and organisation', async () => {
      const orgId = await t.organisation();
      const created = await t.post('/users', admin.token, {
        loginId: `c${uuidv7().slice(-12)}`,
        displayName: 'Created User',
        organisationId: orgId,
        role: 'caseworker',
        password: 'a-long-password-0001',
      });
      expect(created.status).toBe(201);
      const createEvents = await eventsOfRequest(t, rid(created));
      expect(createEvents).toHaveLength(1);
      expect(createEvents[0]).toMatchObject({
        action: 'user.create',
        actor_user_id: admin.id,
        actor_organisation_id: admin.organisationId,
        resource_type: 'user',
        resource_id: created.body.id,
        outcome: 'allowed',
      });
      const updated = await t.patch(`/users/${created.body.id}`, admin.token, { displayName: 'Renamed' }, { 'if-match': '"1"' });
      expect(updated.status).toBe(200);
      const updateEvents = await eventsOfRequest(t, rid(updated));
      expect(updateEvents).toHaveLength(1);
      expect(updateEvents[0]).toMatchObject({ action: 'user.update', actor_user_id: admin.id, resource_id: created.body.id, outcome: 'allowed' });
      expect(updateEvents[0].details).toEqual({ fields: ['displayName'] });
    });

    it('denials: 401, 403 and 404 are each recorded once, as denied, with the route action', async () => {
      const anonymous = await t.get('/audit-events');
      expectError(anonymous, 401, 'UNAUTHENTICATED');
      expect(await eventsOfRequest(t, rid(anonymous))).toMatchObject([{ outcome: 'denied', actor_user_id: null }]);

      const caseworker = await t.actor('caseworker');
      const forbidden = await t.get('/audit-events', caseworker.token);
      expectError(forbidden, 403, 'ROLE_FORBIDDEN');
      const [denial, ...more] = await eventsOfRequest(t, rid(forbidden));
      expect(more).toHaveLength(0);
      expect(denial).toMatchObject({
        action: 'audit.read',
        actor_user_id: caseworker.id,
        actor_organisation_id: caseworker.organisationId,
        outcome: 'denied',
      });
      expect(denial.details).toMatchObject({ status: 403, code: 'ROLE_FORBIDDEN' });

      const orgAdmin = await t.actor('org_admin');
      const stranger = await t.user(await t.organisation());
      const hidden = await t.patch(`/users/${stranger.id}`, orgAdmin.token, { displayName: 'x' }, { 'if-match': '"1"' });
      expectError(hidden, 404, 'NOT_FOUND');
      expect(await eventsOfRequest(t, rid(hidden))).toMatchObject([
        { action: 'user.update', actor_user_id: orgAdmin.id, outcome: 'denied', resource_id: stranger.id },
      ]);
    });
  });

  describe('GET /audit-events', () => {
    it('is for auditors only: 401 without a token, 403 ROLE_FORBIDDEN for every other role (list and verify)', async () => {
      expectError(await t.get('/audit-events'), 401, 'UNAUTHENTICATED');
      expectError(await t.get('/audit-events/verify'), 401, 'UNAUTHENTICATED');
      for (const role of ['caseworker', 'org_admin', 'system_admin'] as const) {
        const other = await t.actor(role);
        expectError(await t.get('/audit-events', other.token), 403, 'ROLE_FORBIDDEN');
        expectError(await t.get('/audit-events?format=csv', other.token), 403, 'ROLE_FORBIDDEN');
        expectError(await t.get('/audit-events/verify', other.token), 403, 'ROLE_FORBIDDEN');
      }
    });

    it('lists sealed events in seq order with the documented shape, each chained to the one before', async () => {
      const res = await t.get('/audit-events?limit=200', auditor.token);
      expect(res.status).toBe(200);
      const { items } = res.body;
      expect(items.length).toBeGreaterThan(3);
      expect(Object.keys(items[0]).sort()).toEqual(
        [
          'id', 'seq', 'at', 'actorUserId', 'actorOrganisationId', 'action', 'resourceType', 'resourceId', 'recipientId',
          'recipientIds', 'outcome', 'fieldGroups', 'legalBasis', 'grantId', 'ip', 'userAgent', 'requestId', 'details',
          'hash', 'prevHash',
        ].sort(),
      );
      expect(items[0].seq).toBe(1);
      expect(items[0].prevHash).toBe('0'.repeat(64));
      for (let i = 1; i < items.length; i++) {
        expect(items[i].seq).toBe(items[i - 1].seq + 1);
        expect(items[i].prevHash).toBe(items[i - 1].hash);
      }
      expect(items[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('filters by actor, organisation, action, outcome, time range, and recipient (list events included)', async () => {
      const audit = t.app.get(AuditService);
      const someone = await t.actor('caseworker');
      const recipient = uuidv7();
      const actor = { userId: someone.id, organisationId: someone.organisationId, requestId: uuidv7(), ip: '10.0.0.1', userAgent: 'test' };
      const read = await audit.recordAlone(actor, { action: 'recipient.read', resourceType: 'recipient', resourceId: recipient, recipientId: recipient, fieldGroups: ['basic'], legalBasis: 'lead_organisation' });
      const list = await audit.recordAlone(actor, { action: 'recipient.list', resourceType: 'recipient', recipientIds: [uuidv7(), recipient] });
      await audit.recordAlone(actor, { action: 'recipient.list', resourceType: 'recipient', recipientIds: [uuidv7()] });
      const denied = await audit.recordAlone(actor, { action: 'recipient.read', resourceType: 'recipient', recipientId: uuidv7(), outcome: 'denied' });

      const ids = async (query: string) => {
        const res = await t.get(`/audit-events?${query}`, auditor.token);
        expect(res.status).toBe(200);
        return res.body.items.map((e: { id: string }) => e.id);
      };
      expect(await ids(`recipientId=${recipient}`)).toEqual([read, list]);
      expect((await ids(`actorUserId=${someone.id}`)).length).toBe(4);
      expect((await ids(`organisationId=${someone.organisationId}`)).length).toBe(4);
      expect(await ids(`actorUserId=${someone.id}&action=recipient.read`)).toEqual([read, denied]);
      expect(await ids(`actorUserId=${someone.id}&outcome=denied`)).toEqual([denied]);
      const [first] = await t.auditEvents('id = $1', [read]);
      const at = (first.at as Date).toISOString();
      expect(await ids(`actorUserId=${someone.id}&to=${at}`)).toEqual([]);
      expect((await ids(`actorUserId=${someone.id}&from=${at}`)).length).toBe(4);
      expect(await ids(`actorUserId=${someone.id}&from=${encodeURIComponent('2020-01-01T00:00:00+09:00')}&to=2020-01-02T00:00:00Z`)).toEqual([]);
    });

    it('pages with a stable cursor, forwards and newest first', async () => {
      const all = (await t.get('/audit-events?limit=200', auditor.token)).body.items.map((e: { seq: number }) => e.seq);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { seq: number }[]; nextCursor: string | null } } = await t.get(
          `/audit-events?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          auditor.token,
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((e) => e.seq));
        cursor = page.body.nextCursor;
      } while (cursor && seen.length < all.length);
      expect(seen.slice(0, all.length)).toEqual(all);
      const newest = await t.get('/audit-events?order=desc&limit=2', auditor.token);
      expect(newest.body.items[0].seq).toBeGreaterThan(newest.body.items[1].seq);
      const older = await t.get(`/audit-events?order=desc&limit=2&cursor=${newest.body.nextCursor}`, auditor.token);
      expect(older.body.items[0].seq).toBe(newest.body.items[1].seq - 1);
    });

    it('refuses bad filters with 400 VALIDATION_FAILED and a bad cursor with 400', async () => {
      for (const query of [
        'actorUserId=nope',
        'organisationId=123',
        'recipientId=x',
        'outcome=maybe',
        'action=DROP%20TABLE',
        'from=yesterday',
        'to=2026-13-01T00:00:00Z',
        'from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
        'format=xml',
        'limit=0',
        'limit=abc',
        'unknown=1',
      ]) {
        const res = await t.get(`/audit-events?${query}`, auditor.token);
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      expectError(await t.get('/audit-events?cursor=garbage', auditor.token), 400, 'INVALID_CURSOR');
      const wrongShape = Buffer.from(JSON.stringify(['x'])).toString('base64url');
      expectError(await t.get(`/audit-events?cursor=${wrongShape}`, auditor.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/audit-events?format=csv&cursor=garbage`, auditor.token), 400, 'INVALID_CURSOR');
    });

    it('audits itself as audit.read with the filter names but not their values', async () => {
      const someone = await t.actor('caseworker');
      const res = await t.get(`/audit-events?actorUserId=${someone.id}&outcome=allowed&limit=5`, auditor.token);
      expect(res.status).toBe(200);
      const events = await eventsOfRequest(t, rid(res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'audit.read',
        actor_user_id: auditor.id,
        actor_organisation_id: auditor.organisationId,
        outcome: 'allowed',
      });
      expect(events[0].details).toMatchObject({ filters: ['actorUserId', 'outcome'], format: 'json' });
      expect(JSON.stringify(events[0])).not.toContain(someone.id);
    });
  });

  describe('CSV export', () => {
    it('streams UTF-8 with a BOM, the documented header, RFC 4180 quoting and formula cells neutralised', async () => {
      const hostile = ['=HYPERLINK("http://x","y")', '+1+2', '-3', '@SUM(A1)', 'agent, with "quotes"'];
      for (const ua of hostile) {
        await t.post('/auth/login', undefined, { loginId: 'nobody', password: 'x' }, { 'user-agent': ua });
      }
      const audit = t.app.get(AuditService);
      const jp = await audit.recordAlone(
        { userId: null, organisationId: null, requestId: uuidv7(), ip: '127.0.0.1', userAgent: '\tTabbed' },
        { action: 'request.denied', resourceType: 'test', resourceId: '高橋 一郎の記録', details: { 説明: '日本語' } },
      );
      const res = await fetch(`${t.baseUrl}/api/v1/audit-events`, { headers: { authorization: `Bearer ${auditor.token}`, accept: 'text/csv' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-events-.*\.csv"$/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);
      expect(text.split('\r\n')[0]).toBe(CSV_HEADER);
      const rows = parseCsv(text);
      const header = rows[0] as string[];
      const col = (name: string) => header.indexOf(name);
      for (const row of rows) expect(row).toHaveLength(header.length);
      const agents = rows.map((row) => row[col('userAgent')]);
      expect(agents).toEqual(expect.arrayContaining([`'=HYPERLINK("http://x","y")`, `'+1+2`, `'-3`, `'@SUM(A1)`, 'agent, with "quotes"', `'\tTabbed`]));
      expect(text).toContain('"\'=HYPERLINK(""http://x"",""y"")"');
      for (const row of rows.slice(1)) {
        for (const cell of row) if (cell !== null) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
      const jpRow = rows.find((row) => row[col('id')] === jp)!;
      expect(jpRow[col('resourceId')]).toBe('高橋 一郎の記録');
      expect(JSON.parse(jpRow[col('details')] ?? 'null')).toEqual({ 説明: '日本語' });
      // The same rows as the JSON list, chained
      const seqs = rows.slice(1).map((row) => Number(row[col('seq')]));
      expect(seqs[0]).toBe(1);
      seqs.forEach((seq, i) => expect(seq).toBe(i + 1));
      for (let i = 2; i < rows.length; i++) expect(rows[i][col('prevHash')]).toBe(rows[i - 1][col('hash')]);
    });

    it('lets an auditor recompute the whole chain from the CSV alone', async () => {
      await t.post('/auth/login', undefined, { loginId: 'nobody-else', password: 'x' }, { 'user-agent': "'already quoted" });
      await t.app.get(AuditService).recordAlone(
        { userId: null, organisationId: null, requestId: uuidv7(), ip: '127.0.0.1', userAgent: '' },
        { action: 'request.denied', resourceType: 'test', resourceId: '', recipientIds: [], fieldGroups: ['basic', 'health'] },
      );
      const res = await t.get('/audit-events?format=csv', auditor.token);
      const rows = parseCsv(res.text.replace(/^\uFEFF/, ''));
      const header = rows[0] as string[];
      const cell = (row: (string | null)[], name: string) => {
        const value = row[header.indexOf(name)];
        return value !== null && value.startsWith("'") ? value.slice(1) : value;
      };
      const list = (value: string | null) => (value === null ? null : value === '' ? [] : value.split(' '));
      let prev = GENESIS_HASH;
      for (const row of rows.slice(1)) {
        const event: EventRow = {
          id: cell(row, 'id')!,
          at: cell(row, 'at')!,
          actor_user_id: cell(row, 'actorUserId'),
          actor_organisation_id: cell(row, 'actorOrganisationId'),
          action: cell(row, 'action')!,
          resource_type: cell(row, 'resourceType')!,
          resource_id: cell(row, 'resourceId'),
          recipient_id: cell(row, 'recipientId'),
          recipient_ids: list(cell(row, 'recipientIds')),
          outcome: cell(row, 'outcome')!,
          field_groups: list(cell(row, 'fieldGroups')),
          legal_basis: cell(row, 'legalBasis'),
          grant_id: cell(row, 'grantId'),
          ip: cell(row, 'ip'),
          user_agent: cell(row, 'userAgent'),
          request_id: cell(row, 'requestId'),
          details: cell(row, 'details'),
        };
        expect(cell(row, 'prevHash')).toBe(prev);
        expect(chainHash(prev, cell(row, 'seq')!, event)).toBe(cell(row, 'hash'));
        prev = cell(row, 'hash')!;
      }
      expect(rows.length).toBeGreaterThan(10);
      const agents = rows.map((row) => cell(row, 'userAgent'));
      expect(agents).toContain("'already quoted");
      expect(agents).toContain('');
    });

    it('honours ?format=csv and the filters, and audits the export with the filter names only', async () => {
      const someone = await t.actor('caseworker');
      await t.get('/me', someone.token);
      const res = await t.get(`/audit-events?format=csv&actorUserId=${someone.id}`, auditor.token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = parseCsv(res.text.replace(/^\uFEFF/, ''));
      expect(rows.length).toBeGreaterThanOrEqual(1);
      const col = rows[0].indexOf('actorUserId');
      expect(rows.slice(1).every((row) => row[col] === someone.id)).toBe(true);
      const events = await eventsOfRequest(t, rid(res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'audit.export', actor_user_id: auditor.id, outcome: 'allowed' });
      expect(events[0].details).toMatchObject({ filters: ['actorUserId'], format: 'csv' });
      expect(JSON.stringify(events[0])).not.toContain(someone.id);
    });

    it('streams a large export in chunks', async () => {
      const audit = t.app.get(AuditService);
      // Events of an organisation that does nothing else: the filter selects exactly these.
      const organisationId = await t.organisation();
      const actor = { userId: null, organisationId, requestId: uuidv7(), ip: '127.0.0.1', userAgent: 'bulk' };
      await Promise.all(Array.from({ length: 1200 }, (_, i) => audit.recordAlone(actor, { action: 'request.denied', resourceType: 'test', resourceId: String(i) })));
      await sealNow(t);
      const res = await fetch(`${t.baseUrl}/api/v1/audit-events?format=csv&organisationId=${organisationId}`, { headers: { authorization: `Bearer ${auditor.token}` } });
      expect(res.headers.get('content-length')).toBeNull();
      const reader = res.body!.getReader();
      let chunks = 0;
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks++;
        text += Buffer.from(value).toString('utf8');
      }
      expect(chunks).toBeGreaterThan(1);
      expect(parseCsv(text.slice(1))).toHaveLength(1201);
    });
  });

  it('fails closed: a change or a read whose event cannot be written does not happen and is not answered', async () => {
    const runtimeRole = decodeURIComponent(new URL(t.db.url).username);
    const orgId = await t.organisation();
    const u = await t.user(orgId);
    await t.ownerQuery(`REVOKE INSERT ON audit_events FROM "${runtimeRole}"`);
    try {
      const update = await t.patch(`/users/${u.id}`, admin.token, { displayName: 'Must not stick' }, { 'if-match': '"1"' });
      expectError(update, 500, 'INTERNAL_ERROR');
      const read = await t.get('/audit-events?limit=1', auditor.token);
      expectError(read, 500, 'INTERNAL_ERROR');
      expect(read.text).not.toContain('"items"');
    } finally {
      await t.ownerQuery(`GRANT INSERT ON audit_events TO "${runtimeRole}"`);
    }
    const [user] = await t.ownerQuery('SELECT display_name, version FROM users WHERE id = $1', [u.id]);
    expect(user).toEqual({ display_name: `Test caseworker`, version: 1 });
    expect((await t.get('/audit-events?limit=1', auditor.token)).status).toBe(200);
  });

  it('never writes personal values or secrets into events, exports or logs', async () => {
    const canaryName = 'カナリア太郎-CANARY-7f3a';
    const canaryPassword = 'canary-password-7f3a-secret';
    const orgId = await t.organisation();
    const created = await t.post('/users', admin.token, {
      loginId: `k${uuidv7().slice(-12)}`,
      displayName: canaryName,
      organisationId: orgId,
      role: 'caseworker',
      password: canaryPassword,
    });
    expect(created.status).toBe(201);
    await t.patch(`/users/${created.body.id}`, admin.token, { displayName: `${canaryName}-2`, password: `${canaryPassword}-2` }, { 'if-match': '"1"' });
    await t.post('/auth/login', undefined, { loginId: created.body.loginId, password: `${canaryPassword}-wrong` });
    const rows = await t.ownerQuery(`SELECT row_to_json(e)::text AS json FROM audit_events e`);
    const csv = await t.get('/audit-events?format=csv&limit=200', auditor.token);
    for (const haystack of [rows.map((r) => r.json).join('\n'), csv.text, t.logLines.join('\n')]) {
      expect(haystack).not.toContain('CANARY-7f3a');
      expect(haystack).not.toContain('canary-password');
    }
  });
});
