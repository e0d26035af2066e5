import { expectError, TestApp } from './harness.js';
import { createRecipient, grant, groupsIn } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('grants: create, revoke, list, registry', () => {
  let t: TestApp;
  let lead: Actor;
  let leadAdmin: Actor;
  let partner: Actor;
  let other: Actor;
  let auditor: Actor;
  let sysadmin: Actor;
  let recipientId: string;
  const path = () => `/recipients/${recipientId}/grants`;
  const body = (extra: Record<string, unknown> = {}) => ({
    granteeOrganisationId: partner.organisationId,
    fieldGroups: ['basic', 'contact'],
    permissions: ['notes.read'],
    legalBasis: 'support_meeting',
    basisReference: '支援会議 2026-11-20',
    ...extra,
  });

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    const u = await t.user(lead.organisationId, 'org_admin');
    leadAdmin = { ...u, token: await t.tokenFor(u.id) };
    partner = await t.actor('caseworker', 'community_support_center');
    other = await t.actor('caseworker', 'medical');
    auditor = await t.actor('auditor', 'municipal_department');
    sysadmin = await t.actor('system_admin', 'other');
    recipientId = (await createRecipient(t, lead.token)).id;
  });
  afterAll(() => t.close());

  it('lets the lead caseworker and org_admin create grants (201), on every basis, audited', async () => {
    const res = await t.post(path(), lead.token, body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      recipientId,
      granteeOrganisationId: partner.organisationId,
      fieldGroups: ['basic', 'contact'],
      permissions: ['notes.read'],
      legalBasis: 'support_meeting',
      basisReference: '支援会議 2026-11-20',
      consentId: null,
      validUntil: null,
      grantedBy: lead.id,
      revokedAt: null,
      version: 1,
    });
    const [event] = await t.auditEvents(`action = 'grant.create' AND resource_id = $1`, [res.body.id]);
    expect(event).toMatchObject({ grant_id: res.body.id, legal_basis: 'support_meeting', recipient_id: recipientId });
    for (const legalBasis of ['care_meeting', 'child_council', 'entrustment', 'statute']) {
      expect((await t.post(path(), leadAdmin.token, body({ legalBasis, granteeOrganisationId: other.organisationId }))).status).toBe(201);
    }
    const in48h = new Date(Date.now() + 48 * 3600_000).toISOString();
    expect((await t.post(path(), lead.token, body({ legalBasis: 'vital_interest', validUntil: in48h }))).status).toBe(201);
  });

  it('reads a bare validUntil date as the end of that day in Japan time; a past day is refused', async () => {
    const res = await t.post(path(), lead.token, body({ validUntil: '2099-03-31' }));
    expect(res.status).toBe(201);
    expect(res.body.validUntil).toBe('2099-03-31T15:00:00.000Z');
    expectError(await t.post(path(), lead.token, body({ validUntil: '2026-01-01' })), 400, 'VALIDATION_FAILED');
    expectError(await t.post(path(), lead.token, body({ validUntil: '2099-02-30' })), 400, 'VALIDATION_FAILED');
  });

  it('validates the rules: basic required, basisReference, vital_interest window, validUntil in the future and after validFrom', async () => {
    const cases: Record<string, unknown>[] = [
      { fieldGroups: ['contact'] },
      { basisReference: undefined },
      { legalBasis: 'consent', basisReference: undefined },
      { legalBasis: 'vital_interest' },
      { legalBasis: 'vital_interest', validUntil: new Date(Date.now() + 73 * 3600_000).toISOString() },
      { validUntil: new Date(Date.now() - 1000).toISOString() },
      { validFrom: new Date(Date.now() + 7200_000).toISOString(), validUntil: new Date(Date.now() + 3600_000).toISOString() },
      { fieldGroups: ['basic', 'secret'] },
      { permissions: ['notes.delete'] },
      { legalBasis: 'whim' },
      { consentId: '00000000-0000-4000-8000-000000000000' },
      { extra: 1 },
    ];
    for (const c of cases) expectError(await t.post(path(), lead.token, body(c)), 400, 'VALIDATION_FAILED');
  });

  it('422 REFERENCE_NOT_FOUND for an unknown grantee or consent; 422 for granting the lead organisation', async () => {
    expectError(await t.post(path(), lead.token, body({ granteeOrganisationId: '00000000-0000-4000-8000-000000000000' })), 422, 'REFERENCE_NOT_FOUND');
    expectError(
      await t.post(path(), lead.token, body({ legalBasis: 'consent', basisReference: undefined, consentId: '00000000-0000-4000-8000-000000000000' })),
      422,
      'REFERENCE_NOT_FOUND',
    );
    expectError(await t.post(path(), lead.token, body({ granteeOrganisationId: lead.organisationId })), 422, 'UNPROCESSABLE');
  });

  it('refuses grantees (403), strangers (404), auditor/system_admin (403), anonymous (401)', async () => {
    expectError(await t.post(path(), partner.token, body({ granteeOrganisationId: other.organisationId })), 403, 'NOT_LEAD_ORGANISATION');
    const stranger = await t.actor('caseworker', 'municipal_department');
    expectError(await t.post(path(), stranger.token, body()), 404, 'NOT_FOUND');
    expectError(await t.post(path(), auditor.token, body()), 403, 'ROLE_FORBIDDEN');
    expectError(await t.post(path(), sysadmin.token, body()), 403, 'ROLE_FORBIDDEN');
    expectError(await t.post(path(), undefined, body()), 401, 'UNAUTHENTICATED');
    expectError(await t.post(`/recipients/00000000-0000-4000-8000-000000000000/grants`, lead.token, body()), 404, 'NOT_FOUND');
    const denied = await t.auditEvents(`action = 'grant.create' AND outcome = 'denied' AND actor_user_id = $1`, [partner.id]);
    expect(denied).toHaveLength(1);
  });

  it('revokes at once (200), 409 ALREADY_REVOKED on repeat, refuses non-lead (403/404), unknown grant 404', async () => {
    const revokee = await t.actor('caseworker', 'disability_facility');
    const g = await grant(t, lead.token, recipientId, revokee.organisationId, ['basic']);
    expect((await t.get(`/recipients/${recipientId}`, revokee.token)).status).toBe(200);
    expectError(await t.post(`${path()}/${g.id}/revoke`, revokee.token, { reason: 'x' }), 403, 'NOT_LEAD_ORGANISATION');
    expectError(await t.post(`${path()}/${g.id}/revoke`, lead.token, {}), 400, 'VALIDATION_FAILED');
    const res = await t.post(`${path()}/${g.id}/revoke`, lead.token, { reason: '支援終了' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revokedBy: lead.id, revokeReason: '支援終了', version: 2, active: false });
    expect(res.body.revokedAt).toEqual(expect.any(String));
    expectError(await t.get(`/recipients/${recipientId}`, revokee.token), 404, 'NOT_FOUND');
    expectError(await t.post(`${path()}/${g.id}/revoke`, lead.token, { reason: 'again' }), 409, 'ALREADY_REVOKED');
    expectError(await t.post(`${path()}/${g.id}/revoke`, revokee.token, { reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await t.post(`${path()}/00000000-0000-4000-8000-000000000000/revoke`, lead.token, { reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await t.post(`${path()}/${g.id}/revoke`, auditor.token, { reason: 'x' }), 403, 'ROLE_FORBIDDEN');
    expectError(await t.post(`${path()}/${g.id}/revoke`, undefined, { reason: 'x' }), 401, 'UNAUTHENTICATED');
    const [event] = await t.auditEvents(`action = 'grant.revoke' AND outcome = 'allowed' AND grant_id = $1`, [g.id]);
    expect(event.recipient_id).toBe(recipientId);
  });

  it('lists all grants to the lead, only its own to a grantee; 404 stranger; 403 roles; 401', async () => {
    const all = await t.get(path(), lead.token);
    expect(all.status).toBe(200);
    expect(new Set(all.body.items.map((g: any) => g.granteeOrganisationId)).size).toBeGreaterThan(1);
    const own = await t.get(path(), partner.token);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((g: any) => g.granteeOrganisationId === partner.organisationId)).toBe(true);
    const paged = await t.get(`${path()}?limit=2`, lead.token);
    const next = await t.get(`${path()}?limit=2&cursor=${paged.body.nextCursor}`, lead.token);
    expect(next.body.items[0].id).toBe(all.body.items[2].id);
    const stranger = await t.actor('caseworker', 'municipal_department');
    expectError(await t.get(path(), stranger.token), 404, 'NOT_FOUND');
    expectError(await t.get(path(), auditor.token), 403, 'ROLE_FORBIDDEN');
    expectError(await t.get(path(), sysadmin.token), 403, 'ROLE_FORBIDDEN');
    expectError(await t.get(path()), 401, 'UNAUTHENTICATED');
    const events = await t.auditEvents(`action = 'grant.list' AND actor_user_id = $1 AND outcome = 'allowed'`, [partner.id]);
    expect(events).toHaveLength(1);
  });

  it('GET /grants: own organisation for caseworkers, all for auditors, 403 for system_admin and other orgs, 401 anonymous', async () => {
    const own = await t.get('/grants', partner.token);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((g: any) => g.granteeOrganisationId === partner.organisationId)).toBe(true);
    expect((await t.get(`/grants?granteeOrganisationId=${partner.organisationId}`, partner.token)).status).toBe(200);
    expectError(await t.get(`/grants?granteeOrganisationId=${other.organisationId}`, partner.token), 403, 'ORGANISATION_FORBIDDEN');
    const audit = await t.get(`/grants?granteeOrganisationId=${other.organisationId}`, auditor.token);
    expect(audit.status).toBe(200);
    expect(audit.body.items.every((g: any) => g.granteeOrganisationId === other.organisationId)).toBe(true);
    const everything = await t.get('/grants?limit=200', auditor.token);
    expect(new Set(everything.body.items.map((g: any) => g.granteeOrganisationId)).size).toBeGreaterThan(2);
    expectError(await t.get('/grants', sysadmin.token), 403, 'ROLE_FORBIDDEN');
    expectError(await t.get('/grants'), 401, 'UNAUTHENTICATED');
    expectError(await t.get('/grants?cursor=zzz', auditor.token), 400, 'INVALID_CURSOR');
  });

  it('treats a revoked and an expired grantee like a stranger on every grant and consent route (404)', async () => {
    const revokedOrg = await t.actor('caseworker', 'disability_facility');
    const expiredOrg = await t.actor('org_admin', 'disability_consultation');
    const g1 = await grant(t, lead.token, recipientId, revokedOrg.organisationId, ['basic'], ['notes.read']);
    await t.post(`${path()}/${g1.id}/revoke`, lead.token, { reason: 'x' });
    const g2 = await grant(t, lead.token, recipientId, expiredOrg.organisationId, ['basic'], [], {
      validUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    await t.ownerQuery(`UPDATE grants SET valid_from = now() - interval '1 hour', valid_until = now() - interval '1 second' WHERE id = $1`, [g2.id]);
    for (const who of [revokedOrg, expiredOrg]) {
      expectError(await t.get(path(), who.token), 404, 'NOT_FOUND');
      expectError(await t.post(path(), who.token, body({ granteeOrganisationId: other.organisationId })), 404, 'NOT_FOUND');
      expectError(await t.post(`${path()}/${g1.id}/revoke`, who.token, { reason: 'x' }), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/${recipientId}/consents`, who.token), 404, 'NOT_FOUND');
      // The registry still lists the organisation's own (ended) grants: it is the record of what was shared with it.
      const registry = await t.get('/grants', who.token);
      expect(registry.body.items.map((g: any) => g.active)).toEqual([false]);
    }
  });

  it('a grant with notes/profile permissions shows up in access.permissions and groups', async () => {
    const w = await t.actor('caseworker', 'care_management_office');
    await grant(t, lead.token, recipientId, w.organisationId, ['basic', 'care'], ['notes.read', 'notes.write', 'profile.write']);
    const res = await t.get(`/recipients/${recipientId}`, w.token);
    expect(res.body.access).toEqual({ fieldGroups: ['basic', 'care'], permissions: ['notes.read', 'notes.write', 'profile.write'] });
    expect(groupsIn(res.body)).toEqual(['basic', 'care']);
  });
});
