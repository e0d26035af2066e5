import { randomUUID } from 'node:crypto';
import { ERROR_CODES } from '#libs/contracts/index.js';
import { createLogger, loadConfig, SESSION_ERRORS } from '#libs/platform/index.js';
import { createApp, openApiDocument } from '../create-app.js';
import { type ApiResponse, type RequestOptions, TEST_PASSWORD, TestApp } from './harness.js';
import { FULL_RECIPIENT } from './recipient-fixtures.js';

type Schema = Record<string, any>;
interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ERROR_SCHEMAS = ['#/components/schemas/ErrorResponse', '#/components/schemas/VersionConflictResponse'];
const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/,
};

/** Where `value` breaks `schema` (the subset of OpenAPI 3.0 the document uses); undeclared properties count too. */
function violations(doc: Document, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return violations(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!], value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null`];
  if (value === undefined) return [`${at}: missing`];
  if (schema.allOf) return (schema.allOf as Schema[]).flatMap((s) => violations(doc, s, value, at));
  if (schema.oneOf && !(schema.oneOf as Schema[]).some((s) => violations(doc, s, value, at).length === 0)) return [`${at}: no oneOf`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum}`];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case undefined:
      return [];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return schema.format && FORMATS[schema.format] && !FORMATS[schema.format].test(value) ? [`${at}: not a ${schema.format}`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => violations(doc, schema.items ?? {}, item, `${at}[${i}]`)) : [`${at}: not an array`];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      const properties: Record<string, Schema> = schema.properties ?? {};
      return [
        ...((schema.required ?? []) as string[]).filter((key) => !(key in record)).map((key) => `${at}.${key}: required`),
        ...Object.entries(record).flatMap(([key, v]) =>
          properties[key]
            ? violations(doc, properties[key], v, `${at}.${key}`)
            : schema.additionalProperties
              ? []
              : [`${at}.${key}: not declared`],
        ),
      ];
    }
    default:
      return [`${at}: unknown schema type ${type}`];
  }
}

const codesIn = (description: string) => [...description.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);

