import type { FieldGroup, GrantPermission, OrganisationKind, Role } from '#libs/contracts/index.js';
import { TEST_PASSWORD, type TestApp } from './harness.js';
import { createRecipient, grant } from './recipient-fixtures.js';

/**
 * The authorization matrix: every route the application serves × every kind of caller → the expected HTTP status.
 * `authz-matrix.e2e-spec.ts` runs it against a live application and fails on a route this table does not cover.
 * The user-management rule table (who may change whom, and how) follows at the end: `USER_MANAGEMENT_MATRIX`.
 */

export const CALLERS = [
  'anonymous',
  'system_admin',
  'auditor',
  'lead_caseworker',
  'lead_org_admin',
  'other_org_admin',
  'partner_basic',
  'partner_notes_read',
  'partner_profile_write',
  'partner_health',
  'ungranted',
  'revoked',
  'expired',
  'demoted',
] as const;
export type CallerName = (typeof CALLERS)[number];

/** How each caller is made: role and organisation kind, and for partners the grant it holds on the recipient. */
export const CALLER_SETUP: Record<
  Exclude<CallerName, 'anonymous'>,
  { role: Role; kind: OrganisationKind | 'lead'; grant?: { groups: FieldGroup[]; permissions: GrantPermission[]; ends?: 'revoked' | 'expired' } }
> = {
  system_admin: { role: 'system_admin', kind: 'other' },
  auditor: { role: 'auditor', kind: 'municipal_department' },
  lead_caseworker: { role: 'caseworker', kind: 'lead' },
  lead_org_admin: { role: 'org_admin', kind: 'lead' },
  other_org_admin: { role: 'org_admin', kind: 'social_welfare_council' },
  partner_basic: { role: 'caseworker', kind: 'community_support_center', grant: { groups: ['basic'], permissions: [] } },
  partner_notes_read: { role: 'caseworker', kind: 'disability_consultation', grant: { groups: ['basic'], permissions: ['notes.read'] } },
  partner_profile_write: {
    role: 'caseworker',
    kind: 'care_management_office',
    grant: { groups: ['basic', 'contact'], permissions: ['profile.write'] },
  },
  partner_health: {
    role: 'org_admin',
    kind: 'medical',
    grant: { groups: ['basic', 'health'], permissions: ['notes.read', 'notes.write'] },
  },
  ungranted: { role: 'caseworker', kind: 'disability_facility' },
  revoked: { role: 'caseworker', kind: 'other', grant: { groups: ['basic', 'health'], permissions: ['notes.read'], ends: 'revoked' } },
  expired: { role: 'org_admin', kind: 'other', grant: { groups: ['basic', 'contact'], permissions: ['profile.write'], ends: 'expired' } },
  // A caseworker of the lead organisation, demoted to auditor by the system administrator after its token was issued.
  demoted: { role: 'caseworker', kind: 'lead' },
};

export interface MatrixRequest {
  method: string;
  /** Path from the server root (including /api/v1). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send this token instead of the caller's usual one (routes that end the session). */
  token?: string | null;
}

/** What the table's requests are made on: one shared recipient with a note, and helpers for fresh targets. */
export interface MatrixWorld {
  t: TestApp;
  token: Record<Exclude<CallerName, 'anonymous'>, string>;
  userId: Record<Exclude<CallerName, 'anonymous'>, string>;
  leadOrg: string;
  recipientId: string;
  noteId: string;
  loginUser: { loginId: string };
  /** A fresh session for the caller (routes that end the session must not end the shared one). */
  freshToken(caller: CallerName): Promise<string | null>;
  freshNote(): Promise<string>;
  freshGrant(): Promise<string>;
  freshConsent(): Promise<string>;
}

export interface RouteCase {
  /** Method and route pattern exactly as the application registers it. */
  route: string;
  request(world: MatrixWorld, caller: CallerName): Promise<MatrixRequest> | MatrixRequest;
  expect: Record<CallerName, number>;
}

/** A route whose access rule is held by another suite: listed so that the coverage check knows it on purpose. */
export interface RouteElsewhere {
  route: string;
  heldBy: string;
}

