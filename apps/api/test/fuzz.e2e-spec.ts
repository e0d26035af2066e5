import fc from 'fast-check';
import { uuidv7 } from '#libs/platform/index.js';
import { TestApp } from './harness.js';
import { connect, emitAck } from './live-client.js';
import { createRecipient, grant } from './recipient-fixtures.js';

/**
 * Property-based fuzzing of every route the running application documents (its OpenAPI document) and of the
 * live socket events. Every request is malformed by construction (each corrupted body carries at least one value
 * the contract refuses), from anonymous and authenticated callers of every role. Properties:
 *
 * - no answer is a 5xx, and every error answer has the API's error shape;
 * - no business row changes (table checksums before and after), and no request that changes state succeeds;
 * - every denial (401, 403, 429, and 404 for a route that exists) has its audit event (by request id);
 * - afterwards the process is healthy: GET /health 200 and a legitimate read works.
 *
 * FUZZ_RUNS and FUZZ_SEED override the run size and the seed (printed, so a failure can be replayed).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SOCKET_RUNS = Number(process.env.FUZZ_SOCKET_RUNS ?? 1_500);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);
// Below the pool size (20), so that requests do not queue for connections: a 5xx is a finding, not an overload.
const CONCURRENCY = 8;
const BUSINESS_TABLES = [
  'organisations',
  'users',
  'recipients',
  'recipient_history',
  'case_notes',
  'case_note_revisions',
  'grants',
  'consents',
  'idempotency_keys',
  'live_events',
];

type Kind = 'text' | 'date' | 'timestamp' | 'enum' | 'enumArray' | 'id' | 'idArray' | 'bool' | 'objArray';

interface Fixture {
  lead: { id: string; token: string; organisationId: string };
  ids: Record<string, string>;
}

// ---------------------------------------------------------------- hostile values

const hostileChar = fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff', 'a\u0000b');
const plain = fc.string({ maxLength: 12 });
/** A string PostgreSQL cannot store: a NUL or a lone surrogate somewhere. */
const unstorable = fc.tuple(plain, hostileChar, plain).map(([a, b, c]) => a + b + c);
const badDate = fc.constantFrom('2026-W01-1', '20260101', '2026', '+020260-01-01', '2026-02-30', '0000-01-01', '2026-13-01', '26-01-01', 'yesterday', '2026-01-01T00:00:00Z', '');
const badTimestamp = fc.constantFrom(
  '2026-W01-1T10:00:00Z',
  '20260101T100000Z',
  '2026',
  '+020260-01-01T00:00:00Z',
  '2026-01-01T10:00:00',
  '2026-01-01',
  '2026-01-01T24:00:00Z',
  '2026-01-01T10:00:00+25:00',
  '2026-02-30T10:00:00Z',
  '2026-01-01 10:00:00Z',
  'now',
);
const deep = fc.integer({ min: 33, max: 2000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown);
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant({}), fc.constant([]), fc.dictionary(plain, plain, { maxKeys: 3 }));
const huge = fc.constant('x'.repeat(25_000));

/** Values each kind of field never accepts. */
const invalidFor: Record<Kind, fc.Arbitrary<unknown>> = {
  text: fc.oneof({ weight: 8, arbitrary: unstorable }, { weight: 6, arbitrary: wrongType.filter((v) => typeof v !== 'string') }, { weight: 1, arbitrary: huge }, { weight: 1, arbitrary: deep }),
  date: fc.oneof(badDate, unstorable, wrongType),
  timestamp: fc.oneof(badTimestamp, unstorable, wrongType),
  enum: fc.oneof(plain.map((s) => `~${s}`), unstorable, wrongType),
  enumArray: fc.oneof(plain.map((s) => [`~${s}`]), unstorable.map((s) => [s]), fc.constant('basic'), fc.constant([{}]), deep),
  id: fc.oneof(plain.map((s) => `not-a-uuid-${s}`), unstorable, fc.integer(), fc.constant([])),
  idArray: fc.oneof(plain.map((s) => [`x${s}`]), fc.constant('x'), fc.constant([1]), unstorable.map((s) => [s])),
  bool: fc.oneof(fc.constantFrom('true', 'false', 1, 0, 'yes'), unstorable),
  objArray: fc.oneof(unstorable.map((s) => [{ name: s }]), fc.constant([1]), fc.constant({}), fc.constant('x'), deep),
};

