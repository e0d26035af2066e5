import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/** What the administration screen reads: last logins, and organisations whatever their state. */
describe('administration: last login and organisation state', () => {
  let t: TestApp;
  let sys: Actor;

  beforeAll(async () => {
    t = await TestApp.start();
    sys = await t.actor('system_admin');
  });
  afterAll(() => t.close());

  it('a user answer shows its last login: null before the first, the time of the latest after', async () => {
    const org = await t.organisation();
    const created = await t.post('/users', sys.token, {
      loginId: 'last.login.user',
      displayName: '最終 ログイン',
      organisationId: org,
      role: 'caseworker',
      password: TEST_PASSWORD,
    });
    expect(created.status).toBe(201);
    expect(created.body.lastLoginAt).toBeNull();
    const before = Date.now();
    expect((await t.post('/auth/login', undefined, { loginId: 'last.login.user', password: TEST_PASSWORD })).status).toBe(200);
    const one = await t.get(`/users/${created.body.id}`, sys.token);
    expect(Date.parse(one.body.lastLoginAt)).toBeGreaterThanOrEqual(before - 1000);
    // A failed login is not a login.
    await t.post('/auth/login', undefined, { loginId: 'last.login.user', password: 'wrong-password-0001' });
    const listed = await t.get(`/users?organisationId=${org}`, sys.token);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, lastLoginAt: one.body.lastLoginAt })]);
  });

  it('organisations are listed whatever their state; ?active= picks one state', async () => {
    const created = await t.post('/organisations', sys.token, { name: '閉鎖予定 事業所', kind: 'other' });
    expect(created.status).toBe(201);
    expect((await t.patch(`/organisations/${created.body.id}`, sys.token, { active: false }, { 'if-match': '"1"' })).status).toBe(200);
    const all: { id: string; active: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await t.get(`/organisations?limit=200${cursor ? `&cursor=${cursor}` : ''}`, sys.token);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toContainEqual(expect.objectContaining({ id: created.body.id, active: false }));
    const inactive = await t.get('/organisations?active=false', sys.token);
    expect(inactive.body.items.map((o: { id: string }) => o.id)).toEqual([created.body.id]);
    const active = await t.get('/organisations?active=true&limit=200', sys.token);
    expect(active.body.items.every((o: { active: boolean }) => o.active)).toBe(true);
    expect(active.body.items.map((o: { id: string }) => o.id)).not.toContain(created.body.id);
    expectError(await t.get('/organisations?active=maybe', sys.token), 400, 'VALIDATION_FAILED');
  });
});
