import { unpackRules } from '@casl/ability/extra';
import { FIELD_GROUPS, type FieldGroup, RECIPIENT_FIELD_GROUPS } from '#libs/contracts/index.js';
import { jstDate } from '#libs/platform/index.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT, grant, groupsIn } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('recipients: create, read, list, update, history under access control', () => {
  let t: TestApp;
  let lead: Actor;
  let leadAdmin: Actor;
  let partner: Actor; // granted basic+contact with profile.write
  let stranger: Actor; // no grant
  let revoked: Actor;
  let expired: Actor;
  let sysadmin: Actor;
  let auditor: Actor;
  let recipient: { id: string; version: number; caseNumber: string };
  const perGroup = new Map<FieldGroup, Actor>();

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    const adminUser = await t.user(lead.organisationId, 'org_admin');
    leadAdmin = { ...adminUser, token: await t.tokenFor(adminUser.id) };
    partner = await t.actor('caseworker', 'social_welfare_council');
    stranger = await t.actor('caseworker', 'community_support_center');
    revoked = await t.actor('caseworker', 'disability_consultation');
    expired = await t.actor('caseworker', 'medical');
    sysadmin = await t.actor('system_admin', 'other');
    auditor = await t.actor('auditor', 'municipal_department');
    recipient = await createRecipient(t, lead.token);
    await grant(t, lead.token, recipient.id, partner.organisationId, ['basic', 'contact'], ['profile.write']);
    const g = await grant(t, lead.token, recipient.id, revoked.organisationId, ['basic', 'health']);
    const rv = await t.post(`/recipients/${recipient.id}/grants/${g.id}/revoke`, lead.token, { reason: '支援終了' });
    expect(rv.status).toBe(200);
    const e = await grant(t, lead.token, recipient.id, expired.organisationId, ['basic', 'care'], [], {
      validUntil: new Date(Date.now() + 3600_000).toISOString(),
    });
    await t.ownerQuery(`UPDATE grants SET valid_from = now() - interval '2 hours', valid_until = now() - interval '1 second' WHERE id = $1`, [e.id]);
    for (const group of FIELD_GROUPS.filter((x) => x !== 'basic')) {
      const a = await t.actor('caseworker', 'disability_facility');
      await grant(t, lead.token, recipient.id, a.organisationId, ['basic', group]);
      perGroup.set(group, a);
    }
    const basicOnly = await t.actor('caseworker', 'care_management_office');
    await grant(t, lead.token, recipient.id, basicOnly.organisationId, ['basic'], ['notes.read']);
    perGroup.set('basic', basicOnly);
  });
  afterAll(() => t.close());

  describe('POST /recipients', () => {
    it('creates as a caseworker of a municipal department: 201, lead org, case number, openedOn today, names as typed', async () => {
      const res = await t.post('/recipients', lead.token, { ...FULL_RECIPIENT, familyName: ' 﨑山　', givenName: 'ﾀﾛｳ' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        leadOrganisationId: lead.organisationId,
        familyName: ' 﨑山　',
        givenName: 'ﾀﾛｳ',
        version: 1,
        openedOn: jstDate(new Date()),
        access: { fieldGroups: [...FIELD_GROUPS], permissions: ['notes.read', 'notes.write', 'profile.write'] },
      });
      expect(res.body.caseNumber).toMatch(/^R\d{4}-\d{6}$/);
      expect(res.body).not.toHaveProperty('searchKey');
      for (const key of ['id', 'createdAt', 'updatedAt']) expect(res.body).toHaveProperty(key);
      const [event] = await t.auditEvents(`action = 'recipient.create' AND resource_id = $1`, [res.body.id]);
      expect(event).toMatchObject({ outcome: 'allowed', legal_basis: 'lead_organisation', recipient_id: res.body.id });
      expect(JSON.stringify(event.details)).not.toContain('﨑山');
    });

    it('creates as an org_admin of a welfare office, and with minimal fields', async () => {
      const office = await t.actor('org_admin', 'welfare_office');
      const res = await t.post('/recipients', office.token, { familyName: '山田', givenName: '花子' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'intake', sex: 'unknown', supportCategories: [], emergencyContacts: [], healthNotes: null });
      expect((await t.post('/recipients', leadAdmin.token, { familyName: '川口', givenName: '修' })).status).toBe(201);
    });

    it('refuses other organisation kinds (403), auditor and system_admin (403 ROLE_FORBIDDEN), anonymous (401)', async () => {
      expectError(await t.post('/recipients', partner.token, { familyName: 'a', givenName: 'b' }), 403, 'ORGANISATION_FORBIDDEN');
      expectError(await t.post('/recipients', auditor.token, { familyName: 'a', givenName: 'b' }), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post('/recipients', sysadmin.token, { familyName: 'a', givenName: 'b' }), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post('/recipients', undefined, { familyName: 'a', givenName: 'b' }), 401, 'UNAUTHENTICATED');
      const denied = await t.auditEvents(`action = 'recipient.create' AND outcome = 'denied' AND actor_user_id = $1`, [auditor.id]);
      expect(denied).toHaveLength(1);
    });

    it('validates: required names, value sets, unknown keys, certificate grades (400); unknown care manager org (422)', async () => {
      expectError(await t.post('/recipients', lead.token, { givenName: 'b' }), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', sex: 'x' }), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', birthDate: '0000-01-01' }), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', nickname: 'c' }), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', leadOrganisationId: partner.organisationId }), 403, 'FIELD_NOT_WRITABLE');
      expectError(
        await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', disabilityCertificates: [{ type: 'intellectual', grade: '3' }] }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', careManagerOrganisationId: '00000000-0000-4000-8000-000000000000' }),
        422,
        'REFERENCE_NOT_FOUND',
      );
    });

    it('answers 409 CONFLICT_DUPLICATE for a case number already in use', async () => {
      const first = await t.post('/recipients', lead.token, { familyName: 'a', givenName: 'b', caseNumber: 'K-2026-1' });
      expect(first.status).toBe(201);
      expectError(await t.post('/recipients', lead.token, { familyName: 'c', givenName: 'd', caseNumber: 'K-2026-1' }), 409, 'CONFLICT_DUPLICATE');
    });
  });

  describe('GET /recipients/:id', () => {
    it('gives the lead caseworker and org_admin every group, with ETag, audited as lead_organisation', async () => {
      for (const who of [lead, leadAdmin]) {
        const res = await t.get(`/recipients/${recipient.id}`, who.token);
        expect(res.status).toBe(200);
        expect(groupsIn(res.body)).toEqual([...FIELD_GROUPS]);
        expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
        const [event] = (await t.auditEvents(`action = 'recipient.read' AND request_id = $1`, [res.headers.get('x-request-id')]));
        expect(event).toMatchObject({ legal_basis: 'lead_organisation', outcome: 'allowed', recipient_id: recipient.id });
        expect(event.field_groups).toEqual([...FIELD_GROUPS]);
      }
    });

    it.each(FIELD_GROUPS.map((g) => [g]))('gives a partner granted basic+%s exactly those groups, keys of others absent', async (group) => {
      const who = perGroup.get(group as FieldGroup)!;
      const res = await t.get(`/recipients/${recipient.id}`, who.token);
      expect(res.status).toBe(200);
      const expected = group === 'basic' ? ['basic'] : ['basic', group];
      expect(groupsIn(res.body)).toEqual(expected);
      expect(res.body.access.fieldGroups).toEqual(expected);
      for (const hidden of FIELD_GROUPS.filter((g) => !expected.includes(g))) {
        for (const field of RECIPIENT_FIELD_GROUPS[hidden]) expect(Object.keys(res.body)).not.toContain(field);
      }
      for (const shown of expected) {
        for (const field of RECIPIENT_FIELD_GROUPS[shown as FieldGroup]) expect(Object.keys(res.body)).toContain(field);
      }
      const [event] = await t.auditEvents(`action = 'recipient.read' AND request_id = $1`, [res.headers.get('x-request-id')]);
      expect(event).toMatchObject({ legal_basis: 'support_meeting' });
      expect(event.grant_id).toBeTruthy();
    });

    it('combines several active grants to one organisation (union of groups and permissions)', async () => {
      const multi = await t.actor('caseworker', 'other');
      await grant(t, lead.token, recipient.id, multi.organisationId, ['basic', 'health'], ['notes.read']);
      await grant(t, lead.token, recipient.id, multi.organisationId, ['basic', 'care'], ['notes.write'], { legalBasis: 'care_meeting' });
      const res = await t.get(`/recipients/${recipient.id}`, multi.token);
      expect(groupsIn(res.body)).toEqual(['basic', 'care', 'health']);
      expect(res.body.access).toEqual({ fieldGroups: ['basic', 'care', 'health'], permissions: ['notes.read', 'notes.write'] });
      const [event] = await t.auditEvents(`action = 'recipient.read' AND request_id = $1`, [res.headers.get('x-request-id')]);
      expect(event.legal_basis).toBe('support_meeting,care_meeting');
    });

    it('answers 404 to an ungranted, a revoked and an expired partner, and for unknown or malformed ids; audits the denial', async () => {
      for (const who of [stranger, revoked, expired]) expectError(await t.get(`/recipients/${recipient.id}`, who.token), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/00000000-0000-4000-8000-000000000000`, lead.token), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/not-a-uuid`, lead.token), 404, 'NOT_FOUND');
      const denied = await t.auditEvents(`action = 'recipient.read' AND outcome = 'denied' AND actor_user_id = $1`, [stranger.id]);
      expect(denied).toHaveLength(1);
      expect(denied[0].recipient_id).toBe(recipient.id);
    });

    it('answers 403 ROLE_FORBIDDEN to auditor and system_admin, 401 to anonymous', async () => {
      expectError(await t.get(`/recipients/${recipient.id}`, auditor.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/recipients/${recipient.id}`, sysadmin.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/recipients/${recipient.id}`), 401, 'UNAUTHENTICATED');
    });

    it('stops a grant the moment it expires (validity is part of the query)', async () => {
      const soon = await t.actor('caseworker', 'other');
      const g = await grant(t, lead.token, recipient.id, soon.organisationId, ['basic'], [], {
        validUntil: new Date(Date.now() + 60_000).toISOString(),
      });
      expect((await t.get(`/recipients/${recipient.id}`, soon.token)).status).toBe(200);
      await t.ownerQuery(`UPDATE grants SET valid_from = now() - interval '1 minute', valid_until = now() - interval '1 second' WHERE id = $1`, [g.id]);
      expectError(await t.get(`/recipients/${recipient.id}`, soon.token), 404, 'NOT_FOUND');
      const list = await t.get('/recipients', soon.token);
      expect(list.body.items).toEqual([]);
    });

    it('ignores a grant whose validFrom lies in the future', async () => {
      const later = await t.actor('caseworker', 'other');
      await grant(t, lead.token, recipient.id, later.organisationId, ['basic'], [], {
        validFrom: new Date(Date.now() + 3600_000).toISOString(),
      } as never);
      expectError(await t.get(`/recipients/${recipient.id}`, later.token), 404, 'NOT_FOUND');
    });
  });

  describe('PATCH /recipients/:id', () => {
    const patch = (who: Actor, body: unknown, version?: number | string) =>
      t.patch(`/recipients/${recipient.id}`, who.token, body, version === undefined ? {} : { 'if-match': `"${version}"` });
    const current = async () => (await t.get(`/recipients/${recipient.id}`, lead.token)).body;

    it('updates as lead with If-Match: merge patch (absent unchanged, null clears, arrays replaced), ETag, history, audit', async () => {
      const before = await current();
      const res = await patch(lead, { phone: null, supportCategories: ['elderly', 'poverty'], healthNotes: '通院 月1回' }, before.version);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: before.version + 1, phone: null, supportCategories: ['elderly', 'poverty'], address: before.address });
      expect(res.headers.get('etag')).toBe(`"${before.version + 1}"`);
      const [event] = await t.auditEvents(`action = 'recipient.update' AND request_id = $1`, [res.headers.get('x-request-id')]);
      expect(event.details.changedFields.sort()).toEqual(['healthNotes', 'phone', 'supportCategories']);
      expect(JSON.stringify(event)).not.toContain('通院');
      const [h] = await t.ownerQuery(`SELECT * FROM recipient_history WHERE recipient_id = $1 AND version = $2`, [recipient.id, res.body.version]);
      expect(h.changes).toEqual(
        expect.arrayContaining([{ field: 'phone', from: before.phone, to: null }, { field: 'healthNotes', from: before.healthNotes, to: '通院 月1回' }]),
      );
      const org2 = await patch(leadAdmin, { status: 'monitoring' }, res.body.version);
      expect(org2.status).toBe(200);
    });

    it('accepts the body as application/merge-patch+json too', async () => {
      const now = await current();
      const res = await t.request('PATCH', `/recipients/${recipient.id}`, {
        token: lead.token,
        rawBody: JSON.stringify({ postalCode: '955-0092' }),
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': `"${now.version}"` },
      });
      expect(res.status).toBe(200);
      expect(res.body.postalCode).toBe('955-0092');
    });

    it('428 without If-Match, 412 with a stale one (body carries the current version)', async () => {
      const now = await current();
      expectError(await patch(lead, { address: 'x' }), 428, 'PRECONDITION_REQUIRED');
      const stale = expectError(await patch(lead, { address: 'x' }, now.version - 1), 412, 'VERSION_CONFLICT');
      expect(stale.version).toBe(now.version);
      expectError(await patch(lead, { address: 'x' }, 'garbage'), 412, 'VERSION_CONFLICT');
    });

    it('refuses leadOrganisationId, caseNumber, openedOn with 403 FIELD_NOT_WRITABLE even for the lead', async () => {
      const now = await current();
      for (const body of [{ leadOrganisationId: partner.organisationId }, { caseNumber: 'X' }, { openedOn: '2020-01-01' }]) {
        expectError(await patch(lead, body, now.version), 403, 'FIELD_NOT_WRITABLE');
      }
      expectError(await patch(lead, { version: 9 }, now.version), 400, 'VALIDATION_FAILED');
      expectError(await patch(lead, { familyName: null }, now.version), 400, 'VALIDATION_FAILED');
    });

    it('lets a partner with profile.write write its granted groups only', async () => {
      const now = await current();
      const ok = await patch(partner, { address: '三条市旭町2-3' }, now.version);
      expect(ok.status).toBe(200);
      expect(groupsIn(ok.body)).toEqual(['basic', 'contact']);
      expectError(await patch(partner, { healthNotes: 'x' }, ok.body.version), 403, 'FIELD_NOT_WRITABLE');
      const [event] = await t.auditEvents(`action = 'recipient.update' AND request_id = $1`, [ok.headers.get('x-request-id')]);
      expect(event.legal_basis).toBe('support_meeting');
    });

    it('refuses a partner without profile.write (403), hides from stranger/revoked/expired (404), roles (403), anonymous (401)', async () => {
      const now = await current();
      expectError(await patch(perGroup.get('health')!, { healthNotes: 'x' }, now.version), 403, 'FIELD_NOT_WRITABLE');
      expectError(await patch(perGroup.get('health')!, {}, now.version), 403, 'GRANT_SCOPE_MISSING');
      for (const who of [stranger, revoked, expired]) expectError(await patch(who, { address: 'x' }, now.version), 404, 'NOT_FOUND');
      expectError(await patch(auditor, { address: 'x' }, now.version), 403, 'ROLE_FORBIDDEN');
      expectError(await patch(sysadmin, { address: 'x' }, now.version), 403, 'ROLE_FORBIDDEN');
      expectError(await t.patch(`/recipients/${recipient.id}`, undefined, { address: 'x' }), 401, 'UNAUTHENTICATED');
    });

    it('lets exactly one of 20 concurrent PATCHes with the same If-Match win; the rest get 412; nothing lost', async () => {
      const r = await createRecipient(t, lead.token, { familyName: '並行', givenName: '試験' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.patch(`/recipients/${r.id}`, lead.token, { address: `addr-${i}` }, { 'if-match': `"${r.version}"` }),
        ),
      );
      const ok = results.filter((x) => x.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((x) => x.status === 412)).toHaveLength(19);
      const after = (await t.get(`/recipients/${r.id}`, lead.token)).body;
      expect(after.version).toBe(r.version + 1);
      expect(after.address).toBe(ok[0].body.address);
      const history = await t.ownerQuery(`SELECT * FROM recipient_history WHERE recipient_id = $1`, [r.id]);
      expect(history).toHaveLength(1);
    });
  });

  describe('GET /recipients/:id/history', () => {
    it('shows the lead every change and a partner only changes to groups it may read', async () => {
      const leadView = await t.get(`/recipients/${recipient.id}/history`, lead.token);
      expect(leadView.status).toBe(200);
      const fields = leadView.body.items.flatMap((e: any) => e.changes.map((c: any) => c.field));
      expect(fields).toEqual(expect.arrayContaining(['healthNotes', 'phone', 'address', 'status']));
      expect(leadView.body.items[0]).toEqual(
        expect.objectContaining({ at: expect.any(String), by: expect.any(String), organisationId: expect.any(String), changes: expect.any(Array) }),
      );
      const partnerView = await t.get(`/recipients/${recipient.id}/history`, partner.token);
      expect(partnerView.status).toBe(200);
      const partnerFields = partnerView.body.items.flatMap((e: any) => e.changes.map((c: any) => c.field));
      expect(partnerFields.length).toBeGreaterThan(0);
      expect(partnerFields).not.toContain('healthNotes');
      expect(JSON.stringify(partnerView.body)).not.toContain('通院');
      const [event] = await t.auditEvents(`action = 'recipient.history_read' AND request_id = $1`, [partnerView.headers.get('x-request-id')]);
      expect(event).toMatchObject({ outcome: 'allowed', recipient_id: recipient.id });
    });

    it('404 for stranger, revoked, expired; 403 for auditor and system_admin; 401 anonymous', async () => {
      for (const who of [stranger, revoked, expired]) expectError(await t.get(`/recipients/${recipient.id}/history`, who.token), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/${recipient.id}/history`, auditor.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/recipients/${recipient.id}/history`, sysadmin.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/recipients/${recipient.id}/history`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /recipients', () => {
    it('lists only what the caller may read, projected per recipient, audited with the ids', async () => {
      const leadList = await t.get('/recipients?limit=200', lead.token);
      expect(leadList.status).toBe(200);
      expect(leadList.body.items.map((r: any) => r.id)).toContain(recipient.id);
      const mine = await t.get('/recipients', partner.token);
      expect(mine.body.items.map((r: any) => r.id)).toEqual([recipient.id]);
      expect(groupsIn(mine.body.items[0])).toEqual(['basic', 'contact']);
      for (const who of [stranger, revoked, expired]) expect((await t.get('/recipients', who.token)).body).toEqual({ items: [], nextCursor: null });
      const [event] = await t.auditEvents(`action = 'recipient.list' AND request_id = $1`, [mine.headers.get('x-request-id')]);
      expect(event.recipient_ids).toEqual([recipient.id]);
    });

    it('orders by updatedAt desc then id, pages with a cursor, filters by status and category, sorts by kana', async () => {
      const org = await t.actor('caseworker', 'welfare_office');
      const made = [];
      for (const [i, kana] of ['さとう', 'あべ', 'わたなべ', 'いとう', 'かとう'].entries()) {
        made.push(await createRecipient(t, org.token, {
          familyName: `名${i}`,
          givenName: '太郎',
          familyNameKana: kana,
          givenNameKana: 'たろう',
          status: i % 2 ? 'active' : 'closed',
          supportCategories: i === 0 ? ['poverty'] : ['elderly'],
        }));
      }
      const page1 = await t.get('/recipients?limit=2', org.token);
      expect(page1.body.items.map((r: any) => r.id)).toEqual([made[4].id, made[3].id]);
      const page2 = await t.get(`/recipients?limit=2&cursor=${page1.body.nextCursor}`, org.token);
      const page3 = await t.get(`/recipients?limit=2&cursor=${page2.body.nextCursor}`, org.token);
      expect([...page2.body.items, ...page3.body.items].map((r: any) => r.id)).toEqual([made[2].id, made[1].id, made[0].id]);
      expect(page3.body.nextCursor).toBeNull();
      expect((await t.get('/recipients?status=active', org.token)).body.items.map((r: any) => r.id)).toEqual([made[3].id, made[1].id]);
      expect((await t.get('/recipients?category=poverty', org.token)).body.items.map((r: any) => r.id)).toEqual([made[0].id]);
      const kana = await t.get('/recipients?sort=kana&limit=3', org.token);
      expect(kana.body.items.map((r: any) => r.familyNameKana)).toEqual(['あべ', 'いとう', 'かとう']);
      const kana2 = await t.get(`/recipients?sort=kana&limit=3&cursor=${kana.body.nextCursor}`, org.token);
      expect(kana2.body.items.map((r: any) => r.familyNameKana)).toEqual(['さとう', 'わたなべ']);
      expect((await t.get('/recipients?q=名3', org.token)).body.items.map((r: any) => r.id)).toEqual([made[3].id]);
      const searched = await t.auditEvents(`action = 'recipient.list' AND actor_user_id = $1`, [org.id]);
      expect(JSON.stringify(searched)).not.toContain('名3');
      expect(t.logLines.join('\n')).not.toContain('名3');
    });

    it('400 for a bad cursor, limit or filter; 403 for auditor and system_admin; 401 anonymous', async () => {
      expectError(await t.get('/recipients?cursor=nope', lead.token), 400, 'INVALID_CURSOR');
      // Well-formed but forged cursors: right shape, values the database could not cast.
      const forge = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
      expectError(await t.get(`/recipients?cursor=${forge(['not a time', recipient.id])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients?cursor=${forge([new Date().toISOString(), 'x'])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients?sort=kana&cursor=${forge(['a', 'b', 'c'])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients?sort=kana&cursor=${forge(['a', 'b'])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients/${recipient.id}/history?cursor=${forge(['1'])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients/${recipient.id}/grants?cursor=${forge([1, 2])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients/${recipient.id}/consents?cursor=${forge(['x', recipient.id])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/grants?cursor=${forge(['2026-01-01', 'nope'])}`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get('/recipients?limit=0', lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/recipients?status=dead', lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/recipients', auditor.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get('/recipients', sysadmin.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get('/recipients'), 401, 'UNAUTHENTICATED');
    });
  });

  it('GET /me carries the recipient rules: lead rule, create, one rule per grant shape', async () => {
    // /me answers packed rules; unpacking gives the raw form back.
    const raw = (rules: any[]) => {
      expect(rules.every((r) => Array.isArray(r))).toBe(true);
      const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
      return (unpackRules(rules as never) as any[]).map((r) => ({ ...r, action: one(r.action), subject: one(r.subject) }));
    };
    const me = await t.get('/me', partner.token);
    const recipientRules = raw(me.body.rules).filter((r: any) => r.subject === 'Recipient');
    expect(recipientRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ conditions: { leadOrganisationId: partner.organisationId } }),
        expect.objectContaining({ action: 'read', fields: ['basic', 'contact'] }),
      ]),
    );
    const leadMe = await t.get('/me', lead.token);
    expect(raw(leadMe.body.rules).some((r: any) => r.subject === 'Recipient' && r.action === 'create')).toBe(true);
    expect(raw((await t.get('/me', auditor.token)).body.rules).some((r: any) => r.subject === 'Recipient')).toBe(false);
  });
});
