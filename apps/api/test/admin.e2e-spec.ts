import { expectError, TEST_PASSWORD, TestApp } from './harness.js';

describe('organisations and users: who may manage what', () => {
  let t: TestApp;
  let sys: Awaited<ReturnType<TestApp['actor']>>;
  let orgAdmin: Awaited<ReturnType<TestApp['actor']>>;
  let caseworker: { id: string; token: string };
  let auditor: Awaited<ReturnType<TestApp['actor']>>;
  let otherOrg: string;

  beforeAll(async () => {
    t = await TestApp.start();
    sys = await t.actor('system_admin', 'other');
    orgAdmin = await t.actor('org_admin', 'social_welfare_council');
    const cw = await t.user(orgAdmin.organisationId, 'caseworker');
    caseworker = { id: cw.id, token: await t.tokenFor(cw.id) };
    auditor = await t.actor('auditor', 'municipal_department');
    otherOrg = await t.organisation('community_support_center');
  });
  afterAll(() => t.close());

  const newUser = (organisationId: string, role = 'caseworker', loginId = `user.${Math.random().toString(36).slice(2, 10)}`) => ({
    loginId,
    displayName: '田中 一郎',
    organisationId,
    role,
    password: 'a-good-long-password',
  });

  describe('organisations', () => {
    it('system_admin creates and updates organisations with If-Match; anyone signed in may list them', async () => {
      const created = await t.post('/organisations', sys.token, { name: '三条市 東地域包括支援センター', kind: 'community_support_center' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: '三条市 東地域包括支援センター', kind: 'community_support_center', active: true, version: 1 });
      const got = await t.get(`/organisations/${created.body.id}`, caseworker.token);
      expect(got.headers.get('etag')).toBe('"1"');
      const patched = await t.patch(`/organisations/${created.body.id}`, sys.token, { name: '三条市 東包括' }, { 'if-match': '"1"' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: '三条市 東包括', version: 2 });
      expect(patched.headers.get('etag')).toBe('"2"');
      const list = await t.get('/organisations?limit=2', caseworker.token);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      expect(typeof list.body.nextCursor).toBe('string');
      const next = await t.get(`/organisations?limit=200&cursor=${list.body.nextCursor}`, caseworker.token);
      expect(next.body.items.map((o: any) => o.id)).not.toContain(list.body.items[0].id);
      expect(next.body.nextCursor).toBeNull();
    });

    it('refuses the failing cases: 401, 403 for non-admins, 400 bad kind, 409 duplicate name, 428, 412, 404', async () => {
      expectError(await t.post('/organisations', undefined, { name: 'x', kind: 'other' }), 401, 'UNAUTHENTICATED');
      expectError(await t.post('/organisations', orgAdmin.token, { name: 'x', kind: 'other' }), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post('/organisations', caseworker.token, { name: 'x', kind: 'other' }), 403, 'ROLE_FORBIDDEN');
      const bad = expectError(await t.post('/organisations', sys.token, { name: 'x', kind: 'castle' }), 400, 'VALIDATION_FAILED');
      expect(bad.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'kind', constraint: 'isIn' })]));
      await t.post('/organisations', sys.token, { name: '重複 テスト', kind: 'other' });
      expectError(await t.post('/organisations', sys.token, { name: '重複 テスト', kind: 'other' }), 409, 'CONFLICT_DUPLICATE');
      expectError(await t.patch(`/organisations/${otherOrg}`, sys.token, { name: 'y' }), 428, 'PRECONDITION_REQUIRED');
      const stale = expectError(await t.patch(`/organisations/${otherOrg}`, sys.token, { name: 'y' }, { 'if-match': '"7"' }), 412, 'VERSION_CONFLICT');
      expect(stale.version).toBe(1);
      expectError(await t.patch(`/organisations/${otherOrg}`, sys.token, { name: null }, { 'if-match': '"1"' }), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/organisations/00000000-0000-4000-8000-000000000000', sys.token), 404, 'NOT_FOUND');
      expectError(await t.get('/organisations/not-a-uuid', sys.token), 404, 'NOT_FOUND');
      expectError(await t.get('/organisations?limit=0', sys.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/organisations?limit=abc', sys.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get('/organisations?cursor=garbage', sys.token), 400, 'INVALID_CURSOR');
      expect((await t.get('/organisations?limit=5000', sys.token)).status).toBe(200);
    });

    it('deactivating an organisation ends its users’ sessions at once', async () => {
      const org = await t.organisation('medical');
      const member = await t.user(org, 'caseworker');
      const token = await t.tokenFor(member.id);
      expect((await t.get('/me', token)).status).toBe(200);
      expect((await t.patch(`/organisations/${org}`, sys.token, { active: false }, { 'if-match': '"1"' })).status).toBe(200);
      expectError(await t.get('/me', token), 401, 'SESSION_ENDED');
      expectError(await t.post('/auth/login', undefined, { loginId: member.loginId, password: TEST_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    });
  });

  describe('users', () => {
    it('system_admin creates users of any organisation and role; the answer has no password', async () => {
      const res = await t.post('/users', sys.token, newUser(otherOrg, 'auditor'));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ organisationId: otherOrg, role: 'auditor', active: true, version: 1 });
      expect(JSON.stringify(res.body)).not.toMatch(/password/i);
      const [event] = await t.auditEvents(`action = 'user.create' AND resource_id = $1`, [res.body.id]);
      expect(event).toMatchObject({ actor_user_id: sys.id, outcome: 'allowed' });
    });

    it('org_admin creates caseworkers and org_admins of its own organisation only', async () => {
      expect((await t.post('/users', orgAdmin.token, newUser(orgAdmin.organisationId, 'caseworker'))).status).toBe(201);
      expect((await t.post('/users', orgAdmin.token, newUser(orgAdmin.organisationId, 'org_admin'))).status).toBe(201);
      expectError(await t.post('/users', orgAdmin.token, newUser(otherOrg, 'caseworker')), 403, 'ORGANISATION_FORBIDDEN');
      expectError(await t.post('/users', orgAdmin.token, newUser(orgAdmin.organisationId, 'auditor')), 403, 'ROLE_FORBIDDEN');
      expectError(await t.post('/users', orgAdmin.token, newUser(orgAdmin.organisationId, 'system_admin')), 403, 'ROLE_FORBIDDEN');
      const list = await t.get('/users?limit=200', orgAdmin.token);
      expect(list.status).toBe(200);
      expect(list.body.items.every((u: any) => u.organisationId === orgAdmin.organisationId)).toBe(true);
      const foreign = await t.user(otherOrg, 'caseworker');
      expectError(await t.get(`/users/${foreign.id}`, orgAdmin.token), 404, 'NOT_FOUND');
      expectError(await t.patch(`/users/${foreign.id}`, orgAdmin.token, { displayName: 'x' }, { 'if-match': '"1"' }), 404, 'NOT_FOUND');
      const mine = await t.user(orgAdmin.organisationId, 'caseworker');
      expectError(await t.patch(`/users/${mine.id}`, orgAdmin.token, { role: 'system_admin' }, { 'if-match': '"1"' }), 403, 'ROLE_FORBIDDEN');
      expect((await t.patch(`/users/${mine.id}`, orgAdmin.token, { role: 'org_admin' }, { 'if-match': '"1"' })).body.role).toBe('org_admin');
    });

    it('caseworkers and auditors get 403 on admin routes, and the denial is audited', async () => {
      const res = await t.get('/users', caseworker.token);
      expectError(res, 403, 'ROLE_FORBIDDEN');
      expectError(await t.post('/users', auditor.token, newUser(auditor.organisationId)), 403, 'ROLE_FORBIDDEN');
      expectError(await t.patch(`/users/${caseworker.id}`, caseworker.token, { displayName: 'x' }, { 'if-match': '"1"' }), 403, 'ROLE_FORBIDDEN');
      const [event] = await t.auditEvents('request_id = $1', [res.body.requestId]);
      expect(event).toMatchObject({ actor_user_id: caseworker.id, outcome: 'denied' });
    });

    it('validates input: unknown property, bad login id, weak password, unknown organisation (422), duplicate login id (409)', async () => {
      expectError(await t.post('/users', sys.token, { ...newUser(otherOrg), admin: true }), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/users', sys.token, newUser(otherOrg, 'caseworker', 'bad login id!')), 400, 'VALIDATION_FAILED');
      expectError(await t.post('/users', sys.token, { ...newUser(otherOrg), password: 'short' }), 400, 'PASSWORD_POLICY');
      expectError(await t.post('/users', sys.token, newUser('00000000-0000-4000-8000-000000000000')), 422, 'REFERENCE_NOT_FOUND');
      await t.post('/users', sys.token, newUser(otherOrg, 'caseworker', 'Same.Login'));
      expectError(await t.post('/users', sys.token, newUser(otherOrg, 'caseworker', 'same.login')), 409, 'CONFLICT_DUPLICATE');
    });

    it('PATCH needs If-Match: missing → 428, stale → 412 with the current version', async () => {
      const u = await t.user(otherOrg, 'caseworker');
      expectError(await t.patch(`/users/${u.id}`, sys.token, { displayName: 'x' }), 428, 'PRECONDITION_REQUIRED');
      const stale = expectError(await t.patch(`/users/${u.id}`, sys.token, { displayName: 'x' }, { 'if-match': '"3"' }), 412, 'VERSION_CONFLICT');
      expect(stale.version).toBe(1);
      expectError(await t.patch(`/users/${u.id}`, sys.token, { displayName: 'x' }, { 'if-match': 'garbage' }), 412, 'VERSION_CONFLICT');
      const ok = await t.patch(`/users/${u.id}`, sys.token, { displayName: '新しい 名前' }, { 'if-match': '"1"' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).toBe('"2"');
    });

    it('deactivation ends the user’s sessions on the next request and blocks login', async () => {
      const u = await t.user(otherOrg, 'caseworker');
      const login = await t.post('/auth/login', undefined, { loginId: u.loginId, password: TEST_PASSWORD });
      expect((await t.get('/me', login.body.accessToken)).status).toBe(200);
      expect((await t.patch(`/users/${u.id}`, sys.token, { active: false }, { 'if-match': '"1"' })).body.active).toBe(false);
      expectError(await t.get('/me', login.body.accessToken), 401, 'SESSION_ENDED');
      expect((await t.post('/auth/refresh', undefined, { refreshToken: login.body.refreshToken })).status).toBe(401);
      expectError(await t.post('/auth/login', undefined, { loginId: u.loginId, password: TEST_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    });
  });
});
