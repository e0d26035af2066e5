import { expectError, TestApp } from './harness.js';
import { createRecipient, grant } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('consents: record, list, withdraw (revoking the grants based on them)', () => {
  let t: TestApp;
  let lead: Actor;
  let leadAdmin: Actor;
  let partner: Actor;
  let second: Actor;
  let auditor: Actor;
  let sysadmin: Actor;
  let recipientId: string;
  const path = () => `/recipients/${recipientId}/consents`;
  const consentBody = (extra: Record<string, unknown> = {}) => ({
    organisationIds: [partner.organisationId, second.organisationId],
    fieldGroups: ['basic', 'contact', 'health'],
    purpose: '在宅生活の継続支援のための情報共有',
    obtainedOn: '2026-11-20',
    method: 'written',
    signatory: 'self',
    documentReference: '同意書 No.2026-118',
    ...extra,
  });

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'welfare_office');
    const u = await t.user(lead.organisationId, 'org_admin');
    leadAdmin = { ...u, token: await t.tokenFor(u.id) };
    partner = await t.actor('caseworker', 'community_support_center');
    second = await t.actor('caseworker', 'medical');
    auditor = await t.actor('auditor', 'municipal_department');
    sysadmin = await t.actor('system_admin', 'other');
    recipientId = (await createRecipient(t, lead.token)).id;
  });
  afterAll(() => t.close());

  it('records a consent (201) as lead caseworker and org_admin, audited; lists them', async () => {
    const res = await t.post(path(), lead.token, consentBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      recipientId,
      fieldGroups: ['basic', 'contact', 'health'],
      method: 'written',
      signatory: 'self',
      obtainedOn: '2026-11-20',
      obtainedBy: lead.id,
      withdrawnAt: null,
      version: 1,
    });
    const [event] = await t.auditEvents(`action = 'consent.create' AND resource_id = $1`, [res.body.id]);
    expect(event.recipient_id).toBe(recipientId);
    expect((await t.post(path(), leadAdmin.token, consentBody({ signatory: 'proxy', proxyRelationship: '長女' }))).status).toBe(201);
    const list = await t.get(path(), lead.token);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(await t.auditEvents(`action = 'consent.list' AND actor_user_id = $1`, [lead.id])).toHaveLength(1);
  });

  it('validates (400) and refuses unknown organisations (422)', async () => {
    expectError(await t.post(path(), lead.token, consentBody({ method: 'telepathy' })), 400, 'VALIDATION_FAILED');
    expectError(await t.post(path(), lead.token, consentBody({ signatory: 'proxy' })), 400, 'VALIDATION_FAILED');
    expectError(await t.post(path(), lead.token, consentBody({ organisationIds: [] })), 400, 'VALIDATION_FAILED');
    expectError(await t.post(path(), lead.token, consentBody({ obtainedOn: 'yesterday' })), 400, 'VALIDATION_FAILED');
    expectError(await t.post(path(), lead.token, consentBody({ validUntil: new Date(Date.now() - 1000).toISOString() })), 400, 'VALIDATION_FAILED');
    expectError(
      await t.post(path(), lead.token, consentBody({ organisationIds: ['00000000-0000-4000-8000-000000000000'] })),
      422,
      'REFERENCE_NOT_FOUND',
    );
  });

  it('grants on consent need an active consent covering grantee and groups; the grant ends with the consent', async () => {
    const until = new Date(Date.now() + 24 * 3600_000).toISOString();
    const consent = (await t.post(path(), lead.token, consentBody({ validUntil: until }))).body;
    const grantBody = (extra: Record<string, unknown>) => ({
      granteeOrganisationId: partner.organisationId,
      fieldGroups: ['basic', 'health'],
      permissions: ['notes.read'],
      legalBasis: 'consent',
      consentId: consent.id,
      ...extra,
    });
    const ok = await t.post(`/recipients/${recipientId}/grants`, lead.token, grantBody({ validUntil: new Date(Date.now() + 48 * 3600_000).toISOString() }));
    expect(ok.status).toBe(201);
    expect(ok.body.validUntil).toBe(until);
    expectError(await t.post(`/recipients/${recipientId}/grants`, lead.token, grantBody({ fieldGroups: ['basic', 'care'] })), 422, 'CONSENT_NOT_COVERING');
    const outsider = await t.actor('caseworker', 'other');
    expectError(
      await t.post(`/recipients/${recipientId}/grants`, lead.token, grantBody({ granteeOrganisationId: outsider.organisationId })),
      422,
      'CONSENT_NOT_COVERING',
    );
    const otherRecipient = await createRecipient(t, lead.token, { familyName: '別人', givenName: '一' });
    expectError(
      await t.post(`/recipients/${otherRecipient.id}/grants`, lead.token, grantBody({})),
      422,
      'REFERENCE_NOT_FOUND',
    );
  });

  it('withdrawal revokes every grant based on it in the same transaction; repeat → 409', async () => {
    const consent = (await t.post(path(), lead.token, consentBody())).body;
    const g1 = await grant(t, lead.token, recipientId, partner.organisationId, ['basic', 'contact'], [], { legalBasis: 'consent', consentId: consent.id });
    const g2 = await grant(t, lead.token, recipientId, second.organisationId, ['basic'], [], { legalBasis: 'consent', consentId: consent.id });
    const kept = await grant(t, lead.token, recipientId, second.organisationId, ['basic'], [], { legalBasis: 'entrustment', basisReference: '委託契約 2026-07' });
    const res = await t.post(`${path()}/${consent.id}/withdraw`, lead.token, { reason: '本人の申出' });
    expect(res.status).toBe(200);
    expect(res.body.withdrawnAt).toEqual(expect.any(String));
    const rows = await t.ownerQuery(`SELECT id, revoked_at, revoke_reason FROM grants WHERE id = ANY($1)`, [[g1.id, g2.id, kept.id]]);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[g1.id].revoked_at).not.toBeNull();
    expect(byId[g2.id].revoked_at).not.toBeNull();
    expect(byId[kept.id].revoked_at).toBeNull();
    const [event] = await t.auditEvents(`action = 'consent.withdraw' AND resource_id = $1`, [consent.id]);
    expect(event.details.revokedGrantIds.sort()).toEqual([g1.id, g2.id].sort());
    expect(await t.auditEvents(`action = 'grant.revoke' AND grant_id = ANY($1)`, [[g1.id, g2.id]])).toHaveLength(2);
    expectError(await t.post(`${path()}/${consent.id}/withdraw`, lead.token, {}), 409, 'ALREADY_WITHDRAWN');
    expectError(
      await t.post(`/recipients/${recipientId}/grants`, lead.token, {
        granteeOrganisationId: partner.organisationId,
        fieldGroups: ['basic'],
        legalBasis: 'consent',
        consentId: consent.id,
      }),
      422,
      'CONSENT_NOT_COVERING',
    );
  });

  it('never leaves an active grant on a withdrawn consent when withdrawal and grant creation race', async () => {
    for (let i = 0; i < 8; i++) {
      const consent = (await t.post(path(), lead.token, consentBody())).body;
      const [created, withdrawn] = await Promise.all([
        t.post(`/recipients/${recipientId}/grants`, lead.token, {
          granteeOrganisationId: partner.organisationId,
          fieldGroups: ['basic'],
          legalBasis: 'consent',
          consentId: consent.id,
        }),
        t.post(`${path()}/${consent.id}/withdraw`, lead.token, {}),
      ]);
      expect(withdrawn.status).toBe(200);
      expect([201, 422]).toContain(created.status);
      const active = await t.ownerQuery(`SELECT id FROM grants WHERE consent_id = $1 AND revoked_at IS NULL`, [consent.id]);
      expect(active).toEqual([]);
    }
  });

  it('is for the lead organisation only: grantee 403, stranger 404, auditor/system_admin 403, anonymous 401, unknown consent 404', async () => {
    const consent = (await t.post(path(), lead.token, consentBody())).body;
    await grant(t, lead.token, recipientId, partner.organisationId, ['basic']);
    const stranger = await t.actor('caseworker', 'municipal_department');
    expectError(await t.get(path(), partner.token), 403, 'NOT_LEAD_ORGANISATION');
    expectError(await t.post(path(), partner.token, consentBody()), 403, 'NOT_LEAD_ORGANISATION');
    expectError(await t.post(`${path()}/${consent.id}/withdraw`, partner.token, {}), 403, 'NOT_LEAD_ORGANISATION');
    expectError(await t.get(path(), stranger.token), 404, 'NOT_FOUND');
    expectError(await t.post(path(), stranger.token, consentBody()), 404, 'NOT_FOUND');
    expectError(await t.post(`${path()}/${consent.id}/withdraw`, stranger.token, {}), 404, 'NOT_FOUND');
    for (const who of [auditor, sysadmin]) {
      expectError(await t.get(path(), who.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post(path(), who.token, consentBody()), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post(`${path()}/${consent.id}/withdraw`, who.token, {}), 403, 'ROLE_FORBIDDEN');
    }
    expectError(await t.get(path()), 401, 'UNAUTHENTICATED');
    expectError(await t.post(`${path()}/00000000-0000-4000-8000-000000000000/withdraw`, lead.token, {}), 404, 'NOT_FOUND');
    expectError(await t.post(`${path()}/bad-id/withdraw`, lead.token, {}), 404, 'NOT_FOUND');
  });
});