// ---------------------------------------------------------------- bodies of the writing routes

const BODIES: Record<string, { body: Record<string, unknown>; kinds: Record<string, Kind> }> = {
  'POST /api/v1/recipients': {
    body: { familyName: '試験', givenName: '花子', birthDate: '1950-01-01', openedOn: '2026-01-01', sex: 'female', supportCategories: ['elderly'], emergencyContacts: [{ name: '連絡先' }] },
    kinds: { familyName: 'text', givenName: 'text', birthDate: 'date', openedOn: 'date', sex: 'enum', supportCategories: 'enumArray', emergencyContacts: 'objArray' },
  },
  'PATCH /api/v1/recipients/{id}': {
    body: { familyName: '試験', closedOn: '2026-01-02', status: 'active', address: '三条市' },
    kinds: { familyName: 'text', closedOn: 'date', status: 'enum', address: 'text' },
  },
  'POST /api/v1/recipients/{id}/notes': {
    body: { occurredAt: '2026-11-20T10:30:00+09:00', contactType: 'visit', title: '訪問', body: '本文', sensitivity: 'normal' },
    kinds: { occurredAt: 'timestamp', contactType: 'enum', title: 'text', body: 'text', sensitivity: 'enum' },
  },
  'PATCH /api/v1/recipients/{id}/notes/{noteId}': {
    body: { occurredAt: '2026-11-20T10:30:00+09:00', title: '訪問', body: '本文' },
    kinds: { occurredAt: 'timestamp', title: 'text', body: 'text' },
  },
  'POST /api/v1/recipients/{id}/notes/{noteId}/retract': { body: { reason: '誤り' }, kinds: { reason: 'text' } },
  'POST /api/v1/recipients/{id}/grants': {
    body: { granteeOrganisationId: uuidv7(), fieldGroups: ['basic'], permissions: [], legalBasis: 'support_meeting', basisReference: '会議', validFrom: '2026-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' },
    kinds: { granteeOrganisationId: 'id', fieldGroups: 'enumArray', permissions: 'enumArray', legalBasis: 'enum', basisReference: 'text', validFrom: 'timestamp', validUntil: 'timestamp' },
  },
  'POST /api/v1/recipients/{id}/grants/{grantId}/revoke': { body: { reason: '終了' }, kinds: { reason: 'text' } },
  'POST /api/v1/recipients/{id}/consents': {
    body: { organisationIds: [uuidv7()], fieldGroups: ['basic'], purpose: '支援', obtainedOn: '2026-01-01', method: 'written', signatory: 'self', validUntil: '2099-01-01T00:00:00Z' },
    kinds: { organisationIds: 'idArray', fieldGroups: 'enumArray', purpose: 'text', obtainedOn: 'date', method: 'enum', signatory: 'enum', validUntil: 'timestamp' },
  },
  'POST /api/v1/recipients/{id}/consents/{consentId}/withdraw': { body: { reason: '撤回' }, kinds: { reason: 'text' } },
  'POST /api/v1/audit-events/verify-jobs': { body: { mode: 'incremental' }, kinds: { mode: 'enum' } },
  'POST /api/v1/users': {
    body: { loginId: 'fuzz.user', displayName: '試験', organisationId: uuidv7(), role: 'caseworker', password: 'a long enough password 1' },
    kinds: { loginId: 'text', displayName: 'text', organisationId: 'id', role: 'enum', password: 'text' },
  },
  'PATCH /api/v1/users/{id}': { body: { displayName: '試験', role: 'caseworker', active: true }, kinds: { displayName: 'text', role: 'enum', active: 'bool' } },
  'POST /api/v1/organisations': { body: { name: '試験課', kind: 'municipal_department' }, kinds: { name: 'text', kind: 'enum' } },
  'PATCH /api/v1/organisations/{id}': { body: { name: '試験課', active: true }, kinds: { name: 'text', active: 'bool' } },
  'POST /api/v1/auth/login': { body: { loginId: 'someone', password: 'x' }, kinds: { loginId: 'text', password: 'text' } },
  'POST /api/v1/auth/refresh': { body: { refreshToken: 'x' }, kinds: { refreshToken: 'text' } },
  'POST /api/v1/auth/password': { body: { currentPassword: 'x', newPassword: 'y' }, kinds: { currentPassword: 'text', newPassword: 'text' } },
};