describe('the OpenAPI document describes every answer', () => {
  let t: TestApp;
  let doc: Document;
  const operations: { key: string; path: string; method: string; op: Operation }[] = [];
  /** Operations seen answering 2xx through `call`, each body checked against its declaration. */
  const succeeded = new Set<string>();

  beforeAll(async () => {
    t = await TestApp.start();
    const res = await fetch(`${t.baseUrl}/api/docs.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        if (item[method]) operations.push({ key: `${method} ${path}`, path, method, op: item[method] });
      }
    }
  });
  afterAll(() => t.close());

  /**
   * Calls an operation by its documented path and checks the answer against the document: the status must be
   * declared, the body must match the declared schema of its content type, an error's code must be one the
   * declaration lists.
   */
  async function call(method: string, path: string, params: Record<string, string>, options: RequestOptions = {}): Promise<ApiResponse> {
    const op = doc.paths[`/api/v1${path.split('?')[0]}`]?.[method];
    if (!op) throw new Error(`no operation ${method} ${path} in the document`);
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]);
    const res = await t.request(method.toUpperCase(), url, options);
    const declared = op.responses[String(res.status)];
    if (!declared) throw new Error(`${method} ${path} answered ${res.status}, not declared: ${res.text.slice(0, 300)}`);
    if (res.status === 204) {
      expect(res.text).toBe('');
      expect(declared.content).toBeUndefined();
    } else {
      const type = (res.headers.get('content-type') ?? '').split(';')[0];
      const media = declared.content?.[type];
      if (!media) throw new Error(`${method} ${path} answered ${res.status} as ${type}, not declared`);
      const problems = type === 'application/json' ? violations(doc, media.schema, res.body) : typeof res.text === 'string' ? [] : ['not text'];
      if (problems.length > 0) {
        throw new Error(`${method} ${path} ${res.status}: the body breaks its schema:\n${problems.join('\n')}\n${res.text.slice(0, 500)}`);
      }
    }
    if (res.status >= 400) expect(codesIn(declared.description)).toContain(res.body.code);
    if (res.status < 300) succeeded.add(`${method} /api/v1${path.split('?')[0]}`);
    return res;
  }

  it('is the document the dumped client is generated from (built without a database)', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://preview@127.0.0.1:1/preview', JWT_SECRET: 'x'.repeat(40) });
    const preview = await createApp(config, createLogger('error'), { swaggerUi: false, preview: true });
    try {
      expect(JSON.parse(JSON.stringify(openApiDocument(preview)))).toEqual(doc);
    } finally {
      await preview.close();
    }
  });

  it('documents every route of the API (/api/v1; /metrics and the web app lie outside it)', () => {
    const mapped = t.logLines
      .map((line) => /Mapped \{([^,]+), (\w+)\} route/.exec(String((JSON.parse(line) as { nest?: unknown }).nest ?? '')))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[2].toLowerCase()} ${m[1].replace(/:(\w+)/g, '{$1}')}`);
    expect(mapped).toContain('get /metrics');
    expect(mapped.filter((route) => / \/api\/v1\//.test(route)).sort()).toEqual(operations.map((o) => o.key).sort());
  });

  it('declares for every operation a 2xx body with a schema (or an explicit 204) and its errors with the error shape', () => {
    expect(operations.length).toBeGreaterThanOrEqual(34);
    const problems: string[] = [];
    for (const { key, path, method, op } of operations) {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) problems.push(`${key}: no 2xx answer`);
      for (const [status, response] of success) {
        if (status === '204') continue;
        const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
        if (schemas.length === 0 || schemas.some((s) => !s?.$ref && !s?.type)) problems.push(`${key}: ${status} without a schema`);
      }
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
        const ref = response.content?.['application/json']?.schema?.$ref;
        const healthDown = path === '/api/v1/health' && method === 'get' && status === '503';
        if (!healthDown && !ERROR_SCHEMAS.includes(ref)) problems.push(`${key}: ${status} is not the error shape`);
        if (Object.keys(response.content ?? {}).some((type) => type !== 'application/json')) problems.push(`${key}: ${status} not JSON`);
        if (!healthDown) {
          const codes = codesIn(response.description);
          if (codes.length === 0) problems.push(`${key}: ${status} lists no error code`);
          for (const code of codes) {
            if (String(ERROR_CODES[code as keyof typeof ERROR_CODES]) !== status) problems.push(`${key}: ${code} is not a ${status}`);
          }
        }
      }
      if (op.security) {
        const unauthorised = codesIn(op.responses['401']?.description ?? '');
        for (const code of SESSION_ERRORS) if (!unauthorised.includes(code)) problems.push(`${key}: 401 ${code} not declared`);
      }
      if (!op.responses['500']) problems.push(`${key}: no 500`);
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_CODES));
    expect(doc.components.schemas.ErrorResponse.required).toEqual(['statusCode', 'error', 'code', 'message', 'requestId']);
    const empty = Object.entries(doc.components.schemas).filter(([, s]) => s.type === 'object' && !s.properties && !s.additionalProperties);
    expect(empty.map(([name]) => name)).toEqual([]);
  });

  it('is followed by the app: every operation answers without a token as its security says, 401 as declared', async () => {
    const ids = { id: randomUUID(), noteId: randomUUID(), grantId: randomUUID(), consentId: randomUUID() };
    for (const { path, method, op } of operations) {
      const res = await call(method, path.replace('/api/v1', ''), ids, method === 'get' ? {} : { body: {} });
      if (op.security) expect({ path, method, status: res.status }).toEqual({ path, method, status: 401 });
      else expect({ path, method, unauthorised: res.status === 401 }).toEqual({ path, method, unauthorised: false });
    }
  });

  it('answers every operation with a body that matches its declared schema, errors included', async () => {
    const lead = await t.actor('caseworker', 'municipal_department');
    const partner = await t.actor('caseworker', 'community_support_center');
    const auditor = await t.actor('auditor', 'municipal_department');
    const admin = await t.actor('system_admin', 'other');
    const none = {};

    // auth and /me
    const login = await call('post', '/auth/login', none, { body: { loginId: lead.loginId, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect((await call('post', '/auth/refresh', none, { body: { refreshToken: login.body.refreshToken } })).status).toBe(200);
    expect((await call('get', '/me', none, { token: lead.token })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await call('post', '/auth/login', none, { body: { loginId: 'nobody.here', password: 'wrong-password-0' } })).status).toBe(401);
    }
    const throttled = await call('post', '/auth/login', none, { body: { loginId: 'nobody.here', password: 'wrong-password-0' } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    const changer = await t.actor('caseworker', 'medical');
    const password = { currentPassword: TEST_PASSWORD, newPassword: 'another-password-0002' };
    expect((await call('post', '/auth/password', none, { token: changer.token, body: password })).status).toBe(204);
    expect((await call('get', '/health', none)).status).toBe(200);

    // organisations and users
    const orgs = await call('get', '/organisations', none, { token: lead.token });
    expect(orgs.body.items.length).toBeGreaterThan(0);
    expect((await call('get', '/organisations/{id}', { id: lead.organisationId }, { token: lead.token })).status).toBe(200);
    const org = await call('post', '/organisations', none, { token: admin.token, body: { name: `文書 ${randomUUID()}`, kind: 'other' } });
    expect(org.status).toBe(201);
    const orgPath = { id: org.body.id };
    const rename = { name: `改名 ${randomUUID()}` };
    expect((await call('patch', '/organisations/{id}', orgPath, { token: admin.token, body: rename })).status).toBe(428);
    expect((await call('patch', '/organisations/{id}', orgPath, { token: admin.token, body: rename, headers: { 'if-match': '"1"' } })).status).toBe(200);
    const stale = await call('patch', '/organisations/{id}', orgPath, { token: admin.token, body: rename, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.version).toBe(2);
    expect((await call('get', '/users', none, { token: admin.token })).body.items.length).toBeGreaterThan(0);
    const user = await call('post', '/users', none, {
      token: admin.token,
      body: { loginId: `doc.${Date.now()}`, displayName: '文書 確認', organisationId: org.body.id, role: 'caseworker', password: 'long-enough-password-1' },
    });
    expect(user.status).toBe(201);
    expect((await call('get', '/users/{id}', { id: user.body.id }, { token: admin.token })).status).toBe(200);
    const rename2 = { token: admin.token, body: { displayName: '文書 再確認' }, headers: { 'if-match': '"1"' } };
    expect((await call('patch', '/users/{id}', { id: user.body.id }, rename2)).status).toBe(200);

    // recipients, with every field group
    expect((await call('post', '/recipients', none, { token: lead.token, body: { ...FULL_RECIPIENT, nope: 1 } })).status).toBe(400);
    const unsupported = { token: lead.token, rawBody: 'x', headers: { 'content-type': 'text/plain' } };
    expect((await call('post', '/recipients', none, unsupported)).status).toBe(415);
    const created = await call('post', '/recipients', none, { token: lead.token, body: FULL_RECIPIENT });
    expect(created.status).toBe(201);
    const r = { id: created.body.id };
    expect((await call('get', '/recipients', none, { token: lead.token })).body.items.length).toBe(1);
    expect((await call('get', '/recipients/{id}', r, { token: lead.token })).body.healthNotes).toBe(FULL_RECIPIENT.healthNotes);
    expect((await call('get', '/recipients/{id}', { id: randomUUID() }, { token: lead.token })).status).toBe(404);
    expect((await call('get', '/recipients', none, { token: auditor.token })).status).toBe(403);
    const change = { phone: '0256-11-1111', supportCategories: ['elderly', 'poverty'], careLevel: null };
    const patched = await call('patch', '/recipients/{id}', r, { token: lead.token, body: change, headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(200);
    const history = await call('get', '/recipients/{id}/history', r, { token: lead.token });
    expect(history.body.items[0].changes.map((c: { field: string }) => c.field).sort()).toEqual(['careLevel', 'phone', 'supportCategories']);

    // notes
    const noteBody = { occurredAt: '2026-11-20T10:30:00+09:00', contactType: 'visit', body: '自宅を訪問。', sensitivity: 'normal' };
    const note = await call('post', '/recipients/{id}/notes', r, { token: lead.token, body: noteBody });
    expect(note.status).toBe(201);
    const n = { ...r, noteId: note.body.id };
    expect((await call('get', '/recipients/{id}/notes', r, { token: lead.token })).body.items).toHaveLength(1);
    expect((await call('get', '/recipients/{id}/notes/{noteId}', n, { token: lead.token })).status).toBe(200);
    const retitle = { token: lead.token, body: { title: '定期訪問' }, headers: { 'if-match': '"1"' } };
    expect((await call('patch', '/recipients/{id}/notes/{noteId}', n, retitle)).status).toBe(200);
    expect((await call('post', '/recipients/{id}/notes/{noteId}/retract', n, { token: lead.token, body: { reason: '誤記' } })).status).toBe(200);
    expect((await call('get', '/recipients/{id}/notes/{noteId}/history', n, { token: lead.token })).body.items).toHaveLength(3);

    // consents and grants
    const consentBody = {
      organisationIds: [partner.organisationId],
      fieldGroups: ['basic', 'contact'],
      purpose: '見守り',
      obtainedOn: '2026-11-20',
      method: 'written',
      signatory: 'self',
    };
    const consent = await call('post', '/recipients/{id}/consents', r, { token: lead.token, body: consentBody });
    expect(consent.status).toBe(201);
    expect((await call('get', '/recipients/{id}/consents', r, { token: lead.token })).body.items).toHaveLength(1);
    const grantBody = {
      granteeOrganisationId: partner.organisationId,
      fieldGroups: ['basic', 'contact'],
      permissions: ['notes.read'],
      legalBasis: 'consent',
      consentId: consent.body.id,
    };
    const granted = await call('post', '/recipients/{id}/grants', r, { token: lead.token, body: grantBody });
    expect(granted.status).toBe(201);
    const unknownGrantee = { ...grantBody, granteeOrganisationId: randomUUID() };
    expect((await call('post', '/recipients/{id}/grants', r, { token: lead.token, body: unknownGrantee })).status).toBe(422);
    expect((await call('get', '/recipients/{id}/grants', r, { token: partner.token })).body.items).toHaveLength(1);
    expect((await call('get', '/recipients/{id}', r, { token: partner.token })).body.healthNotes).toBeUndefined();
    const c = { ...r, consentId: consent.body.id };
    expect((await call('post', '/recipients/{id}/consents/{consentId}/withdraw', c, { token: lead.token, body: {} })).status).toBe(200);
    const other = await call('post', '/recipients/{id}/grants', r, {
      token: lead.token,
      body: { ...grantBody, legalBasis: 'support_meeting', consentId: undefined, basisReference: '支援会議 2026-11-20' },
    });
    const g = { ...r, grantId: other.body.id };
    expect((await call('post', '/recipients/{id}/grants/{grantId}/revoke', g, { token: lead.token, body: { reason: '終了' } })).status).toBe(200);
    expect((await call('post', '/recipients/{id}/grants/{grantId}/revoke', g, { token: lead.token, body: { reason: '終了' } })).status).toBe(409);
    expect((await call('get', '/grants', none, { token: auditor.token })).body.items.length).toBeGreaterThanOrEqual(2);

    // the audit log, as JSON and as CSV
    const events = await call('get', '/audit-events?limit=200', none, { token: auditor.token });
    expect(events.body.items.length).toBeGreaterThan(10);
    const csv = await call('get', '/audit-events?format=csv', none, { token: auditor.token });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await call('get', '/audit-events/verify', none, { token: auditor.token })).body.ok).toBe(true);
    const job = await call('post', '/audit-events/verify-jobs', none, { token: auditor.token, body: { mode: 'full' } });
    expect(job.status).toBe(202);
    expect((await call('get', '/audit-events/verify-jobs/{jobId}', { jobId: job.body.id }, { token: auditor.token })).status).toBe(200);
    expect((await call('get', '/audit-events?expand=names&limit=5', none, { token: auditor.token })).status).toBe(200);

    // auditor look-ups and the printable record
    const caseNumber = encodeURIComponent(created.body.caseNumber);
    const found = await call('get', `/audit/recipients?caseNumber=${caseNumber}`, none, { token: auditor.token });
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([r.id]);
    expect((await call('get', '/audit/recipients', none, { token: auditor.token })).status).toBe(400);
    expect((await call('get', '/audit/users?q=a', none, { token: auditor.token })).status).toBe(200);
    expect((await call('get', '/audit/users', none, { token: lead.token })).status).toBe(403);
    expect((await call('get', '/recipients/{id}/print', r, { token: lead.token })).body.recipient.id).toBe(r.id);
    expect((await call('get', '/recipients/{id}/print', { id: randomUUID() }, { token: lead.token })).status).toBe(404);

    expect((await call('post', '/auth/logout', none, { token: lead.token })).status).toBe(204);
    expect(operations.map((o) => o.key).filter((key) => !succeeded.has(key))).toEqual([]);
  }, 120_000); // every operation of the API, one after another
});
