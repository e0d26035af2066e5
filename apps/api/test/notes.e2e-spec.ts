import { uuidv7 } from '#libs/platform/index.js';
import { type ApiResponse, expectError, TestApp } from './harness.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('case notes: visibility, writing, editing, retraction, pagination, audit', () => {
  let t: TestApp;
  let lead: Actor;
  let recipientId: string;

  const newRecipient = async (token: string, family = '山田', given = '太郎') => {
    const res = await t.post('/recipients', token, { familyName: family, givenName: given, familyNameKana: 'ヤマダ', givenNameKana: 'タロウ' });
    if (res.status !== 201) throw new Error(`recipient: ${res.status} ${res.text}`);
    return res.body.id as string;
  };
  const grant = async (rid: string, orgId: string, fieldGroups: string[], permissions: string[]) => {
    const res = await t.post(`/recipients/${rid}/grants`, lead.token, {
      granteeOrganisationId: orgId,
      fieldGroups,
      permissions,
      legalBasis: 'support_meeting',
      basisReference: '2026-11-01 支援会議',
    });
    if (res.status !== 201) throw new Error(`grant: ${res.status} ${res.text}`);
    return res.body.id as string;
  };
  const partner = async (fieldGroups: string[], permissions: string[], rid = recipientId) => {
    const a = await t.actor('caseworker', 'social_welfare_council');
    const grantId = await grant(rid, a.organisationId, fieldGroups, permissions);
    return { ...a, grantId };
  };
  const note = (sensitivity: string, body: string, extra: Record<string, unknown> = {}) => ({
    occurredAt: '2026-11-20T10:30:00+09:00',
    contactType: 'visit',
    counterpart: '本人',
    title: '定期訪問',
    body,
    sensitivity,
    ...extra,
  });
  const write = async (who: { token: string }, sensitivity: string, body: string, rid = recipientId) => {
    const res = await t.post(`/recipients/${rid}/notes`, who.token, note(sensitivity, body));
    if (res.status !== 201) throw new Error(`note: ${res.status} ${res.text}`);
    return res.body;
  };
  const listBodies = async (who: { token: string }, query = '', rid = recipientId) => {
    const res = await t.get(`/recipients/${rid}/notes${query}`, who.token);
    if (res.status !== 200) return res.status;
    return (res.body.items as { body: string }[]).map((n) => n.body).sort();
  };

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker', 'municipal_department');
    recipientId = await newRecipient(lead.token);
  });
  afterAll(() => t.close());

  describe('visibility matrix', () => {
    let m: Record<string, Actor & { grantId?: string }>;
    beforeAll(async () => {
      m = {
        none: await partner(['basic'], []),
        healthOnly: await partner(['basic', 'health'], []),
        read: await partner(['basic'], ['notes.read']),
        readHealth: await partner(['basic', 'health'], ['notes.read']),
        writeOnly: await partner(['basic'], ['notes.write']),
        readWrite: await partner(['basic'], ['notes.read', 'notes.write']),
        outsider: await t.actor('caseworker', 'social_welfare_council'),
      };
      for (const s of ['normal', 'sensitive', 'author_org_only']) {
        await write(lead, s, `lead-${s}`);
        await write(m.readWrite, s, `partner-${s}`);
      }
      await write(m.writeOnly, 'normal', 'writer-normal');
    });

    it('the lead organisation reads everything but other organisations\' author_org_only notes', async () => {
      expect(await listBodies(lead)).toEqual(
        ['lead-author_org_only', 'lead-normal', 'lead-sensitive', 'partner-normal', 'partner-sensitive', 'writer-normal'].sort(),
      );
    });

    it('a partner with notes.read reads normal notes; sensitive ones only with the health group', async () => {
      expect(await listBodies(m.read)).toEqual(['lead-normal', 'partner-normal', 'writer-normal']);
      expect(await listBodies(m.readHealth)).toEqual(['lead-normal', 'lead-sensitive', 'partner-normal', 'partner-sensitive', 'writer-normal']);
    });

    it('an organisation always reads the notes it wrote, whatever their sensitivity', async () => {
      expect(await listBodies(m.readWrite)).toEqual(
        ['lead-normal', 'partner-author_org_only', 'partner-normal', 'partner-sensitive', 'writer-normal'].sort(),
      );
      expect(await listBodies(m.writeOnly)).toEqual(['writer-normal']);
    });

    it('refuses lists to a partner without notes.read (403), an outsider (404) and non-case roles (403 ROLE_FORBIDDEN)', async () => {
      expectError(await t.get(`/recipients/${recipientId}/notes`, m.none.token), 403, 'GRANT_SCOPE_MISSING');
      expectError(await t.get(`/recipients/${recipientId}/notes`, m.healthOnly.token), 403, 'GRANT_SCOPE_MISSING');
      expectError(await t.get(`/recipients/${recipientId}/notes`, m.outsider.token), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/${uuidv7()}/notes`, lead.token), 404, 'NOT_FOUND');
      expectError(await t.get(`/recipients/not-a-uuid/notes`, lead.token), 404, 'NOT_FOUND');
      const auditor = await t.actor('auditor', 'municipal_department');
      expectError(await t.get(`/recipients/${recipientId}/notes`, auditor.token), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/recipients/${recipientId}/notes`), 401, 'UNAUTHENTICATED');
      const denied = await t.auditEvents(`action = 'note.list' AND outcome = 'denied' AND actor_user_id = $1`, [m.outsider.id]);
      expect(denied).toHaveLength(1);
    });

    it('answers single notes under the same rules: invisible → 404, no notes.read at all → 403', async () => {
      const all = (await t.get(`/recipients/${recipientId}/notes`, lead.token)).body.items as { id: string; body: string }[];
      const id = (body: string) => all.find((n) => n.body === body)!.id;
      const one = (who: Actor, noteId: string) => t.get(`/recipients/${recipientId}/notes/${noteId}`, who.token);
      const res = await one(m.readHealth, id('lead-sensitive'));
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
      expectError(await one(m.read, id('lead-sensitive')), 404, 'NOT_FOUND');
      expectError(await one(m.readHealth, id('lead-author_org_only')), 404, 'NOT_FOUND');
      expectError(await one(m.none, id('lead-normal')), 403, 'GRANT_SCOPE_MISSING');
      expectError(await one(m.outsider, id('lead-normal')), 404, 'NOT_FOUND');
      expectError(await one(lead, uuidv7()), 404, 'NOT_FOUND');
      expect((await one(m.writeOnly, id('writer-normal'))).status).toBe(200);
      const reads = await t.auditEvents(`action = 'note.read' AND resource_id = $1 AND outcome = 'allowed'`, [id('lead-sensitive')]);
      expect(reads[0]).toMatchObject({ recipient_id: recipientId, field_groups: ['health'], legal_basis: 'support_meeting' });
    });

    it('lets the lead and notes.write partners write; others get 403 or 404', async () => {
      expectError(await t.post(`/recipients/${recipientId}/notes`, m.read.token, note('normal', 'x')), 403, 'GRANT_SCOPE_MISSING');
      expectError(await t.post(`/recipients/${recipientId}/notes`, m.outsider.token, note('normal', 'x')), 404, 'NOT_FOUND');
      const created = await t.post(`/recipients/${recipientId}/notes`, m.writeOnly.token, note('sensitive', 'writer-sensitive'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        recipientId,
        authorUserId: m.writeOnly.id,
        authorOrganisationId: m.writeOnly.organisationId,
        occurredAt: '2026-11-20T01:30:00.000Z',
        contactType: 'visit',
        counterpart: '本人',
        title: '定期訪問',
        body: 'writer-sensitive',
        sensitivity: 'sensitive',
        version: 1,
      });
      expect(created.body.retractedAt).toBeUndefined();
      const [event] = await t.auditEvents(`action = 'note.create' AND resource_id = $1`, [created.body.id]);
      expect(event).toMatchObject({ recipient_id: recipientId, outcome: 'allowed', grant_id: m.writeOnly.grantId });
      expect(JSON.stringify(event)).not.toContain('writer-sensitive');
    });

    it('validates note bodies', async () => {
      const post = (body: unknown) => t.post(`/recipients/${recipientId}/notes`, lead.token, body);
      expectError(await post({ ...note('normal', 'x'), contactType: 'fax' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ ...note('normal', 'x'), sensitivity: 'secret' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ ...note('normal', ''), body: '' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ ...note('normal', 'x'), occurredAt: 'yesterday' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ ...note('normal', 'x'), occurredAt: '2026-11-20T10:30:00' }), 400, 'VALIDATION_FAILED');
      expectError(await post({ ...note('normal', 'x'), authorUserId: lead.id }), 400, 'VALIDATION_FAILED');
      const minimal = await post({ occurredAt: '2026-11-21T09:00:00Z', contactType: 'phone', body: '電話連絡', sensitivity: 'normal' });
      expect(minimal.status).toBe(201);
      expect(minimal.body).toMatchObject({ counterpart: null, title: null });
    });

    it('loses access at once when the grant is revoked', async () => {
      const p = await partner(['basic'], ['notes.read', 'notes.write']);
      await write(p, 'normal', 'soon-revoked');
      expect((await t.get(`/recipients/${recipientId}/notes`, p.token)).status).toBe(200);
      const revoke = await t.post(`/recipients/${recipientId}/grants/${p.grantId}/revoke`, lead.token, { reason: '支援終了' });
      expect(revoke.status).toBeLessThan(300);
      expectError(await t.get(`/recipients/${recipientId}/notes`, p.token), 404, 'NOT_FOUND');
    });
  });

  describe('editing and retracting', () => {
    let author: Actor;
    let colleague: Actor;
    let rid: string;

    beforeAll(async () => {
      rid = await newRecipient(lead.token, '佐藤', '花子');
      author = await t.actor('caseworker', 'community_support_center');
      colleague = { ...(await t.user(author.organisationId)), token: '' };
      colleague.token = await t.tokenFor(colleague.id);
      await grant(rid, author.organisationId, ['basic', 'health'], ['notes.read', 'notes.write']);
    });

    it('lets the author edit with If-Match, keeps the previous text in the history, and refuses everyone else', async () => {
      const created = await write(author, 'normal', '初回の記録', rid);
      const path = `/recipients/${rid}/notes/${created.id}`;
      expectError(await t.patch(path, author.token, { body: '修正' }), 428, 'PRECONDITION_REQUIRED');
      const stale = expectError(await t.patch(path, author.token, { body: '修正' }, { 'if-match': '"7"' }), 412, 'VERSION_CONFLICT');
      expect(stale.version).toBe(1);
      expectError(await t.patch(path, colleague.token, { body: '修正' }, { 'if-match': '"1"' }), 403, 'NOT_AUTHOR');
      expectError(await t.patch(path, lead.token, { body: '修正' }, { 'if-match': '"1"' }), 403, 'NOT_AUTHOR');
      expectError(await t.patch(path, author.token, { body: null }, { 'if-match': '"1"' }), 400, 'VALIDATION_FAILED');
      expectError(await t.patch(path, author.token, { recipientId: uuidv7() }, { 'if-match': '"1"' }), 400, 'VALIDATION_FAILED');
      expectError(await t.patch(`/recipients/${rid}/notes/${uuidv7()}`, author.token, { body: 'x' }, { 'if-match': '"1"' }), 404, 'NOT_FOUND');
      const edited = await t.patch(path, author.token, { body: '修正後の記録', title: null, sensitivity: 'sensitive' }, { 'if-match': '"1"' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ body: '修正後の記録', title: null, sensitivity: 'sensitive', version: 2 });
      expect(edited.headers.get('etag')).toBe('"2"');
      expect(Date.parse(edited.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(edited.body.createdAt));
      const history = await t.get(`${path}/history`, author.token);
      expect(history.status).toBe(200);
      expect(history.body.items.map((v: any) => [v.version, v.change, v.body])).toEqual([
        [2, 'update', '修正後の記録'],
        [1, 'create', '初回の記録'],
      ]);
      // The lead (health group) reads both versions; the event names what changed, never the text.
      expect((await t.get(`${path}/history`, lead.token)).body.items).toHaveLength(2);
      const [event] = await t.auditEvents(`action = 'note.update' AND outcome = 'allowed' AND resource_id = $1`, [created.id]);
      expect(event.details).toEqual({ fields: ['title', 'body', 'sensitivity'] });
      expect((await t.auditEvents(`action = 'note.read' AND outcome = 'allowed' AND resource_id = $1`, [created.id])).length).toBeGreaterThanOrEqual(2);
    });

    it('hides history versions the reader may not see under their sensitivity', async () => {
      const reader = await partner(['basic'], ['notes.read'], rid);
      const created = await write(author, 'sensitive', '健康状態の記録', rid);
      const path = `/recipients/${rid}/notes/${created.id}`;
      await t.patch(path, author.token, { sensitivity: 'normal', body: '一般的な記録' }, { 'if-match': '"1"' });
      const history = await t.get(`${path}/history`, reader.token);
      expect(history.body.items.map((v: any) => v.version)).toEqual([2]);
    });

    it('lets the author retract once; the note leaves default lists and stays in its history', async () => {
      const created = await write(author, 'normal', '誤って記録', rid);
      const path = `/recipients/${rid}/notes/${created.id}`;
      expectError(await t.post(`${path}/retract`, colleague.token, { reason: '誤記' }), 403, 'NOT_AUTHOR');
      expectError(await t.post(`${path}/retract`, author.token, {}), 400, 'VALIDATION_FAILED');
      expectError(await t.post(`/recipients/${rid}/notes/${uuidv7()}/retract`, author.token, { reason: '誤記' }), 404, 'NOT_FOUND');
      const retracted = await t.post(`${path}/retract`, author.token, { reason: '別の対象者の記録' });
      expect(retracted.status).toBe(200);
      expect(retracted.body).toMatchObject({ retractReason: '別の対象者の記録', version: 2 });
      expect(typeof retracted.body.retractedAt).toBe('string');
      expectError(await t.post(`${path}/retract`, author.token, { reason: 'again' }), 409, 'ALREADY_RETRACTED');
      expectError(await t.patch(path, author.token, { body: 'x' }, { 'if-match': '"2"' }), 409, 'ALREADY_RETRACTED');
      const ids = async (q: string) => ((await t.get(`/recipients/${rid}/notes${q}`, lead.token)).body.items as { id: string }[]).map((n) => n.id);
      expect(await ids('')).not.toContain(created.id);
      expect(await ids('?includeRetracted=true')).toContain(created.id);
      const history = await t.get(`${path}/history`, author.token);
      expect(history.body.items.map((v: any) => [v.change, v.body])).toEqual([
        ['retract', '誤って記録'],
        ['create', '誤って記録'],
      ]);
      expect(await t.auditEvents(`action = 'note.retract' AND outcome = 'allowed' AND resource_id = $1`, [created.id])).toHaveLength(1);
      // Revisions are append-only for the application's role.
      await expect(t.dataSource.query(`DELETE FROM case_note_revisions WHERE note_id = $1`, [created.id])).rejects.toThrow();
    });

    it('filters by contactType, authorOrganisationId and occurredAt range', async () => {
      const rid2 = await newRecipient(lead.token, '鈴木', '一郎');
      const post = (extra: Record<string, unknown>, body: string) =>
        t.post(`/recipients/${rid2}/notes`, lead.token, note('normal', body, extra));
      await post({ contactType: 'phone', occurredAt: '2026-11-01T09:00:00+09:00' }, 'phone-1101');
      await post({ contactType: 'visit', occurredAt: '2026-11-10T15:00:00+09:00' }, 'visit-1110');
      await post({ contactType: 'visit', occurredAt: '2026-11-20T23:30:00+09:00' }, 'visit-1120');
      expect(await listBodies(lead, '?contactType=visit', rid2)).toEqual(['visit-1110', 'visit-1120']);
      expect(await listBodies(lead, '?from=2026-11-10&to=2026-11-20', rid2)).toEqual(['visit-1110', 'visit-1120']);
      expect(await listBodies(lead, '?to=2026-11-10T06:00:00Z', rid2)).toEqual(['phone-1101', 'visit-1110']);
      expect(await listBodies(lead, `?authorOrganisationId=${author.organisationId}`, rid2)).toEqual([]);
      expect(await listBodies(lead, `?authorOrganisationId=${lead.organisationId}`, rid2)).toHaveLength(3);
      expectError(await t.get(`/recipients/${rid2}/notes?contactType=fax`, lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get(`/recipients/${rid2}/notes?from=soon`, lead.token), 400, 'VALIDATION_FAILED');
      expectError(await t.get(`/recipients/${rid2}/notes?cursor=bogus`, lead.token), 400, 'INVALID_CURSOR');
      expectError(await t.get(`/recipients/${rid2}/notes?limit=0`, lead.token), 400, 'VALIDATION_FAILED');
    });
  });

  it('pages newest first by (createdAt, id) without duplicates or gaps while notes are being added', async () => {
    const rid = await newRecipient(lead.token, '田中', '次郎');
    const original: string[] = [];
    for (let i = 0; i < 24; i += 1) original.push((await write(lead, 'normal', `n${i}`, rid)).id);
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const res: ApiResponse = await t.get(`/recipients/${rid}/notes?limit=5${cursor ? `&cursor=${cursor}` : ''}`, lead.token);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      // Others keep writing between the pages.
      await Promise.all([write(lead, 'normal', `late-${page}a`, rid), write(lead, 'normal', `late-${page}b`, rid)]);
      page += 1;
    } while (cursor);
    const ids = seen.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of original) expect(ids).toContain(id);
    for (let i = 1; i < seen.length; i += 1) {
      const [a, b] = [seen[i - 1], seen[i]];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    const [event] = await t.auditEvents(`action = 'note.list' AND recipient_id = $1`, [rid]);
    expect(event).toMatchObject({ outcome: 'allowed', legal_basis: 'lead_organisation' });
  });

  it('accepts Idempotency-Key on POST notes and checks access again on a replay', async () => {
    const p = await partner(['basic'], ['notes.read', 'notes.write']);
    const key = uuidv7();
    const body = note('normal', '冪等性の確認');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.post(`/recipients/${recipientId}/notes`, p.token, body, { 'idempotency-key': key })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await t.ownerQuery(`SELECT 1 FROM case_notes WHERE body = '冪等性の確認'`)).toHaveLength(1);
    expectError(
      await t.post(`/recipients/${recipientId}/notes`, p.token, { ...body, body: '別の本文' }, { 'idempotency-key': key }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    await t.post(`/recipients/${recipientId}/grants/${p.grantId}/revoke`, lead.token, { reason: '支援終了' });
    expectError(await t.post(`/recipients/${recipientId}/notes`, p.token, body, { 'idempotency-key': key }), 404, 'NOT_FOUND');
  });
});
