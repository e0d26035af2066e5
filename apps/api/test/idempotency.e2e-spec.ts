import { Writable } from 'node:stream';
import { createLogger, loadConfig, uuidv7 } from '#libs/platform/index.js';
import { createApp } from '../create-app.js';
import { expectError, TestApp } from './harness.js';

describe('Idempotency-Key on creating POSTs', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['actor']>>;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = await t.actor('system_admin', 'other');
  });
  afterAll(() => t.close());

  const newOrg = (name = `組織-${uuidv7()}`) => ({ name, kind: 'social_welfare_council' });
  const withKey = (key: string) => ({ 'idempotency-key': key });
  const orgsNamed = async (name: string) => (await t.ownerQuery(`SELECT id FROM organisations WHERE name = $1`, [name])).length;

  it('creates one record for 100 parallel POSTs with one key and answers all of them the same 201', async () => {
    const body = newOrg();
    const key = uuidv7();
    const answers = await Promise.all(Array.from({ length: 100 }, () => t.post('/organisations', admin.token, body, withKey(key))));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await orgsNamed(body.name)).toBe(1);
    // The key row commits with the record it protects and names it.
    const [row] = await t.ownerQuery(`SELECT status, resource_id, completed_at FROM idempotency_keys WHERE key = $1`, [key]);
    expect(row).toMatchObject({ status: 201, resource_id: answers[0].body.id });
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(99);
    // Written by one transaction: a crash cannot leave the organisation without its key, or the key without it.
    const [{ xmin: keyTx }] = await t.ownerQuery(`SELECT xmin::text FROM idempotency_keys WHERE key = $1`, [key]);
    const [{ xmin: orgTx }] = await t.ownerQuery(`SELECT xmin::text FROM organisations WHERE id = $1`, [row.resource_id]);
    expect(keyTx).toBe(orgTx);
  });

  it('holds across instances: duplicates sent to two servers on one database create one record', async () => {
    // A second server on the same database, as behind a load balancer: its duplicates wait on the key row in PostgreSQL.
    const config = loadConfig({
      DATABASE_URL: t.db.url,
      JWT_SECRET: 'test-secret-test-secret-test-secret-0001',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
    });
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const second = await createApp(config, createLogger('warn', quiet), { swaggerUi: false });
    await second.listen({ port: 0, host: '127.0.0.1' });
    try {
      const secondUrl = `${(await second.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
      const body = newOrg();
      const key = uuidv7();
      const viaSecond = () =>
        fetch(`${secondUrl}/organisations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, text: await res.text() }));
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? viaSecond() : t.post('/organisations', admin.token, body, withKey(key)))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((a) => JSON.parse(a.text).id)).size).toBe(1);
      expect(await orgsNamed(body.name)).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('replays a sequential retry whose body has the same members in another order', async () => {
    const key = uuidv7();
    const name = `組織-${uuidv7()}`;
    const first = await t.request('POST', '/organisations', {
      token: admin.token,
      rawBody: `{"name":${JSON.stringify(name)},"kind":"medical"}`,
      headers: { ...withKey(key), 'content-type': 'application/json' },
    });
    const again = await t.request('POST', '/organisations', {
      token: admin.token,
      rawBody: `{ "kind": "medical", "name": ${JSON.stringify(name)} }`,
      headers: { ...withKey(key), 'content-type': 'application/json' },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await orgsNamed(name)).toBe(1);
  });

  it('refuses the same key with another body with 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const key = uuidv7();
    expect((await t.post('/organisations', admin.token, newOrg(), withKey(key))).status).toBe(201);
    const other = newOrg();
    expectError(await t.post('/organisations', admin.token, other, withKey(key)), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await orgsNamed(other.name)).toBe(0);
  });

  it('keeps keys of different users apart', async () => {
    const other = await t.actor('system_admin', 'other');
    const key = uuidv7();
    const a = await t.post('/organisations', admin.token, newOrg(), withKey(key));
    const b = await t.post('/organisations', other.token, newOrg(), withKey(key));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('forgets a key after 24 hours', async () => {
    const key = uuidv7();
    expect((await t.post('/organisations', admin.token, newOrg(), withKey(key))).status).toBe(201);
    await t.ownerQuery(`UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 second' WHERE key = $1`, [key]);
    const later = newOrg();
    const res = await t.post('/organisations', admin.token, later, withKey(key));
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await orgsNamed(later.name)).toBe(1);
  });

  it('does not remember a failed answer: the key stays free and nothing of it is stored', async () => {
    const taken = newOrg();
    expect((await t.post('/organisations', admin.token, taken)).status).toBe(201);
    const key = uuidv7();
    expectError(await t.post('/organisations', admin.token, taken, withKey(key)), 409, 'CONFLICT_DUPLICATE');
    expectError(await t.post('/organisations', admin.token, { name: 'x', kind: 'nope' }, withKey(key)), 400, 'VALIDATION_FAILED');
    expect(await t.ownerQuery(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key])).toHaveLength(0);
    const fixed = newOrg();
    expect((await t.post('/organisations', admin.token, fixed, withKey(key))).status).toBe(201);
    expect(await orgsNamed(fixed.name)).toBe(1);
  });

  it('refuses a key longer than 255 characters with 400 and accepts one of exactly 255', async () => {
    const res = expectError(await t.post('/organisations', admin.token, newOrg(), withKey('k'.repeat(256))), 400, 'VALIDATION_FAILED');
    expect(res.details).toEqual([{ field: 'Idempotency-Key', constraint: 'maxLength' }]);
    expect((await t.post('/organisations', admin.token, newOrg(), withKey('k'.repeat(255)))).status).toBe(201);
  });

  it('checks access again on a replay: a caller who lost its role gets 403, a deactivated one 401', async () => {
    const sysadmin = await t.actor('system_admin', 'other');
    const key = uuidv7();
    const body = newOrg();
    expect((await t.post('/organisations', sysadmin.token, body, withKey(key))).status).toBe(201);
    await t.ownerQuery(`UPDATE users SET role = 'caseworker' WHERE id = $1`, [sysadmin.id]);
    expectError(await t.post('/organisations', sysadmin.token, body, withKey(key)), 403, 'ROLE_FORBIDDEN');
    await t.ownerQuery(`UPDATE users SET role = 'system_admin', active = false WHERE id = $1`, [sysadmin.id]);
    const gone = await t.post('/organisations', sysadmin.token, body, withKey(key));
    expect(gone.status).toBe(401);
  });

  it('applies to POST /users: a retried user creation creates one user', async () => {
    const orgAdmin = await t.actor('org_admin', 'social_welfare_council');
    const body = {
      loginId: `retry.${uuidv7().slice(-8)}`,
      displayName: '佐藤 花子',
      organisationId: orgAdmin.organisationId,
      role: 'caseworker',
      password: 'a-long-password-0001',
    };
    const key = uuidv7();
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.post('/users', orgAdmin.token, body, withKey(key))));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await t.ownerQuery(`SELECT 1 FROM users WHERE login_id = $1`, [body.loginId])).toHaveLength(1);
    expect(await t.auditEvents(`action = 'user.create' AND resource_id = $1`, [answers[0].body.id])).toHaveLength(1);
    expectError(await t.post('/users', orgAdmin.token, { ...body, displayName: '別人' }, withKey(key)), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('leaves requests without the header alone', async () => {
    const body = newOrg();
    expect((await t.post('/organisations', admin.token, body)).status).toBe(201);
    expectError(await t.post('/organisations', admin.token, body), 409, 'CONFLICT_DUPLICATE');
  });

  describe('on recipient routes', () => {
    let lead: Awaited<ReturnType<TestApp['actor']>>;
    let partnerOrg: string;
    beforeAll(async () => {
      lead = await t.actor('caseworker', 'municipal_department');
      partnerOrg = await t.organisation('social_welfare_council');
    });
    const count = async (table: string, where: string, params: unknown[]) =>
      (await t.ownerQuery(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;

    it('POST /recipients: parallel retries create one recipient; a replay after the caller lost its role is refused', async () => {
      const body = { familyName: '冪等', givenName: uuidv7().slice(-8), familyNameKana: 'ベキトウ' };
      const key = uuidv7();
      const answers = await Promise.all(Array.from({ length: 8 }, () => t.post('/recipients', lead.token, body, withKey(key))));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await count('recipients', 'given_name = $1', [body.givenName])).toBe(1);
      const other = await t.user(lead.organisationId, 'caseworker');
      const otherToken = await t.tokenFor(other.id);
      expect((await t.post('/recipients', otherToken, body, withKey(key))).status).toBe(201);
      expect(await count('recipients', 'given_name = $1', [body.givenName])).toBe(2);
      await t.ownerQuery(`UPDATE users SET role = 'auditor' WHERE id = $1`, [lead.id]);
      expectError(await t.post('/recipients', lead.token, body, withKey(key)), 403, 'ROLE_FORBIDDEN');
      await t.ownerQuery(`UPDATE users SET role = 'caseworker' WHERE id = $1`, [lead.id]);
    });

    it('POST grants and consents: one record per key; a caller no longer lead gets what a fresh request gets', async () => {
      const rid = (await t.post('/recipients', lead.token, { familyName: '同意', givenName: '確認' })).body.id;
      const consent = {
        organisationIds: [partnerOrg],
        fieldGroups: ['basic', 'contact'],
        purpose: '見守り支援のための情報共有',
        obtainedOn: '2026-11-20',
        method: 'written',
        signatory: 'self',
      };
      const ckey = uuidv7();
      const c1 = await t.post(`/recipients/${rid}/consents`, lead.token, consent, withKey(ckey));
      const c2 = await t.post(`/recipients/${rid}/consents`, lead.token, consent, withKey(ckey));
      expect([c1.status, c2.status]).toEqual([201, 201]);
      expect(c2.body).toEqual(c1.body);
      expect(await count('consents', 'recipient_id = $1', [rid])).toBe(1);
      const grant = { granteeOrganisationId: partnerOrg, fieldGroups: ['basic'], permissions: ['notes.read'], legalBasis: 'support_meeting', basisReference: '支援会議 2026-11-01' };
      const gkey = uuidv7();
      const grants = await Promise.all(Array.from({ length: 5 }, () => t.post(`/recipients/${rid}/grants`, lead.token, grant, withKey(gkey))));
      expect(grants.map((g) => g.status)).toEqual(Array(5).fill(201));
      expect(await count('grants', 'recipient_id = $1', [rid])).toBe(1);
      expectError(await t.post(`/recipients/${rid}/grants`, lead.token, { ...grant, permissions: [] }, withKey(gkey)), 422, 'IDEMPOTENCY_KEY_REUSED');
      // The same user moved to another organisation: the recipient no longer exists for it.
      const elsewhere = await t.organisation('municipal_department');
      await t.ownerQuery(`UPDATE users SET organisation_id = $2 WHERE id = $1`, [lead.id, elsewhere]);
      const moved = await t.tokenFor(lead.id);
      expectError(await t.post(`/recipients/${rid}/grants`, moved, grant, withKey(gkey)), 404, 'NOT_FOUND');
      expectError(await t.post(`/recipients/${rid}/consents`, moved, consent, withKey(ckey)), 404, 'NOT_FOUND');
      await t.ownerQuery(`UPDATE users SET organisation_id = $2 WHERE id = $1`, [lead.id, lead.organisationId]);
    });
  });
});