/** Routes whose body may be empty (`{}`, `null`): random JSON could be a valid request there. */
const OPTIONAL_BODY = new Set(['POST /api/v1/recipients/{id}/consents/{consentId}/withdraw', 'POST /api/v1/audit-events/verify-jobs']);

/**
 * A known body with 1–3 fields replaced by values of their kind that are never valid, an unknown key added, or
 * (where no body is valid) random JSON.
 */
function corruptedBody(route: string): fc.Arbitrary<unknown> {
  const spec = BODIES[route];
  if (!spec) return fc.jsonValue({ maxDepth: 3 });
  const keys = Object.keys(spec.kinds);
  const replaced = fc
    .uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: Math.min(3, keys.length) })
    .chain((chosen) => fc.tuple(...chosen.map((k) => invalidFor[spec.kinds[k]].map((v) => [k, v] as const))))
    .map((pairs) => ({ ...spec.body, ...Object.fromEntries(pairs) }));
  const unknownKey = fc.tuple(plain, fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...spec.body, [`zz${k}`]: v }));
  if (OPTIONAL_BODY.has(route)) return fc.oneof({ weight: 5, arbitrary: replaced }, { weight: 1, arbitrary: unknownKey });
  return fc.oneof({ weight: 5, arbitrary: replaced }, { weight: 1, arbitrary: unknownKey }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
}

// ---------------------------------------------------------------- requests

interface FuzzRequest {
  method: string;
  route: string;
  url: string;
  caller: string;
  headers: Record<string, string>;
  body?: string;
}