const V1 = '/api/v1';
const ALL_SIGNED_IN = (status: number) => expectAll(status, { anonymous: 401 });
const expectAll = (status: number, over: Partial<Record<CallerName, number>> = {}) =>
  Object.fromEntries(CALLERS.map((c) => [c, over[c] ?? status])) as Record<CallerName, number>;

/** Recipient content: the lead organisation and grantees per scope; no one else even learns it exists. */
const recipientRoute = (lead: number, partners: Partial<Record<CallerName, number>>) =>
  expectAll(404, {
    anonymous: 401,
    system_admin: 403,
    auditor: 403,
    demoted: 403,
    lead_caseworker: lead,
    lead_org_admin: lead,
    ...partners,
  });
const PARTNERS = ['partner_basic', 'partner_notes_read', 'partner_profile_write', 'partner_health'] as const;
const partners = (status: number, over: Partial<Record<CallerName, number>> = {}) => ({
  ...Object.fromEntries(PARTNERS.map((p) => [p, status])),
  ...over,
});
const adminOnly = (status: number) => expectAll(403, { anonymous: 401, system_admin: status });

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export const ROUTE_MATRIX: RouteCase[] = [
  { route: 'GET /api/v1/health', request: () => ({ method: 'GET', path: `${V1}/health` }), expect: expectAll(200) },
  { route: 'GET /api/docs.json', request: () => ({ method: 'GET', path: '/api/docs.json' }), expect: expectAll(200) },

  // ---- auth
  {
    route: 'POST /api/v1/auth/login',
    request: (w) => ({ method: 'POST', path: `${V1}/auth/login`, body: { loginId: w.loginUser.loginId, password: TEST_PASSWORD } }),
    expect: expectAll(200),
  },
  {
    route: 'POST /api/v1/auth/refresh',
    request: () => ({ method: 'POST', path: `${V1}/auth/refresh`, body: { refreshToken: 'not-a-refresh-token' } }),
    expect: expectAll(401),
  },
  {
    route: 'POST /api/v1/auth/logout',
    request: async (w, c) => ({ method: 'POST', path: `${V1}/auth/logout`, token: await w.freshToken(c) }),
    expect: ALL_SIGNED_IN(204),
  },
  {
    // The right current password and a new one the policy refuses: reaches the rule, changes nothing.
    route: 'POST /api/v1/auth/password',
    request: () => ({ method: 'POST', path: `${V1}/auth/password`, body: { currentPassword: TEST_PASSWORD, newPassword: '            ' } }),
    expect: ALL_SIGNED_IN(400),
  },
  { route: 'GET /api/v1/me', request: () => ({ method: 'GET', path: `${V1}/me` }), expect: ALL_SIGNED_IN(200) },

  // ---- organisations
  { route: 'GET /api/v1/organisations', request: () => ({ method: 'GET', path: `${V1}/organisations` }), expect: ALL_SIGNED_IN(200) },
  {
    route: 'POST /api/v1/organisations',
    request: () => ({ method: 'POST', path: `${V1}/organisations`, body: { name: unique('org '), kind: 'other' } }),
    expect: adminOnly(201),
  },
  {
    route: 'GET /api/v1/organisations/:id',
    request: (w) => ({ method: 'GET', path: `${V1}/organisations/${w.leadOrg}` }),
    expect: ALL_SIGNED_IN(200),
  },
  {
    route: 'PATCH /api/v1/organisations/:id',
    request: async (w) => ({
      method: 'PATCH',
      path: `${V1}/organisations/${await w.t.organisation('other')}`,
      body: { name: unique('renamed ') },
      headers: { 'if-match': '"1"' },
    }),
    expect: adminOnly(200),
  },

  // ---- users (the full rule table is USER_MANAGEMENT_MATRIX below)
  {
    route: 'GET /api/v1/users',
    request: () => ({ method: 'GET', path: `${V1}/users` }),
    expect: expectAll(403, { anonymous: 401, system_admin: 200, lead_org_admin: 200, other_org_admin: 200, partner_health: 200, expired: 200 }),
  },
  {
    route: 'POST /api/v1/users',
    request: (w) => ({
      method: 'POST',
      path: `${V1}/users`,
      body: { loginId: unique('m.'), displayName: '試験 太郎', organisationId: w.leadOrg, role: 'caseworker', password: 'a-long-enough-password' },
    }),
    expect: expectAll(403, { anonymous: 401, system_admin: 201, lead_org_admin: 201 }),
  },
  {
    route: 'GET /api/v1/users/:id',
    request: (w) => ({ method: 'GET', path: `${V1}/users/${w.userId.lead_caseworker}` }),
    expect: expectAll(403, { anonymous: 401, system_admin: 200, lead_org_admin: 200, other_org_admin: 404, partner_health: 404, expired: 404 }),
  },
  {
    route: 'PATCH /api/v1/users/:id',
    request: async (w) => ({
      method: 'PATCH',
      path: `${V1}/users/${(await w.t.user(w.leadOrg, 'caseworker')).id}`,
      body: { displayName: '新しい 名前' },
      headers: { 'if-match': '"1"' },
    }),
    expect: expectAll(403, { anonymous: 401, system_admin: 200, lead_org_admin: 200, other_org_admin: 404, partner_health: 404, expired: 404 }),
  },

  // ---- recipients
  {
    route: 'GET /api/v1/recipients',
    request: () => ({ method: 'GET', path: `${V1}/recipients` }),
    expect: recipientRoute(200, { ...partners(200), other_org_admin: 200, ungranted: 200, revoked: 200, expired: 200 }),
  },
  {
    // Only caseworkers and org_admins of a municipal department or welfare office create recipients.
    route: 'POST /api/v1/recipients',
    request: (_w, c) => ({ method: 'POST', path: `${V1}/recipients`, body: { familyName: '試験', givenName: c } }),
    expect: expectAll(403, { anonymous: 401, lead_caseworker: 201, lead_org_admin: 201 }),
  },
  {
    route: 'GET /api/v1/recipients/:id',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}` }),
    expect: recipientRoute(200, partners(200)),
  },
  {
    // The printout is the record as read, with its notes: the same callers as a single read.
    route: 'GET /api/v1/recipients/:id/print',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/print` }),
    expect: recipientRoute(200, partners(200)),
  },
  {
    route: 'PATCH /api/v1/recipients/:id',
    request: async (w, c) => {
      const [{ version }] = await w.t.ownerQuery('SELECT version FROM recipients WHERE id = $1', [w.recipientId]);
      return { method: 'PATCH', path: `${V1}/recipients/${w.recipientId}`, body: { phone: `0256-${c.length}` }, headers: { 'if-match': `"${version}"` } };
    },
    expect: recipientRoute(200, partners(403, { partner_profile_write: 200 })),
  },
  {
    route: 'GET /api/v1/recipients/:id/history',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/history` }),
    expect: recipientRoute(200, partners(200)),
  },

  // ---- notes (the shared note is a `normal` note written by the lead caseworker)
  {
    route: 'GET /api/v1/recipients/:id/notes',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/notes` }),
    expect: recipientRoute(200, partners(403, { partner_notes_read: 200, partner_health: 200 })),
  },
  {
    route: 'POST /api/v1/recipients/:id/notes',
    request: (w) => ({
      method: 'POST',
      path: `${V1}/recipients/${w.recipientId}/notes`,
      body: { occurredAt: '2026-11-20T10:00:00+09:00', contactType: 'phone', body: '電話で様子を確認した', sensitivity: 'normal' },
    }),
    expect: recipientRoute(201, partners(403, { partner_health: 201 })),
  },
  {
    route: 'GET /api/v1/recipients/:id/notes/:noteId',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/notes/${w.noteId}` }),
    expect: recipientRoute(200, partners(403, { partner_notes_read: 200, partner_health: 200 })),
  },
  {
    route: 'GET /api/v1/recipients/:id/notes/:noteId/history',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/notes/${w.noteId}/history` }),
    expect: recipientRoute(200, partners(403, { partner_notes_read: 200, partner_health: 200 })),
  },
  {
    // Only the note's author changes it; others who can read it get 403.
    route: 'PATCH /api/v1/recipients/:id/notes/:noteId',
    request: async (w) => ({
      method: 'PATCH',
      path: `${V1}/recipients/${w.recipientId}/notes/${await w.freshNote()}`,
      body: { body: '追記: 訪問日を変更' },
      headers: { 'if-match': '"1"' },
    }),
    expect: recipientRoute(403, { ...partners(403), lead_caseworker: 200 }),
  },
  {
    route: 'POST /api/v1/recipients/:id/notes/:noteId/retract',
    request: async (w) => ({
      method: 'POST',
      path: `${V1}/recipients/${w.recipientId}/notes/${await w.freshNote()}/retract`,
      body: { reason: '誤記' },
    }),
    expect: recipientRoute(403, { ...partners(403), lead_caseworker: 200 }),
  },

  // ---- grants and consents
  {
    route: 'GET /api/v1/recipients/:id/grants',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/grants` }),
    expect: recipientRoute(200, partners(200)),
  },
  {
    route: 'POST /api/v1/recipients/:id/grants',
    request: async (w) => ({
      method: 'POST',
      path: `${V1}/recipients/${w.recipientId}/grants`,
      body: { granteeOrganisationId: await w.t.organisation('other'), fieldGroups: ['basic'], legalBasis: 'statute', basisReference: '法第1条' },
    }),
    expect: recipientRoute(201, partners(403)),
  },
  {
    route: 'POST /api/v1/recipients/:id/grants/:grantId/revoke',
    request: async (w) => ({
      method: 'POST',
      path: `${V1}/recipients/${w.recipientId}/grants/${await w.freshGrant()}/revoke`,
      body: { reason: '支援終了' },
    }),
    expect: recipientRoute(200, partners(403)),
  },
  {
    route: 'GET /api/v1/recipients/:id/consents',
    request: (w) => ({ method: 'GET', path: `${V1}/recipients/${w.recipientId}/consents` }),
    expect: recipientRoute(200, partners(403)),
  },
  {
    route: 'POST /api/v1/recipients/:id/consents',
    request: async (w) => ({ method: 'POST', path: `${V1}/recipients/${w.recipientId}/consents`, body: await consentBody(w) }),
    expect: recipientRoute(201, partners(403)),
  },
  {
    route: 'POST /api/v1/recipients/:id/consents/:consentId/withdraw',
    request: async (w) => ({ method: 'POST', path: `${V1}/recipients/${w.recipientId}/consents/${await w.freshConsent()}/withdraw`, body: {} }),
    expect: recipientRoute(200, partners(403)),
  },
  {
    // The registry: case roles see the grants made to their organisation, auditors all; a demoted user is an auditor now.
    route: 'GET /api/v1/grants',
    request: () => ({ method: 'GET', path: `${V1}/grants` }),
    expect: expectAll(200, { anonymous: 401, system_admin: 403 }),
  },

  // ---- audit
  {
    route: 'GET /api/v1/audit-events',
    request: () => ({ method: 'GET', path: `${V1}/audit-events` }),
    expect: expectAll(403, { anonymous: 401, auditor: 200, demoted: 200 }),
  },
  {
    route: 'GET /api/v1/audit-events/verify',
    request: () => ({ method: 'GET', path: `${V1}/audit-events/verify` }),
    expect: expectAll(403, { anonymous: 401, auditor: 200, demoted: 200 }),
  },
  {
    route: 'POST /api/v1/audit-events/verify-jobs',
    request: () => ({ method: 'POST', path: `${V1}/audit-events/verify-jobs`, body: {} }),
    expect: expectAll(403, { anonymous: 401, auditor: 202, demoted: 202 }),
  },
  {
    // An id that names no job: the role is refused before anything is looked up.
    route: 'GET /api/v1/audit-events/verify-jobs/:jobId',
    request: () => ({ method: 'GET', path: `${V1}/audit-events/verify-jobs/00000000-0000-4000-8000-000000000000` }),
    expect: expectAll(403, { anonymous: 401, auditor: 404, demoted: 404 }),
  },
  {
    route: 'GET /api/v1/audit/recipients',
    request: () => ({ method: 'GET', path: `${V1}/audit/recipients?caseNumber=NONE-0001` }),
    expect: expectAll(403, { anonymous: 401, auditor: 200, demoted: 200 }),
  },
  {
    route: 'GET /api/v1/audit/users',
    request: () => ({ method: 'GET', path: `${V1}/audit/users?q=nobody` }),
    expect: expectAll(403, { anonymous: 401, auditor: 200, demoted: 200 }),
  },
];

/** Routes deliberately outside this table. */
export const ROUTES_ELSEWHERE: RouteElsewhere[] = [
  { route: 'GET /metrics', heldBy: 'the metrics access rule and its own suite' },
  { route: 'OPTIONS *', heldBy: 'CORS pre-flight answered by @fastify/cors: headers only, no handler, no data' },
];

export async function consentBody(w: MatrixWorld) {
  return {
    organisationIds: [await w.t.organisation('other')],
    fieldGroups: ['basic'],
    purpose: '情報共有',
    obtainedOn: '2026-11-01',
    method: 'verbal',
    signatory: 'self',
  };
}

/** Builds the world the table runs in: one lead organisation, its recipient and note, a caller of every kind. */
export async function buildWorld(t: TestApp): Promise<MatrixWorld> {
  const leadOrg = await t.organisation('municipal_department');
  const token = {} as MatrixWorld['token'];
  const userId = {} as MatrixWorld['userId'];
  const grants: Array<{ caller: CallerName; setup: NonNullable<(typeof CALLER_SETUP)[keyof typeof CALLER_SETUP]['grant']>; org: string }> = [];
  for (const [caller, setup] of Object.entries(CALLER_SETUP) as [Exclude<CallerName, 'anonymous'>, (typeof CALLER_SETUP)[keyof typeof CALLER_SETUP]][]) {
    const org = setup.kind === 'lead' ? leadOrg : await t.organisation(setup.kind);
    const user = await t.user(org, setup.role);
    userId[caller] = user.id;
    token[caller] = await t.tokenFor(user.id);
    if (setup.grant) grants.push({ caller, setup: setup.grant, org });
  }
  const recipientId = (await createRecipient(t, token.lead_caseworker)).id;
  for (const g of grants) {
    const extra = g.setup.ends === 'expired' ? { validUntil: new Date(Date.now() + 60_000).toISOString() } : {};
    const made = await grant(t, token.lead_caseworker, recipientId, g.org, g.setup.groups, g.setup.permissions, extra);
    if (g.setup.ends === 'revoked') {
      await t.post(`/recipients/${recipientId}/grants/${made.id}/revoke`, token.lead_caseworker, { reason: '支援終了' });
    }
    if (g.setup.ends === 'expired') {
      await t.ownerQuery(
        `UPDATE grants SET valid_from = now() - interval '1 hour', valid_until = now() - interval '1 second' WHERE id = $1`,
        [made.id],
      );
    }
  }
  const sys = token.system_admin;
  const demote = await t.patch(`/users/${userId.demoted}`, sys, { role: 'auditor' }, { 'if-match': '"1"' });
  if (demote.status !== 200) throw new Error(`demote: ${demote.status} ${demote.text}`);
  const loginUser = await t.user(await t.organisation('other'), 'caseworker');

  const world: MatrixWorld = {
    t,
    token,
    userId,
    leadOrg,
    recipientId,
    noteId: '',
    loginUser,
    freshToken: async (caller) => (caller === 'anonymous' ? null : t.tokenFor(userId[caller])),
    freshNote: async () => {
      const res = await t.post(`/recipients/${recipientId}/notes`, token.lead_caseworker, {
        occurredAt: '2026-11-20T10:00:00+09:00',
        contactType: 'visit',
        body: '自宅を訪問した',
        sensitivity: 'normal',
      });
      if (res.status !== 201) throw new Error(`note: ${res.status} ${res.text}`);
      return res.body.id as string;
    },
    freshGrant: async () => (await grant(t, token.lead_caseworker, recipientId, await t.organisation('other'))).id,
    freshConsent: async () => {
      const res = await t.post(`/recipients/${recipientId}/consents`, token.lead_caseworker, await consentBody(world));
      if (res.status !== 201) throw new Error(`consent: ${res.status} ${res.text}`);
      return res.body.id as string;
    },
  };
  world.noteId = await world.freshNote();
  return world;
}

// ------------------------------------------------------------------------------------------------ user management

/**
 * The user-management rule table (docs/access.md "User management"), as expectations. Targets live in the lead
 * organisation unless named otherwise; `self` is the caller's own record. Each row runs on a fresh target.
 */
export const USER_ACTIONS = [
  'read',
  'rename',
  'role_caseworker',
  'role_org_admin',
  'role_auditor',
  'role_system_admin',
  'deactivate',
  'reactivate',
  'reset_password',
  'move_organisation',
] as const;
export type UserAction = (typeof USER_ACTIONS)[number];
export const USER_TARGETS = ['caseworker', 'org_admin', 'auditor', 'system_admin', 'other_org_caseworker', 'other_org_org_admin', 'self'] as const;
export type UserTarget = (typeof USER_TARGETS)[number];
export const USER_MANAGERS = ['system_admin', 'lead_org_admin', 'lead_caseworker', 'auditor'] as const;
export type UserManagerName = (typeof USER_MANAGERS)[number];

/** [status, code] or a bare success status. */
export type Outcome = number | [number, string];
const ROLE = [403, 'ROLE_FORBIDDEN'] as [number, string];
const ORG = [403, 'ORGANISATION_FORBIDDEN'] as [number, string];
const SELF = [403, 'SELF_CHANGE_FORBIDDEN'] as [number, string];
const HIDDEN = [404, 'NOT_FOUND'] as [number, string];

const row = (outcome: Outcome, over: Partial<Record<UserAction, Outcome>> = {}) =>
  Object.fromEntries(USER_ACTIONS.map((a) => [a, over[a] ?? outcome])) as Record<UserAction, Outcome>;
/** An inactive user has no session: "reactivating itself" never reaches the rule. */
const INACTIVE = [401, 'SESSION_ENDED'] as [number, string];
const SELF_ROW = row(SELF, { read: 200, rename: 200, reactivate: INACTIVE });
const NO_USER_MANAGEMENT = Object.fromEntries(
  USER_TARGETS.map((t) => [t, row(ROLE, t === 'self' ? { reactivate: INACTIVE } : {})]),
) as Record<UserTarget, Record<UserAction, Outcome>>;
const ORG_ADMIN_MANAGEABLE = row(200, { role_auditor: ROLE, role_system_admin: ROLE, move_organisation: ORG });

export const USER_MANAGEMENT_MATRIX: Record<UserManagerName, Record<UserTarget, Record<UserAction, Outcome>>> = {
  system_admin: {
    caseworker: row(200),
    org_admin: row(200),
    auditor: row(200),
    system_admin: row(200),
    other_org_caseworker: row(200),
    other_org_org_admin: row(200),
    self: SELF_ROW,
  },
  lead_org_admin: {
    caseworker: ORG_ADMIN_MANAGEABLE,
    org_admin: ORG_ADMIN_MANAGEABLE,
    // Visible (its own organisation) but never managed by it, whatever the change.
    auditor: row(ROLE, { read: 200 }),
    system_admin: row(ROLE, { read: 200 }),
    other_org_caseworker: row(HIDDEN),
    other_org_org_admin: row(HIDDEN),
    self: SELF_ROW,
  },
  lead_caseworker: NO_USER_MANAGEMENT,
  auditor: NO_USER_MANAGEMENT,
};

/** Creating users: the role given, in the caller's own organisation or another. */
export const USER_CREATE_MATRIX: Record<UserManagerName, Record<'own' | 'other', Record<Role, Outcome>>> = {
  system_admin: {
    own: { caseworker: 201, org_admin: 201, auditor: 201, system_admin: 201 },
    other: { caseworker: 201, org_admin: 201, auditor: 201, system_admin: 201 },
  },
  lead_org_admin: {
    own: { caseworker: 201, org_admin: 201, auditor: ROLE, system_admin: ROLE },
    other: { caseworker: ORG, org_admin: ORG, auditor: ORG, system_admin: ORG },
  },
  lead_caseworker: {
    own: { caseworker: ROLE, org_admin: ROLE, auditor: ROLE, system_admin: ROLE },
    other: { caseworker: ROLE, org_admin: ROLE, auditor: ROLE, system_admin: ROLE },
  },
  auditor: {
    own: { caseworker: ROLE, org_admin: ROLE, auditor: ROLE, system_admin: ROLE },
    other: { caseworker: ROLE, org_admin: ROLE, auditor: ROLE, system_admin: ROLE },
  },
};
