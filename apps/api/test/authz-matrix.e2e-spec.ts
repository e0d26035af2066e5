import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '#libs/contracts/index.js';
import {
  buildWorld,
  CALLERS,
  type CallerName,
  type MatrixWorld,
  type Outcome,
  ROUTE_MATRIX,
  ROUTES_ELSEWHERE,
  USER_ACTIONS,
  USER_CREATE_MATRIX,
  USER_MANAGEMENT_MATRIX,
  USER_MANAGERS,
  USER_TARGETS,
  type UserAction,
  type UserManagerName,
  type UserTarget,
} from './authz-matrix.js';
import { TestApp } from './harness.js';

/**
 * Reads the routes the running application serves from Fastify's route tree (`printRoutes`), as "METHOD /pattern".
 * HEAD is Fastify's automatic twin of every GET and answers as the GET does.
 */
export function registeredRoutes(app: NestFastifyApplication): string[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const paths: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = Math.round(match[1].length / 4);
    const path = (depth > 1 ? paths[depth - 2] : '') + match[2];
    paths[depth - 1] = path;
    paths.length = depth;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

// One application and one world for both tables: every mutating row works on fresh targets of its own.
let t: TestApp;
let world: MatrixWorld;
beforeAll(async () => {
  t = await TestApp.start();
  world = await buildWorld(t);
});
afterAll(() => t?.close());

describe('authorization matrix: every route × every kind of caller', () => {
  it('covers every route the application serves, and lists no route it does not serve', () => {
    const served = registeredRoutes(t.app);
    expect(served.length).toBeGreaterThan(20);
    const listed = [...ROUTE_MATRIX.map((r) => r.route), ...ROUTES_ELSEWHERE.map((r) => r.route)];
    expect(served.filter((r) => !listed.includes(r))).toEqual([]);
    expect(listed.filter((r) => !served.includes(r))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it.each(ROUTE_MATRIX.map((c) => [c.route, c] as const))('%s', async (_route, routeCase) => {
    const got = {} as Record<CallerName, number>;
    for (const caller of CALLERS) {
      const req = await routeCase.request(world, caller);
      const token = req.token !== undefined ? req.token : caller === 'anonymous' ? null : world.token[caller];
      const headers: Record<string, string> = { ...req.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${t.baseUrl}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
      await res.arrayBuffer();
      got[caller] = res.status;
    }
    expect(got).toEqual(routeCase.expect);
  });
});

describe('user management: the rule table on every path', () => {
  let otherOrg: string;
  let destination: string;

  beforeAll(async () => {
    otherOrg = await t.organisation('medical');
    destination = await t.organisation('other');
  });

  const expectOutcome = (res: { status: number; body: any; text: string }, outcome: Outcome, label: string) => {
    const [status, code] = typeof outcome === 'number' ? [outcome, undefined] : outcome;
    const got = code === undefined ? res.status : [res.status, res.body?.code];
    expect({ label, got }).toEqual({ label, got: code === undefined ? status : [status, code] });
  };

  async function targetFor(manager: UserManagerName, target: UserTarget): Promise<{ id: string; token: string }> {
    if (target === 'self') {
      // A fresh user of the manager's kind, so that changing itself leaves the shared callers alone.
      const [{ organisation_id }] = await t.ownerQuery('SELECT organisation_id FROM users WHERE id = $1', [world.userId[manager]]);
      const role = { system_admin: 'system_admin', lead_org_admin: 'org_admin', lead_caseworker: 'caseworker', auditor: 'auditor' }[manager] as Role;
      const self = await t.user(organisation_id, role);
      return { id: self.id, token: await t.tokenFor(self.id) };
    }
    const org = target.startsWith('other_org_') ? otherOrg : world.leadOrg;
    const role = target.replace('other_org_', '') as Role;
    return { id: (await t.user(org, role)).id, token: world.token[manager] };
  }

  const CHANGES: Record<Exclude<UserAction, 'read'>, Record<string, unknown>> = {
    rename: { displayName: '改名 花子' },
    role_caseworker: { role: 'caseworker' },
    role_org_admin: { role: 'org_admin' },
    role_auditor: { role: 'auditor' },
    role_system_admin: { role: 'system_admin' },
    deactivate: { active: false },
    reactivate: { active: true },
    reset_password: { password: 'a-reset-password-2026' },
    move_organisation: { organisationId: '' },
  };

  const cases = USER_MANAGERS.flatMap((manager) =>
    USER_TARGETS.map((target) => [manager, target, USER_MANAGEMENT_MATRIX[manager][target]] as const),
  );

  it.each(cases)('%s → %s', async (manager, target, expected) => {
    for (const action of USER_ACTIONS) {
      const subject = await targetFor(manager, target);
      if (action === 'reactivate') await t.ownerQuery('UPDATE users SET active = false WHERE id = $1', [subject.id]);
      const before = await t.ownerQuery('SELECT to_jsonb(u) AS row FROM users u WHERE id = $1', [subject.id]);
      const label = `${manager} ${action} ${target}`;
      if (action === 'read') {
        expectOutcome(await t.get(`/users/${subject.id}`, subject.token), expected.read, label);
        continue;
      }
      const body = action === 'move_organisation' ? { organisationId: destination } : CHANGES[action];
      const res = await t.patch(`/users/${subject.id}`, subject.token, body, { 'if-match': '"1"' });
      expectOutcome(res, expected[action], label);
      const after = await t.ownerQuery('SELECT to_jsonb(u) AS row FROM users u WHERE id = $1', [subject.id]);
      if (res.status >= 400) {
        // A refused change changes nothing.
        expect({ label, row: after[0].row }).toEqual({ label, row: before[0].row });
      } else {
        const [key, value] = Object.entries(body)[0];
        if (key !== 'password') expect({ label, value: res.body[key] }).toEqual({ label, value });
        expect(after[0].row.version).toBe(2);
      }
    }
  });

  it.each(USER_MANAGERS.flatMap((m) => (['own', 'other'] as const).map((where) => [m, where] as const)))(
    '%s creates users in its %s organisation',
    async (manager, where) => {
      const [{ organisation_id }] = await t.ownerQuery('SELECT organisation_id FROM users WHERE id = $1', [world.userId[manager]]);
      for (const role of ['caseworker', 'org_admin', 'auditor', 'system_admin'] as Role[]) {
        const organisationId = where === 'own' ? organisation_id : otherOrg;
        const loginId = `c.${manager.slice(0, 6)}.${where}.${role}.${Date.now().toString(36)}`;
        const res = await t.post('/users', world.token[manager], {
          loginId,
          displayName: '新規 利用者',
          organisationId,
          role,
          password: 'a-first-password-2026',
        });
        expectOutcome(res, USER_CREATE_MATRIX[manager][where][role], `${manager} creates ${role} in ${where}`);
        const made = await t.ownerQuery('SELECT count(*)::int AS n FROM users WHERE login_id = $1', [loginId]);
        expect(made[0].n).toBe(res.status === 201 ? 1 : 0);
      }
    },
  );

  it('GET /users lists the organisation_admin’s own organisation only; a filter on another organisation lists nothing', async () => {
    const all = await t.get('/users?limit=200', world.token.lead_org_admin);
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(2);
    expect(all.body.items.every((u: any) => u.organisationId === world.leadOrg)).toBe(true);
    const filtered = await t.get(`/users?limit=200&organisationId=${otherOrg}`, world.token.lead_org_admin);
    expect(filtered.body.items).toEqual([]);
    const sys = await t.get(`/users?limit=200&organisationId=${otherOrg}`, world.token.system_admin);
    expect(sys.body.items.length).toBeGreaterThan(0);
  });

  it('a role change is decided against the user as it is now: a stale If-Match after a promotion cannot slip through', async () => {
    const target = await t.user(world.leadOrg, 'caseworker');
    expect((await t.patch(`/users/${target.id}`, world.token.system_admin, { role: 'auditor' }, { 'if-match': '"1"' })).status).toBe(200);
    // The org_admin saw version 1 (a caseworker); the user is an auditor now: refused on the rule, not on the version.
    const res = await t.patch(`/users/${target.id}`, world.token.lead_org_admin, { active: false }, { 'if-match': '"1"' });
    expect([res.status, res.body.code]).toEqual([403, 'ROLE_FORBIDDEN']);
  });

  it('moving a user to an unknown organisation → 422 REFERENCE_NOT_FOUND; refusals come before If-Match (404 → 403 → 428)', async () => {
    const target = await t.user(world.leadOrg, 'caseworker');
    const unknown = await t.patch(`/users/${target.id}`, world.token.system_admin, { organisationId: '00000000-0000-4000-8000-000000000000' }, { 'if-match': '"1"' });
    expect([unknown.status, unknown.body.code]).toEqual([422, 'REFERENCE_NOT_FOUND']);
    const foreign = await t.user(otherOrg, 'caseworker');
    expect((await t.patch(`/users/${foreign.id}`, world.token.lead_org_admin, { displayName: 'x' })).status).toBe(404);
    const auditor = await t.user(world.leadOrg, 'auditor');
    expect((await t.patch(`/users/${auditor.id}`, world.token.lead_org_admin, { displayName: 'x' })).body.code).toBe('ROLE_FORBIDDEN');
    expect((await t.patch(`/users/${target.id}`, world.token.lead_org_admin, { displayName: 'x' })).body.code).toBe('PRECONDITION_REQUIRED');
  });

  it('an Idempotency-Key replay of a user creation is refused once the org_admin has moved to another organisation', async () => {
    const admin = await t.user(world.leadOrg, 'org_admin');
    const token = await t.tokenFor(admin.id);
    const body = { loginId: `replay.${Date.now().toString(36)}`, displayName: '再送 試験', organisationId: world.leadOrg, role: 'caseworker', password: 'a-first-password-2026' };
    const first = await t.post('/users', token, body, { 'idempotency-key': 'create-once' });
    expect(first.status).toBe(201);
    expect((await t.post('/users', token, body, { 'idempotency-key': 'create-once' })).body.id).toBe(first.body.id);
    expect((await t.patch(`/users/${admin.id}`, world.token.system_admin, { organisationId: otherOrg }, { 'if-match': '"1"' })).status).toBe(200);
    const replay = await t.post('/users', token, body, { 'idempotency-key': 'create-once' });
    expect([replay.status, replay.body.code]).toEqual([403, 'ORGANISATION_FORBIDDEN']);
  });

  it('an org_admin cannot take over a system_admin: no password reset, so no login as it', async () => {
    const [{ organisation_id }] = await t.ownerQuery('SELECT organisation_id FROM users WHERE id = $1', [world.userId.lead_org_admin]);
    const admin = await t.user(organisation_id, 'system_admin');
    const reset = await t.patch(`/users/${admin.id}`, world.token.lead_org_admin, { password: 'taken-over-password' }, { 'if-match': '"1"' });
    expect([reset.status, reset.body.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    const login = await t.post('/auth/login', undefined, { loginId: admin.loginId, password: 'taken-over-password' });
    expect(login.status).toBe(401);
    const [event] = await t.auditEvents('request_id = $1', [reset.body.requestId]);
    expect(event).toMatchObject({ actor_user_id: world.userId.lead_org_admin, outcome: 'denied', action: 'user.update' });
  });
});
