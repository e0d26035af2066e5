import { SignJWT } from 'jose';
import { AuditService } from '#libs/audit/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient } from './recipient-fixtures.js';

const SECRET = 'test-secret-test-secret-test-secret-0001';

/** Poisoned and malformed input: refused at the edge with a 4xx, never a 500, never at another request's cost. */
describe('input at the edge', () => {
  let t: TestApp;
  let lead: Awaited<ReturnType<TestApp['actor']>>;
  let auditor: Awaited<ReturnType<TestApp['actor']>>;
  let admin: Awaited<ReturnType<TestApp['actor']>>;
  let recipientId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker');
    auditor = await t.actor('auditor');
    admin = await t.actor('system_admin');
    recipientId = (await createRecipient(t, lead.token)).id;
    const note = await t.post(`/recipients/${recipientId}/notes`, lead.token, {
      occurredAt: '2026-11-20T10:30:00+09:00',
      contactType: 'visit',
      body: '訪問',
      sensitivity: 'normal',
    });
    expect(note.status).toBe(201);
  });
  afterAll(() => t?.close());

  describe('one bad request breaks no other', () => {
    it('poisoned anonymous requests amid legitimate reads: every read 200, each poisoned one a 4xx with its denial audited', async () => {
      const poisonedPaths = [`/recipients/%00`, `/recipients/${recipientId}%00`, `/recipients/a%00b/notes`, `/users/%00`];
      const legit = Array.from({ length: 60 }, () => t.get(`/recipients/${recipientId}`, lead.token));
      const poisoned = Array.from({ length: 60 }, (_, i) =>
        t.get(poisonedPaths[i % poisonedPaths.length], undefined, { 'user-agent': `probe-\u00ff-${'x'.repeat(600)}` }),
      );
      const [reads, refused] = await Promise.all([Promise.all(legit), Promise.all(poisoned)]);
      expect(reads.map((r) => r.status)).toEqual(reads.map(() => 200));
      for (const res of refused) expectError(res, 401, 'UNAUTHENTICATED');
      const ids = refused.map((r) => r.body.requestId);
      const events = await t.auditEvents('request_id = ANY($1)', [ids]);
      expect(events).toHaveLength(ids.length);
      for (const e of events) {
        expect(e.outcome).toBe('denied');
        expect(e.user_agent.length).toBeLessThanOrEqual(512);
        if (e.resource_id !== null) expect(e.resource_id).not.toContain('\u0000');
      }
      // The NUL of the path is stored as U+FFFD, deterministically.
      expect(events.some((e) => e.resource_id === '\uFFFD')).toBe(true);
    });

    it('an authenticated poisoned read is a 400, audited in sanitized form, and the reads around it are answered', async () => {
      const [bad, good] = await Promise.all([
        t.get(`/recipients/%00${'z'.repeat(50)}`, lead.token),
        t.get(`/recipients/${recipientId}`, lead.token),
      ]);
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.details[0]).toMatchObject({ field: 'path.id', constraint: 'storableCharacters' });
      expect(good.status).toBe(200);
      const [event] = await t.auditEvents('request_id = $1', [bad.body.requestId]);
      expect(event).toMatchObject({ outcome: 'error', action: 'recipient.read' });
    });

    it('a group commit isolates a row the database refuses: only that event fails', async () => {
      const audit = t.app.get(AuditService);
      const actor = { userId: lead.id, organisationId: lead.organisationId, requestId: uuidv7(), ip: '127.0.0.1', userAgent: 'x' };
      // The first event starts a commit; the rest gather into the next batch, the broken one among them.
      const results = await Promise.allSettled([
        ...Array.from({ length: 10 }, () => audit.recordAlone(actor, { action: 'recipient.read', resourceType: 'recipient' })),
        audit.recordAlone(actor, { action: 'recipient.read', resourceType: 'recipient', outcome: 'bogus' as never }),
        ...Array.from({ length: 10 }, () => audit.recordAlone(actor, { action: 'recipient.read', resourceType: 'recipient' })),
      ]);
      expect(results.map((r) => r.status)).toEqual([...Array(10).fill('fulfilled'), 'rejected', ...Array(10).fill('fulfilled')]);
      expect(await t.auditEvents('request_id = $1', [actor.requestId])).toHaveLength(20);
    });

    it('stores unstorable audit values deterministically: NUL and lone surrogates as U+FFFD, long text cut with …', async () => {
      const audit = t.app.get(AuditService);
      const requestId = uuidv7();
      const actor = { requestId: `${requestId}\u0000`, ip: '127.0.0.1', userAgent: `a\ud800b\u0000c${'d'.repeat(1000)}` };
      await audit.recordAlone(actor, {
        action: 'request.denied',
        resourceType: 'recipient',
        resourceId: '\udc00x\u0000',
        recipientId: 'not-a-uuid',
        outcome: 'denied',
        details: { 'k\u0000': ['v\ud800', { deep: 'x'.repeat(2000) }] },
      });
      const [event] = await t.auditEvents('request_id = $1', [`${requestId}\uFFFD`]);
      expect(event.resource_id).toBe('\uFFFDx\uFFFD');
      expect(event.recipient_id).toBeNull();
      expect(event.user_agent).toBe(`a\uFFFDb\uFFFDc${'d'.repeat(506)}…`);
      expect(Object.keys(event.details)).toEqual(['k\uFFFD']);
      expect(event.details['k\uFFFD'][0]).toBe('v\uFFFD');
      expect(event.details['k\uFFFD'][1].deep).toHaveLength(1000);
    });
  });

  describe('malformed input is a 400, never a 500', () => {
    const lone = '\ud800';
    it('refuses NUL and lone surrogates in bodies (nested, in arrays, in keys), queries and paths', async () => {
      const cases: Array<[string, string, unknown]> = [
        ['POST', '/recipients', { familyName: 'a\u0000', givenName: 'b' }],
        ['POST', '/recipients', { familyName: 'a', givenName: `b${lone}` }],
        ['POST', '/recipients', { familyName: 'a', givenName: 'b', emergencyContacts: [{ name: 'x\u0000' }] }],
        ['POST', '/recipients', { familyName: 'a', givenName: 'b', supportCategories: ['elderly', `x${lone}`] }],
        ['POST', '/recipients', { familyName: 'a', givenName: 'b', ['k\u0000']: 1 }],
        ['POST', `/recipients/${recipientId}/notes`, { occurredAt: '2026-11-20T10:30:00Z', contactType: 'visit', body: '\udc00', sensitivity: 'normal' }],
        ['POST', '/auth/login', { loginId: 'a\u0000', password: 'x' }],
      ];
      for (const [method, path, body] of cases) {
        const res = await t.request(method, path, { token: lead.token, body });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details[0].constraint).toBe('storableCharacters');
      }
      expectError(await t.get('/recipients?q=%00', lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get(`/recipients/${recipientId}/notes?contactType=%00`, lead.token), 400, 'VALIDATION_FAILED');
      const count = await t.ownerQuery(`SELECT count(*)::int AS n FROM recipients`);
      expect(count[0].n).toBe(1);
    });

    it('answers invalid UTF-8 or over-long values in a query or path without a 5xx', async () => {
      // Undecodable query values stay as sent (storable text): a search that finds nothing.
      for (const path of ['/recipients?q=%ED%A0%80', '/recipients?q=%C3']) expect((await t.get(path, lead.token)).status).toBe(200);
      expectError(await t.get('/recipients/%ED%A0%80', lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/recipients/%C3', lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get(`/recipients/${'x'.repeat(500)}`, lead.token), 404, 'NOT_FOUND');
    });

    it('counts lengths as the database does: variation selectors count, astral characters count once', async () => {
      const title = 'a\uFE0F'.repeat(150); // 300 code points; class-validator would count 150
      const res = await t.post(`/recipients/${recipientId}/notes`, lead.token, {
        occurredAt: '2026-11-20T10:30:00+09:00',
        contactType: 'visit',
        title,
        body: 'x',
        sensitivity: 'normal',
      });
      expectError(res, 400, 'VALIDATION_FAILED');
      const astral = await t.post(`/recipients/${recipientId}/notes`, lead.token, {
        occurredAt: '2026-11-20T10:30:00+09:00',
        contactType: 'visit',
        title: '𠮷'.repeat(200),
        body: 'x',
        sensitivity: 'normal',
      });
      expect(astral.status).toBe(201);
      expectError(await t.post('/organisations', admin.token, { name: '葛\u{E0100}'.repeat(101), kind: 'municipal_department' }), 400, 'VALIDATION_FAILED');
    });

    it('accepts exactly YYYY-MM-DD for dates and ISO 8601 with offset for timestamps', async () => {
      const badDates = ['2026-W01-1', '20260101', '2026', '+020260-01-01', '2026-02-30', '0000-01-01', '2026-1-1', '2026-01-01T00:00:00Z'];
      for (const d of badDates) {
        expectError(await t.patch(`/recipients/${recipientId}`, lead.token, { birthDate: d }, { 'if-match': '"1"' }), 400, 'VALIDATION_FAILED');
      }
      const badInstants = ['2026-W01-1', '20260101', '2026', '+020260-01-01T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00+25:00', '2026-01-01 10:00:00Z'];
      for (const v of badInstants) {
        const q = encodeURIComponent(v);
        expectError(await t.get(`/audit-events?from=${q}`, auditor.token), 400, 'VALIDATION_FAILED');
        expectError(await t.get(`/audit-events?to=${q}&format=csv`, auditor.token), 400, 'VALIDATION_FAILED');
        expectError(await t.get(`/recipients/${recipientId}/notes?from=${q}`, lead.token), 400, 'VALIDATION_FAILED');
        expectError(
          await t.post(`/recipients/${recipientId}/notes`, lead.token, { occurredAt: v, contactType: 'visit', body: 'x', sensitivity: 'normal' }),
          400,
          'VALIDATION_FAILED',
        );
        expectError(
          await t.post(`/recipients/${recipientId}/grants`, lead.token, {
            granteeOrganisationId: auditor.organisationId,
            fieldGroups: ['basic'],
            permissions: [],
            legalBasis: 'support_meeting',
            basisReference: 'x',
            validUntil: v,
          }),
          400,
          'VALIDATION_FAILED',
        );
      }
      expect((await t.get(`/audit-events?from=2026-01-01&to=${encodeURIComponent('2099-01-01T00:00:00.123456+14:00')}`, auditor.token)).status).toBe(200);
      const day = await t.get(`/recipients/${recipientId}/notes?from=2026-11-20&to=2026-11-20`, lead.token);
      expect(day.status).toBe(200);
      expect(day.body.items.length).toBeGreaterThan(0);
    });

    it('refuses JSON nested deeper than 32 levels with a 400', async () => {
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      for (const n of [33, 1000, 400_000]) {
        const res = await t.request('POST', '/recipients', { token: lead.token, rawBody: `{"familyName":${deep(n)}}`, headers: { 'content-type': 'application/json' } });
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      const patch = await t.request('PATCH', `/recipients/${recipientId}`, {
        token: lead.token,
        rawBody: `{"emergencyContacts":${deep(50)}}`,
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"1"' },
      });
      expectError(patch, 400, 'VALIDATION_FAILED');
      // Brackets inside strings do not count.
      const ok = await t.post('/recipients', lead.token, { familyName: '['.repeat(100), givenName: 'b' });
      expect(ok.status).toBe(201);
    });

    it('answers a validly signed token whose sub or sid is not a UUID with 401', async () => {
      const sign = (sub: string, sid: unknown) =>
        new SignJWT({ sid, typ: 'access' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(sub)
          .setIssuer('welfare-case-share')
          .setAudience('welfare-case-share/api')
          .setIssuedAt()
          .setExpirationTime('10 min')
          .sign(new TextEncoder().encode(SECRET));
      for (const token of [await sign('x', uuidv7()), await sign(lead.id, 'nope'), await sign(lead.id, 42), await sign(`${lead.id}\u0000`, uuidv7())]) {
        expectError(await t.get('/me', token), 401, 'TOKEN_INVALID');
      }
    });

    it('starts a CSV export only once its first rows are read', async () => {
      const res = await t.get(`/audit-events?format=csv&from=2026-01-01`, auditor.token);
      expect(res.status).toBe(200);
      expect(res.text.replace(/^\uFEFF/, '').startsWith('seq,')).toBe(true);
    });
  });
});
