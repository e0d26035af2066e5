import { expectError, TestApp, type ApiResponse } from './harness.js';
import { createRecipient, grant } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/**
 * The read path holds no transaction and no cache: what a request is answered is decided by the statements it runs,
 * and a read is answered only once its audit event is stored. These tests hold that under concurrent load.
 */
describe('read path: audited, exact under load', () => {
  let t: TestApp;
  let lead: Actor;
  let sys: Actor;
  let recipientId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    sys = await t.actor('system_admin');
    recipientId = (await createRecipient(t, lead.token)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  /**
   * Keeps `workers` requests in flight until `change` has been answered, then a few rounds more; returns the answers
   * of requests sent after the change was answered (each must see it) and how many were answered before.
   */
  async function underLoad(send: () => Promise<ApiResponse>, change: () => Promise<void>, workers = 8) {
    let changedAt = Number.POSITIVE_INFINITY;
    let answeredBefore = 0;
    const after: ApiResponse[] = [];
    let stop = false;
    const loops = Array.from({ length: workers }, async () => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await send();
        if (sentAt > changedAt) after.push(res);
        else answeredBefore += 1;
      }
    });
    // The change lands while reads are in flight (not before the first ones are answered).
    while (answeredBefore < workers * 2) await new Promise((resolve) => setImmediate(resolve));
    await change();
    changedAt = performance.now();
    while (after.length < workers * 4) await new Promise((resolve) => setImmediate(resolve));
    stop = true;
    await Promise.all(loops);
    return { after, answeredBefore };
  }

  it('a recipient read or list whose audit event cannot be written is not answered (500, no data)', async () => {
    const runtimeRole = decodeURIComponent(new URL(t.db.url).username);
    await t.ownerQuery(`REVOKE INSERT ON audit_events FROM "${runtimeRole}"`);
    try {
      const read = await t.get(`/recipients/${recipientId}`, lead.token);
      expectError(read, 500, 'INTERNAL_ERROR');
      expect(read.text).not.toContain('髙橋');
      const list = await t.get('/recipients', lead.token);
      expectError(list, 500, 'INTERNAL_ERROR');
      expect(list.text).not.toContain('"items"');
    } finally {
      await t.ownerQuery(`GRANT INSERT ON audit_events TO "${runtimeRole}"`);
    }
    expect((await t.get(`/recipients/${recipientId}`, lead.token)).status).toBe(200);
  });

  it('a revoked grant hides the recipient from the very next read and list, with reads in flight', async () => {
    const partner = await t.actor('caseworker', 'community_support_center');
    const g = await grant(t, lead.token, recipientId, partner.organisationId, ['basic', 'health'], ['notes.read']);
    let i = 0;
    const { after, answeredBefore } = await underLoad(
      () => (i++ % 2 === 0 ? t.get(`/recipients/${recipientId}`, partner.token) : t.get('/recipients', partner.token)),
      async () => {
        const res = await t.post(`/recipients/${recipientId}/grants/${g.id}/revoke`, lead.token, { reason: '支援終了' });
        expect(res.status).toBe(200);
      },
    );
    expect(answeredBefore).toBeGreaterThan(0);
    for (const res of after) {
      if (Array.isArray(res.body?.items)) {
        expect(res.status).toBe(200);
        expect(res.body.items.map((r: { id: string }) => r.id)).not.toContain(recipientId);
      } else {
        expectError(res, 404, 'NOT_FOUND');
      }
    }
  });

  it('a logout and a deactivation end the session for the very next request, with reads in flight', async () => {
    const partner = await t.actor('caseworker', 'community_support_center');
    await grant(t, lead.token, recipientId, partner.organisationId);
    const logout = await underLoad(
      () => t.get(`/recipients/${recipientId}`, partner.token),
      async () => {
        expect((await t.post('/auth/logout', partner.token)).status).toBe(204);
      },
    );
    for (const res of logout.after) expectError(res, 401, 'SESSION_ENDED');

    const token = await t.tokenFor(partner.id);
    const deactivation = await underLoad(
      () => t.get(`/recipients/${recipientId}`, token),
      async () => {
        const res = await t.patch(`/users/${partner.id}`, sys.token, { active: false }, { 'if-match': '"1"' });
        expect(res.status).toBe(200);
      },
    );
    for (const res of deactivation.after) expectError(res, 401, 'SESSION_ENDED');
  });
});