/** Header values fetch can send: tab, printable ASCII and Latin-1 (no NUL, CR, LF, DEL). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.integer({ min: 200, max: 3000 }).map((n) => 'h'.repeat(n)),
  fc.constantFrom('"1"', 'W/"1"', '"999999999999999"', '*', '"-1"', '', ' ', '"\u00ff"'),
);

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8 form: send the bytes a careless client would (CESU-8).
    return value.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%A-Za-z0-9]/g, (c) => encodeURIComponent(c));
  }
}

function requests(routes: Array<{ method: string; path: string }>, fixture: Fixture, callers: string[]): fc.Arbitrary<FuzzRequest> {
  const idValues = Object.values(fixture.ids);
  const pathParam = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(fixture.ids[name] ?? fixture.ids.id) },
      { weight: 2, arbitrary: fc.constantFrom(...idValues) },
      { weight: 1, arbitrary: fc.uuid().map((u) => u) },
      { weight: 1, arbitrary: fc.constant((fixture.ids[name] ?? fixture.ids.id).toUpperCase()) },
      { weight: 2, arbitrary: fc.oneof(unstorable, plain, fc.string({ minLength: 90, maxLength: 3000 })).map(encodeSegment) },
      { weight: 1, arbitrary: fc.constantFrom('%00', '%ED%A0%80', '%C3', '%', '%zz', '..', '%2F', '%2e%2e', '0', '-1', 'null') },
    );
  const queryValue = fc.oneof(
    plain.map(encodeSegment),
    unstorable.map(encodeSegment),
    badDate.map(encodeSegment),
    badTimestamp.map(encodeSegment),
    fc.constantFrom('%00', '%ED%A0%80', '%C3', '-1', '0', '1e309', '99999999999999999999', 'NaN', '[]', 'true', '%', 'csv', 'json', 'desc', 'kana'),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
    fc.string({ minLength: 500, maxLength: 2000 }).map(encodeSegment),
  );
  const queryKey = fc.constantFrom('limit', 'cursor', 'q', 'from', 'to', 'status', 'category', 'sort', 'format', 'order', 'action', 'outcome', 'actorUserId', 'organisationId', 'recipientId', 'granteeOrganisationId', 'contactType', 'authorOrganisationId', 'includeRetracted', 'role', '__proto__', 'constructor', 'x%00');
  const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
  const headerName = fc.constantFrom('idempotency-key', 'if-match', 'user-agent', 'accept', 'x-request-id', 'x-forwarded-for', 'accept-language', 'origin', 'x-fuzz');

  return fc
    .record({
      route: fc.constantFrom(...routes),
      callerIndex: fc.nat(),
      methodSwap: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'HEAD', 'GET', 'POST', 'PATCH') }),
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
      query,
      bodyForm: fc.nat({ max: 299 }),
      bodySeed: fc.nat(),
    })
    .chain((r) => {
      const names = [...r.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const method = r.methodSwap ?? r.route.method;
      const routeKey = `${r.route.method} ${r.route.path}`;
      const body: fc.Arbitrary<{ text?: string; type?: string }> =
        method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS'
          ? fc.constant({})
          : r.bodyForm < 10 && !OPTIONAL_BODY.has(routeKey)
            ? fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '{"a":1}{', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}').map((text) => ({ text, type: 'application/json' }))
            : r.bodyForm < 16
              ? fc.constant({ text: 'a=b', type: 'text/plain' })
              : r.bodyForm === 16
                ? fc.constant({ text: `{"x":"${'y'.repeat(1_100_000)}"}`, type: 'application/json' })
                : corruptedBody(routeKey).map((value) => ({ text: JSON.stringify(value), type: r.bodyForm % 5 === 0 ? 'application/merge-patch+json' : 'application/json' }));
      return fc.tuple(fc.tuple(...names.map(pathParam)), body).map(([params, b]): FuzzRequest => {
        let path = r.route.path;
        names.forEach((name, i) => (path = path.replace(`{${name}}`, params[i])));
        const caller = callers[r.callerIndex % callers.length];
        const headers: Record<string, string> = {};
        for (const [name, value] of r.headers) headers[name] = name === 'x-request-id' ? `${value}\u00ff` : value; // never a valid id: each answer's id is the server's own
        if (b.type) headers['content-type'] = b.type;
        if (method === 'PATCH' && !('if-match' in headers) && r.bodySeed % 3 !== 0) headers['if-match'] = '"1"';
        return { method, route: routeKey, url: `${path}${r.query}`, caller, headers, body: b.text };
      });
    });
}

// ---------------------------------------------------------------- the suite

describe('fuzzing: malformed requests and socket events never break the service', () => {
  let t: TestApp;
  let fixture: Fixture;
  const tokens: Record<string, string | undefined> = {};

  beforeAll(async () => {
    t = await TestApp.start({ LOGIN_IP_FAILURE_LIMIT: '20' }, { live: { eventsPerSecond: 100_000, eventBurst: 100_000 } });
    const lead = await t.actor('caseworker');
    const partner = await t.actor('caseworker', 'social_welfare_council');
    const auditor = await t.actor('auditor');
    const admin = await t.actor('system_admin');
    const orgAdmin = await t.user(lead.organisationId, 'org_admin');
    const recipient = await createRecipient(t, lead.token);
    const g = await grant(t, lead.token, recipient.id, partner.organisationId, ['basic', 'health'], ['notes.read']);
    const note = await t.post(`/recipients/${recipient.id}/notes`, lead.token, {
      occurredAt: '2026-11-20T10:30:00+09:00',
      contactType: 'visit',
      body: '訪問',
      sensitivity: 'normal',
    });
    const consent = await t.post(`/recipients/${recipient.id}/consents`, lead.token, {
      organisationIds: [partner.organisationId],
      fieldGroups: ['basic'],
      purpose: '支援のため',
      obtainedOn: '2026-11-01',
      method: 'written',
      signatory: 'self',
    });
    expect([note.status, consent.status]).toEqual([201, 201]);
    fixture = {
      lead,
      ids: { id: recipient.id, noteId: note.body.id, grantId: g.id, consentId: consent.body.id, userId: partner.id, organisationId: partner.organisationId },
    };
    Object.assign(tokens, {
      anonymous: undefined,
      garbage: 'Bearer not.a.token',
      basic: 'Basic Zm9vOmJhcg==',
      lead: `Bearer ${lead.token}`,
      partner: `Bearer ${partner.token}`,
      auditor: `Bearer ${auditor.token}`,
      admin: `Bearer ${admin.token}`,
      orgAdmin: `Bearer ${await t.tokenFor(orgAdmin.id)}`,
    });
  });
  afterAll(() => t?.close());

  async function checksums(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of BUSINESS_TABLES) {
      const [row] = await t.ownerQuery(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS sum FROM ${table} x`);
      out[table] = row.sum;
    }
    return out;
  }

  it(`${RUNS} malformed HTTP requests over every documented route: no 5xx, no change, every denial audited`, async () => {
    const doc = (await fetch(`${t.baseUrl}/api/docs.json`).then((r) => r.json())) as { paths: Record<string, Record<string, unknown>> };
    // /health takes no input and answers 503 by design when the database is slower than 2 s (a loaded CI machine):
    // it is checked after the run instead.
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path !== '/api/v1/health')
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
    routes.push({ method: 'GET', path: '/metrics' }, { method: 'GET', path: '/api/v1/no-such-route' });
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/') && x.method !== 'GET')) {
      if (!BODIES[`${r.method} ${r.path}`] && !r.path.endsWith('/logout')) throw new Error(`no fuzz body for ${r.method} ${r.path}`);
    }
    const callers = Object.keys(tokens);
    // Ending one's own session or changing one's password is a valid request whatever the body: only for callers without one.
    const sessionless = new Set(['anonymous', 'garbage', 'basic']);
    const samples = fc
      .sample(requests(routes, fixture, callers), { numRuns: RUNS, seed: SEED })
      .map((r) => (/\/auth\/(logout|password)$/.test(r.route) && !sessionless.has(r.caller) ? { ...r, caller: 'garbage' } : r));

    const before = await checksums();
    const results: Array<{ req: FuzzRequest; status: number; code?: string; requestId: string | null; text: string }> = [];
    const clientErrors: string[] = [];
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < samples.length) {
          const req = samples[next++];
          const headers = { ...req.headers, ...(tokens[req.caller] ? { authorization: tokens[req.caller]! } : {}) };
          let res: Response;
          let text: string;
          try {
            res = await fetch(`${t.baseUrl}${req.url}`, { method: req.method, headers, body: req.body });
            text = await res.text();
          } catch (error) {
            // A connection reset or a request the client refused to send: a finding either way.
            clientErrors.push(`${req.method} ${req.url.slice(0, 200)}: ${String((error as Error).cause ?? error)}`);
            continue;
          }
          let code: string | undefined;
          try {
            code = JSON.parse(text)?.code;
          } catch {
            code = undefined;
          }
          results.push({ req, status: res.status, code, requestId: res.headers.get('x-request-id'), text });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const after = await checksums();

    const fiveXx = results.filter((r) => r.status >= 500);
    const errorsWithoutShape = results.filter((r) => r.status >= 400 && r.req.method !== 'HEAD' && r.req.url.startsWith('/api/') && (!r.code || !r.requestId));
    // An empty merge patch (a corrupted field dropped by JSON.stringify) is a valid no-op: answered 200, nothing changed
    // (the table checksums below still hold every request to that).
    const noOpPatch = (r: (typeof results)[number]) => r.req.method === 'PATCH' && r.req.body === '{}';
    const changed = results.filter(
      (r) => r.req.method !== 'GET' && r.req.method !== 'HEAD' && r.req.method !== 'OPTIONS' && r.status < 300 && !noOpPatch(r),
    );
    // A HEAD answer has no body to tell a missing route (not a denial) from a missing resource: those are left out.
    const denials = results.filter(
      (r) => r.req.method !== 'HEAD' && ([401, 403, 429].includes(r.status) || (r.status === 404 && r.code !== 'ROUTE_NOT_FOUND' && r.req.url.startsWith('/api/'))),
    );
    const audited = new Set(
      (
        await t.ownerQuery<{ request_id: string }>(`SELECT DISTINCT request_id FROM audit_events WHERE outcome = 'denied' AND request_id = ANY($1)`, [
          denials.map((d) => d.requestId),
        ])
      ).map((r) => r.request_id),
    );
    const unaudited = denials.filter((d) => !audited.has(d.requestId!));
    const byStatus = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    // The figures docs/reliability.md quotes.
    console.log(
      `fuzz (seed ${SEED}): ${results.length} requests tried over ${routes.length} routes in ${seconds.toFixed(1)} s; ` +
        `5xx: ${fiveXx.length}; denials: ${denials.length}, audited: ${denials.length - unaudited.length}; by status ${JSON.stringify(byStatus)}`,
    );
    const show = (list: typeof results) => list.slice(0, 5).map((r) => `${r.req.method} ${r.req.url.slice(0, 200)} [${r.req.caller}] ${(r.req.body ?? '').slice(0, 300)} → ${r.status} ${r.text.slice(0, 200)}`);
    expect(clientErrors.slice(0, 5)).toEqual([]);
    expect(show(fiveXx)).toEqual([]);
    expect(show(errorsWithoutShape)).toEqual([]);
    expect(show(changed)).toEqual([]);
    expect(show(unaudited)).toEqual([]);
    expect(after).toEqual(before);
    expect(results.length).toBe(RUNS);

    // Still healthy, and a legitimate read still works.
    expect((await t.get('/health')).status).toBe(200);
    expect((await t.get(`/recipients/${fixture.ids.id}`, fixture.lead.token)).status).toBe(200);
  }, 900_000);

  it(`${SOCKET_RUNS} malformed socket events: every ack is { ok, code }, no socket or process crash`, async () => {
    const sockets = await Promise.all([connect(t.baseUrl, { token: fixture.lead.token }), connect(t.baseUrl, { token: fixture.lead.token })]);
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ recipientId: fc.oneof(unstorable, plain, fc.uuid(), fc.integer(), fc.constant(fixture.ids.id)), sinceSeq: fc.oneof(fc.integer(), fc.double(), plain, fc.constant(undefined)) }, { requiredKeys: [] }),
      fc.record({ token: fc.oneof(unstorable, plain, fc.string({ minLength: 4000, maxLength: 5000 })) }),
      unstorable,
      fc.constant(null),
      deep,
    );
    const events = fc.sample(fc.tuple(fc.constantFrom('subscribe', 'unsubscribe', 'auth.renew', 'no.such.event', ''), payload, fc.boolean()), {
      numRuns: SOCKET_RUNS,
      seed: SEED,
    });
    const acks: Array<{ event: string; ack: any }> = [];
    let i = 0;
    for (const [event, body, withAck] of events) {
      const socket = sockets[i++ % sockets.length];
      if (!withAck || event === 'no.such.event' || event === '') {
        socket.emit(event, body); // no answer expected (unknown events are ignored)
        continue;
      }
      acks.push({ event, ack: await emitAck(socket, event, body) });
    }
    const malformed = acks.filter(({ ack }) => typeof ack !== 'object' || ack === null || typeof ack.ok !== 'boolean' || (!ack.ok && typeof ack.code !== 'string'));
    const internal = acks.filter(({ ack }) => ack.code === 'INTERNAL_ERROR');
    console.log(`socket fuzz (seed ${SEED}): ${events.length} events, ${acks.length} acknowledged, INTERNAL_ERROR: ${internal.length}`);
    expect(malformed).toEqual([]);
    expect(internal).toEqual([]);
    for (const socket of sockets) expect(socket.connected).toBe(true);
    // The sockets still work: a legitimate subscribe is acknowledged.
    expect(await emitAck(sockets[0], 'subscribe', { recipientId: fixture.ids.id })).toMatchObject({ ok: true });
    for (const socket of sockets) socket.close();
    expect((await t.get('/health')).status).toBe(200);
  }, 300_000);
});
