import { eventsOfRequest } from './audit-helpers.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT, grant } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

const CANARY_HEALTH = 'CANARY-印刷-健康-3c9d';
const CANARY_ASSISTANCE = 'CANARY-印刷-保護-3c9d';
const SENSITIVE_BODY = 'CANARY-印刷-要配慮記録-3c9d';
const LEAD_ONLY_BODY = 'CANARY-印刷-主担当のみ-3c9d';
const PARTNER_ONLY_BODY = 'CANARY-印刷-包括のみ-3c9d';

describe('GET /recipients/:id/print: the printable record', () => {
  let t: TestApp;
  let lead: Actor;
  let partner: Actor;
  let stranger: Actor;
  let recipientId: string;
  let grantId: string;
  const notes: Record<string, string> = {};
  const rid = (res: { headers: Headers }) => res.headers.get('x-request-id');

  const writeNote = async (token: string, occurredAt: string, sensitivity: string, body: string) => {
    const res = await t.post(`/recipients/${recipientId}/notes`, token, { occurredAt, contactType: 'visit', body, sensitivity });
    if (res.status !== 201) throw new Error(`note: ${res.status} ${res.text}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    partner = await t.actor('caseworker', 'community_support_center');
    stranger = await t.actor('caseworker', 'medical');
    recipientId = (await createRecipient(t, lead.token, { ...FULL_RECIPIENT, healthNotes: CANARY_HEALTH, assistanceCaseworker: CANARY_ASSISTANCE })).id;
    grantId = (await grant(t, lead.token, recipientId, partner.organisationId, ['basic', 'contact'], ['notes.read', 'notes.write'])).id;
    // Written out of order: the printout orders them by when they happened.
    notes.normalLate = await writeNote(lead.token, '2026-04-03T10:00:00+09:00', 'normal', '定期訪問。');
    notes.sensitive = await writeNote(lead.token, '2026-04-01T10:00:00+09:00', 'sensitive', SENSITIVE_BODY);
    notes.leadOnly = await writeNote(lead.token, '2026-04-02T10:00:00+09:00', 'author_org_only', LEAD_ONLY_BODY);
    notes.partnerOnly = await writeNote(partner.token, '2026-03-30T10:00:00+09:00', 'author_org_only', PARTNER_ONLY_BODY);
    notes.normalEarly = await writeNote(partner.token, '2026-03-31T10:00:00+09:00', 'normal', '電話で近況確認。');
    notes.retracted = await writeNote(lead.token, '2026-03-29T10:00:00+09:00', 'normal', '誤記');
    expect((await t.post(`/recipients/${recipientId}/notes/${notes.retracted}/retract`, lead.token, { reason: '誤記のため' })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('a partner prints exactly its screen: the record as GET /recipients/:id, its readable notes oldest first', async () => {
    const res = await t.get(`/recipients/${recipientId}/print`, partner.token);
    expect(res.status).toBe(200);
    const screen = await t.get(`/recipients/${recipientId}`, partner.token);
    expect(res.body.recipient).toEqual(screen.body);
    expect(res.body.notes.map((n: { id: string }) => n.id)).toEqual([notes.partnerOnly, notes.normalEarly, notes.normalLate]);
    // Each note exactly as the notes list shows it to the partner.
    const listed = await t.get(`/recipients/${recipientId}/notes`, partner.token);
    for (const note of res.body.notes) expect(listed.body.items).toContainEqual(note);
    for (const hidden of [CANARY_HEALTH, CANARY_ASSISTANCE, SENSITIVE_BODY, LEAD_ONLY_BODY, '誤記']) expect(res.text).not.toContain(hidden);
    expect(Object.keys(res.body.recipient)).not.toContain('healthNotes');
    expect(res.body.printedBy).toEqual({
      userId: partner.id,
      displayName: 'Test caseworker',
      organisationId: partner.organisationId,
      organisationName: expect.any(String),
    });
    expect(Date.now() - Date.parse(res.body.printedAt)).toBeLessThan(60_000);
    expect(res.body.printedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.body.names.users[lead.id]).toBe('Test caseworker');
    expect(Object.keys(res.body.names.organisations).sort()).toEqual([lead.organisationId, partner.organisationId].sort());
  });

  it('the lead prints every field group and the notes it may read, not the partner’s own ones', async () => {
    const res = await t.get(`/recipients/${recipientId}/print`, lead.token);
    expect(res.status).toBe(200);
    expect(res.body.recipient).toEqual((await t.get(`/recipients/${recipientId}`, lead.token)).body);
    expect(res.body.recipient.healthNotes).toBe(CANARY_HEALTH);
    expect(res.body.notes.map((n: { id: string }) => n.id)).toEqual([notes.normalEarly, notes.sensitive, notes.leadOnly, notes.normalLate]);
    expect(res.text).not.toContain(PARTNER_ONLY_BODY);
  });

  it('writes one recipient.print event with the field groups, legal basis, grant and note ids, and nothing else', async () => {
    const res = await t.get(`/recipients/${recipientId}/print`, partner.token);
    const events = await eventsOfRequest(t, rid(res));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'recipient.print',
      resource_type: 'recipient',
      resource_id: recipientId,
      recipient_id: recipientId,
      actor_user_id: partner.id,
      actor_organisation_id: partner.organisationId,
      legal_basis: 'support_meeting',
      grant_id: grantId,
      outcome: 'allowed',
    });
    expect([...events[0].field_groups].sort()).toEqual(['basic', 'contact']);
    expect(events[0].details).toEqual({ noteIds: [notes.partnerOnly, notes.normalEarly, notes.normalLate] });
    const own = await t.get(`/recipients/${recipientId}/print`, lead.token);
    expect(await eventsOfRequest(t, rid(own))).toMatchObject([{ action: 'recipient.print', legal_basis: 'lead_organisation', grant_id: null }]);
    expect(JSON.stringify(await t.auditEvents())).not.toContain('CANARY');
  });

  it('fails closed: no event, no printout', async () => {
    const runtimeRole = decodeURIComponent(new URL(t.db.url).username);
    await t.ownerQuery(`REVOKE INSERT ON audit_events FROM "${runtimeRole}"`);
    try {
      const res = await t.get(`/recipients/${recipientId}/print`, lead.token);
      expectError(res, 500, 'INTERNAL_ERROR');
      expect(res.text).not.toContain(CANARY_HEALTH);
    } finally {
      await t.ownerQuery(`GRANT INSERT ON audit_events TO "${runtimeRole}"`);
    }
  });

  it('refuses: auditors and system_admins 403 ROLE_FORBIDDEN; invisible, unknown or malformed ids 404; revoked at once', async () => {
    for (const role of ['auditor', 'system_admin'] as const) {
      const other = await t.actor(role);
      const res = await t.get(`/recipients/${recipientId}/print`, other.token);
      expectError(res, 403, 'ROLE_FORBIDDEN');
      expect(await eventsOfRequest(t, rid(res))).toMatchObject([{ action: 'recipient.print', resource_type: 'recipient', outcome: 'denied', actor_user_id: other.id }]);
    }
    expectError(await t.get(`/recipients/${recipientId}/print`), 401, 'UNAUTHENTICATED');
    const hidden = await t.get(`/recipients/${recipientId}/print`, stranger.token);
    expectError(hidden, 404, 'NOT_FOUND');
    expect(await eventsOfRequest(t, rid(hidden))).toMatchObject([{ action: 'recipient.print', outcome: 'denied', recipient_id: recipientId }]);
    expectError(await t.get(`/recipients/01a21d9e-5f3d-7000-ab6a-273b6be675f1/print`, lead.token), 404, 'NOT_FOUND');
    expectError(await t.get(`/recipients/nope/print`, lead.token), 404, 'NOT_FOUND');
    expect((await t.post(`/recipients/${recipientId}/grants/${grantId}/revoke`, lead.token, { reason: '支援終了' })).status).toBe(200);
    expectError(await t.get(`/recipients/${recipientId}/print`, partner.token), 404, 'NOT_FOUND');
  });
});
