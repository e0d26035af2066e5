import { eventsOfRequest } from './audit-helpers.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/** Personal values planted in the record: none may reach an audit event, an export or a log line. */
const CANARY_NAME = 'カナリア';
const CANARY_HEALTH = 'CANARY-健康-91ab 糖尿病';
const CANARY_HEALTH_2 = 'CANARY-健康-91ab 更新後';
const CANARY_PHYSICIAN = 'CANARY-医師-91ab';

describe('audit of recipient data: reads, lists, updates and grants', () => {
  let t: TestApp;
  let lead: Actor;
  let partner: Actor;
  let stranger: Actor;
  let auditor: Actor;
  let recipientId: string;
  let grantId: string;
  const rid = (res: { headers: Headers }) => res.headers.get('x-request-id');

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    partner = await t.actor('caseworker', 'community_support_center');
    stranger = await t.actor('caseworker', 'medical');
    auditor = await t.actor('auditor', 'municipal_department');
    const recipient = await createRecipient(t, lead.token, {
      ...FULL_RECIPIENT,
      familyName: CANARY_NAME,
      healthNotes: CANARY_HEALTH,
      primaryPhysician: CANARY_PHYSICIAN,
    });
    recipientId = recipient.id;
  });
  afterAll(() => t.close());

  it('grant.create: one event with the recipient, the grant, its field groups and legal basis', async () => {
    const res = await t.post(`/recipients/${recipientId}/grants`, lead.token, {
      granteeOrganisationId: partner.organisationId,
      fieldGroups: ['basic', 'health'],
      permissions: ['profile.write'],
      legalBasis: 'support_meeting',
      basisReference: '支援会議 2026-11-20',
    });
    expect(res.status).toBe(201);
    grantId = res.body.id;
    const events = await eventsOfRequest(t, rid(res));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'grant.create',
      actor_user_id: lead.id,
      actor_organisation_id: lead.organisationId,
      recipient_id: recipientId,
      grant_id: grantId,
      field_groups: ['basic', 'health'],
      legal_basis: 'support_meeting',
      outcome: 'allowed',
    });
  });

  it('recipient.read by a granted organisation names the grant, its groups and basis; by the lead, lead_organisation', async () => {
    const res = await t.get(`/recipients/${recipientId}`, partner.token);
    expect(res.status).toBe(200);
    const events = await eventsOfRequest(t, rid(res));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'recipient.read',
      actor_user_id: partner.id,
      actor_organisation_id: partner.organisationId,
      recipient_id: recipientId,
      grant_id: grantId,
      legal_basis: 'support_meeting',
      outcome: 'allowed',
    });
    expect([...events[0].field_groups].sort()).toEqual(['basic', 'health']);

    const own = await t.get(`/recipients/${recipientId}`, lead.token);
    expect(own.status).toBe(200);
    const [leadRead, ...more] = await eventsOfRequest(t, rid(own));
    expect(more).toHaveLength(0);
    expect(leadRead).toMatchObject({ action: 'recipient.read', legal_basis: 'lead_organisation', grant_id: null, recipient_id: recipientId });
  });

  it('recipient.update records the changed field group and names, not values', async () => {
    const current = await t.get(`/recipients/${recipientId}`, partner.token);
    const res = await t.patch(`/recipients/${recipientId}`, partner.token, { healthNotes: CANARY_HEALTH_2 }, { 'if-match': `"${current.body.version}"` });
    expect(res.status).toBe(200);
    const events = await eventsOfRequest(t, rid(res));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'recipient.update',
      actor_user_id: partner.id,
      recipient_id: recipientId,
      grant_id: grantId,
      field_groups: ['health'],
      legal_basis: 'support_meeting',
      outcome: 'allowed',
    });
    expect(events[0].details).toMatchObject({ changedFields: ['healthNotes'] });
  });

  it('recipient.list carries the ids returned, never the search text, and a recipientId filter finds it', async () => {
    const res = await t.get(`/recipients?q=${encodeURIComponent(CANARY_NAME)}`, lead.token);
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { id: string }) => r.id)).toContain(recipientId);
    const events = await eventsOfRequest(t, rid(res));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'recipient.list', actor_user_id: lead.id, outcome: 'allowed' });
    expect(events[0].recipient_ids).toContain(recipientId);

    const found = await t.get(`/audit-events?recipientId=${recipientId}&action=recipient.list`, auditor.token);
    expect(found.status).toBe(200);
    expect(found.body.items.map((e: { id: string }) => e.id)).toContain(events[0].id);
    const all = await t.get(`/audit-events?recipientId=${recipientId}`, auditor.token);
    expect(new Set(all.body.items.map((e: { action: string }) => e.action))).toEqual(
      new Set(['recipient.create', 'grant.create', 'recipient.read', 'recipient.update', 'recipient.list']),
    );
  });

  it('a refused read is recorded as denied against the recipient', async () => {
    const res = await t.get(`/recipients/${recipientId}`, stranger.token);
    expectError(res, 404, 'NOT_FOUND');
    expect(await eventsOfRequest(t, rid(res))).toMatchObject([
      { action: 'recipient.read', actor_user_id: stranger.id, recipient_id: recipientId, outcome: 'denied' },
    ]);
  });

  it('fails closed: a read or a list whose event cannot be stored is answered 500, without the data', async () => {
    const runtimeRole = decodeURIComponent(new URL(t.db.url).username);
    await t.ownerQuery(`REVOKE INSERT ON audit_events FROM "${runtimeRole}"`);
    try {
      const read = await t.get(`/recipients/${recipientId}`, lead.token);
      expectError(read, 500, 'INTERNAL_ERROR');
      const list = await t.get('/recipients', lead.token);
      expectError(list, 500, 'INTERNAL_ERROR');
      for (const res of [read, list]) expect(res.text).not.toContain(recipientId);
    } finally {
      await t.ownerQuery(`GRANT INSERT ON audit_events TO "${runtimeRole}"`);
    }
    expect((await t.get(`/recipients/${recipientId}`, lead.token)).status).toBe(200);
  });

  it('no personal value and no search text reaches an event, the CSV export or a log line', async () => {
    const rows = await t.ownerQuery(`SELECT row_to_json(e)::text AS json FROM audit_events e`);
    const csv = await t.get('/audit-events?format=csv', auditor.token);
    expect(csv.status).toBe(200);
    const json = await t.get(`/audit-events?recipientId=${recipientId}&limit=200`, auditor.token);
    for (const haystack of [rows.map((r) => r.json).join('\n'), csv.text, json.text, t.logLines.join('\n')]) {
      for (const canary of [CANARY_NAME, 'CANARY-健康', 'CANARY-医師', '91ab', encodeURIComponent(CANARY_NAME)]) {
        expect(haystack).not.toContain(canary);
      }
    }
    expect(t.logLines.length).toBeGreaterThan(0);
  });
});
