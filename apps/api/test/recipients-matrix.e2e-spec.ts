import { FIELD_GROUPS } from '#libs/contracts/index.js';
import { TestApp } from './harness.js';
import { createRecipient, grant, groupsIn } from './recipient-fixtures.js';

/**
 * Every recipient, grant and consent route against every kind of caller: lead caseworker, lead org_admin, a partner
 * with profile.write, a partner with basic only, an ungranted organisation, a revoked and an expired grantee,
 * system_admin, auditor and anonymous. One table, so a gap in it shows.
 */
type Who = 'leadCw' | 'leadAdmin' | 'partnerW' | 'partnerR' | 'stranger' | 'revoked' | 'expired' | 'sysadmin' | 'auditor' | 'anon';
const WHO: Who[] = ['leadCw', 'leadAdmin', 'partnerW', 'partnerR', 'stranger', 'revoked', 'expired', 'sysadmin', 'auditor', 'anon'];
const HIDDEN = { stranger: 404, revoked: 404, expired: 404, sysadmin: 403, auditor: 403, anon: 401 } as const;

describe('recipient, grant and consent routes × callers', () => {
  let t: TestApp;
  const token: Partial<Record<Who, string>> = {};
  const org: Partial<Record<Who, string>> = {};
  let recipientId: string;
  let anyOrg: string;

  beforeAll(async () => {
    t = await TestApp.start();
    const actors: [Who, Parameters<TestApp['actor']>[0], Parameters<TestApp['actor']>[1]][] = [
      ['leadCw', 'caseworker', 'municipal_department'],
      ['partnerW', 'caseworker', 'social_welfare_council'],
      ['partnerR', 'org_admin', 'medical'],
      ['stranger', 'caseworker', 'municipal_department'],
      ['revoked', 'caseworker', 'disability_facility'],
      ['expired', 'org_admin', 'community_support_center'],
      ['sysadmin', 'system_admin', 'other'],
      ['auditor', 'auditor', 'municipal_department'],
    ];
    for (const [who, role, kind] of actors) {
      const a = await t.actor(role, kind);
      token[who] = a.token;
      org[who] = a.organisationId;
    }
    const admin = await t.user(org.leadCw!, 'org_admin');
    token.leadAdmin = await t.tokenFor(admin.id);
    org.leadAdmin = org.leadCw;
    anyOrg = await t.organisation('other');
    recipientId = (await createRecipient(t, token.leadCw!)).id;
    await grant(t, token.leadCw!, recipientId, org.partnerW!, ['basic', 'contact'], ['profile.write', 'notes.read']);
    await grant(t, token.leadCw!, recipientId, org.partnerR!, ['basic']);
    const r = await grant(t, token.leadCw!, recipientId, org.revoked!, ['basic', 'health'], ['profile.write']);
    await t.post(`/recipients/${recipientId}/grants/${r.id}/revoke`, token.leadCw!, { reason: 'x' });
    const e = await grant(t, token.leadCw!, recipientId, org.expired!, ['basic', 'contact'], ['profile.write'], {
      validUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    await t.ownerQuery(`UPDATE grants SET valid_from = now() - interval '1 hour', valid_until = now() - interval '1 second' WHERE id = $1`, [e.id]);
  });
  afterAll(() => t.close());

  const check = async (expected: Record<Who, number>, call: (who: Who) => Promise<{ status: number; text: string }>) => {
    const got: Partial<Record<Who, number>> = {};
    for (const who of WHO) got[who] = (await call(who)).status;
    expect(got).toEqual(expected);
  };
  const tok = (who: Who) => (who === 'anon' ? undefined : token[who]);
  const version = async () => (await t.ownerQuery('SELECT version FROM recipients WHERE id = $1', [recipientId]))[0].version;

  it('GET /recipients: listed for lead and grantees, not for others', async () => {
    const listed: Partial<Record<Who, boolean | number>> = {};
    for (const who of WHO) {
      const res = await t.get('/recipients?limit=200', tok(who));
      listed[who] = res.status === 200 ? res.body.items.some((r: any) => r.id === recipientId) : res.status;
    }
    expect(listed).toEqual({
      leadCw: true, leadAdmin: true, partnerW: true, partnerR: true,
      stranger: false, revoked: false, expired: false, sysadmin: 403, auditor: 403, anon: 401,
    });
  });

  it('GET /recipients/:id: status and exactly the readable groups', async () => {
    const seen: Partial<Record<Who, unknown>> = {};
    for (const who of WHO) {
      const res = await t.get(`/recipients/${recipientId}`, tok(who));
      seen[who] = res.status === 200 ? groupsIn(res.body) : res.status;
    }
    expect(seen).toEqual({
      leadCw: [...FIELD_GROUPS], leadAdmin: [...FIELD_GROUPS], partnerW: ['basic', 'contact'], partnerR: ['basic'], ...HIDDEN,
    });
  });

  it('PATCH /recipients/:id (a contact field)', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 200, partnerR: 403, ...HIDDEN }, async (who) =>
      t.patch(`/recipients/${recipientId}`, tok(who), { phone: `0256-${who}` }, { 'if-match': `"${await version()}"` }),
    );
  });

  it('GET /recipients/:id/history', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 200, partnerR: 200, ...HIDDEN }, (who) =>
      t.get(`/recipients/${recipientId}/history`, tok(who)),
    );
  });

  it('GET /recipients/:id/grants', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 200, partnerR: 200, ...HIDDEN }, (who) =>
      t.get(`/recipients/${recipientId}/grants`, tok(who)),
    );
  });

  it('POST /recipients/:id/grants', async () => {
    await check({ leadCw: 201, leadAdmin: 201, partnerW: 403, partnerR: 403, ...HIDDEN }, (who) =>
      t.post(`/recipients/${recipientId}/grants`, tok(who), {
        granteeOrganisationId: anyOrg,
        fieldGroups: ['basic'],
        legalBasis: 'statute',
        basisReference: 'x',
      }),
    );
  });

  it('POST /recipients/:id/grants/:grantId/revoke', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 403, partnerR: 403, ...HIDDEN }, async (who) => {
      const g = await grant(t, token.leadCw!, recipientId, await t.organisation('other'), ['basic']);
      return t.post(`/recipients/${recipientId}/grants/${g.id}/revoke`, tok(who), { reason: 'x' });
    });
  });

  const consentBody = () => ({
    organisationIds: [anyOrg],
    fieldGroups: ['basic'],
    purpose: 'p',
    obtainedOn: '2026-11-01',
    method: 'verbal',
    signatory: 'self',
  });

  it('GET /recipients/:id/consents', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 403, partnerR: 403, ...HIDDEN }, (who) =>
      t.get(`/recipients/${recipientId}/consents`, tok(who)),
    );
  });

  it('POST /recipients/:id/consents', async () => {
    await check({ leadCw: 201, leadAdmin: 201, partnerW: 403, partnerR: 403, ...HIDDEN }, (who) =>
      t.post(`/recipients/${recipientId}/consents`, tok(who), consentBody()),
    );
  });

  it('POST /recipients/:id/consents/:consentId/withdraw', async () => {
    await check({ leadCw: 200, leadAdmin: 200, partnerW: 403, partnerR: 403, ...HIDDEN }, async (who) => {
      const c = await t.post(`/recipients/${recipientId}/consents`, token.leadCw!, consentBody());
      return t.post(`/recipients/${recipientId}/consents/${c.body.id}/withdraw`, tok(who), {});
    });
  });

  it('GET /grants (the registry): every case role and the auditor; not system_admin or anonymous', async () => {
    await check(
      { leadCw: 200, leadAdmin: 200, partnerW: 200, partnerR: 200, stranger: 200, revoked: 200, expired: 200, sysadmin: 403, auditor: 200, anon: 401 },
      (who) => t.get('/grants', tok(who)),
    );
  });

  it('POST /recipients: by organisation kind and role', async () => {
    await check(
      { leadCw: 201, leadAdmin: 201, partnerW: 403, partnerR: 403, stranger: 201, revoked: 403, expired: 403, sysadmin: 403, auditor: 403, anon: 401 },
      (who) => t.post('/recipients', tok(who), { familyName: '試験', givenName: who }),
    );
  });
});
