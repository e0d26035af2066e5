import { AuditService, AuditVerifier, AuditVerifyJobs, chainHash, EVENT_COLUMNS, type VerifyProgress } from '#libs/audit/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { eventsOfRequest, sealNow, tamperer } from './audit-helpers.js';
import { expectError, TestApp } from './harness.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

describe('verification at scale: jobs with progress, checkpoints, incremental runs', () => {
  let t: TestApp;
  let auditor: Actor;
  let audit: AuditService;
  const actor = () => ({ userId: null, organisationId: null, requestId: uuidv7(), ip: '127.0.0.1', userAgent: 'verify-jobs' });

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.actor('auditor');
    audit = t.app.get(AuditService);
  });
  afterAll(() => t.close());

  /** Starts a job and waits for it (the instance that accepted it runs it), then reads it back over the API. */
  const runJob = async (mode?: 'full' | 'incremental') => {
    const started = await t.post('/audit-events/verify-jobs', auditor.token, mode ? { mode } : {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), requestedMode: mode ?? 'incremental' });
    await t.app.get(AuditVerifyJobs).settled(started.body.id);
    const done = await t.get(`/audit-events/verify-jobs/${started.body.id}`, auditor.token);
    expect(done.status).toBe(200);
    return { ...done.body, requestId: started.headers.get('x-request-id') };
  };
  /** `n` sealed events; their ids and seqs in seq order. */
  const sealedEvents = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await audit.recordAlone(actor(), { action: 'request.denied', resourceType: 'test', resourceId: `r${i}` }));
    await sealNow(t);
    return t.ownerQuery<{ seq: number; id: string }>(`SELECT seq::int AS seq, event_id::text AS id FROM audit_seals WHERE event_id = ANY($1) ORDER BY seq`, [ids]);
  };
  /** Changes one event as the database owner with triggers off; returns a function that puts it back. */
  const tamper = async (id: string) => {
    const db = await tamperer(t);
    const [{ user_agent }] = await db.query(`SELECT user_agent FROM audit_events WHERE id = $1`, [id]);
    await db.query(`UPDATE audit_events SET user_agent = 'forged' WHERE id = $1`, [id]);
    return async () => {
      await db.query(`UPDATE audit_events SET user_agent = $2 WHERE id = $1`, [id, user_agent]);
      await db.end();
    };
  };

  it('a first job checks the whole chain and leaves a checkpoint; the next checks only what is new', async () => {
    await sealedEvents(3);
    const first = await runJob();
    expect(first).toMatchObject({ state: 'done', ok: true, mode: 'full', fullReason: 'no_checkpoint', fromSeq: 1, firstBrokenId: null, reason: null });
    expect(first.checked).toBe(first.total);
    expect(first.checked).toBe(first.lastSeq);
    expect(first.lastHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.finishedAt).not.toBeNull();

    const fresh = await sealedEvents(4);
    const second = await runJob('incremental');
    expect(second).toMatchObject({ state: 'done', ok: true, mode: 'incremental', fullReason: null, fromSeq: first.lastSeq + 1 });
    // what is new: the four events, the first job's own audit.verify event, and the requests around it
    expect(second.checked).toBe(second.lastSeq - first.lastSeq);
    expect(second.checked).toBeGreaterThanOrEqual(4);
    expect(second.checked).toBeLessThan(second.lastSeq);
    expect(second.lastSeq).toBeGreaterThanOrEqual(fresh[3].seq);

    const full = await runJob('full');
    expect(full).toMatchObject({ ok: true, mode: 'full', fromSeq: 1, fullReason: null });
    const sync = await t.get('/audit-events/verify?mode=incremental', auditor.token);
    expect(sync.body).toMatchObject({ ok: true, mode: 'incremental', fromSeq: full.lastSeq + 1 });
  });

  it('records each run as audit.verify with its result and its id', async () => {
    const job = await runJob();
    const [event] = await eventsOfRequest(t, job.requestId);
    expect(event).toMatchObject({ action: 'audit.verify', actor_user_id: auditor.id, outcome: 'allowed' });
    expect(event.details).toMatchObject({ ok: true, verificationId: job.id, mode: 'incremental', lastSeq: job.lastSeq, lastHash: job.lastHash });
  });

  it('reports progress batch by batch over a long chain', async () => {
    await t.dataSource.query(
      `WITH e AS (INSERT INTO audit_events (id, at, action, resource_type, outcome, ip, user_agent, request_id)
         SELECT gen_random_uuid(), date_trunc('milliseconds', clock_timestamp()), 'test.bulk', 'test', 'allowed', '127.0.0.1', 'bulk', 'bulk-' || i
           FROM generate_series(1, 12000) i RETURNING id)
       INSERT INTO audit_pending (event_id) SELECT id FROM e`,
    );
    const seen: VerifyProgress[] = [];
    const result = await t.app.get(AuditVerifier).run('full', { onProgress: (p) => void seen.push(p) });
    expect(result.ok).toBe(true);
    expect(seen[0]).toMatchObject({ mode: 'full', fromSeq: 1, checked: 0 });
    expect(seen.map((p) => p.checked).slice(1, 3)).toEqual([5000, 10000]);
    expect(seen.at(-1)).toMatchObject({ checked: result.checked, total: result.checked });
    expect(new Set(seen.map((p) => p.total)).size).toBe(1);
  });

  it('an event changed inside the verified part is found by full and incremental runs alike, at that event', async () => {
    const events = await sealedEvents(5);
    expect(await runJob()).toMatchObject({ ok: true });
    const restore = await tamper(events[2].id);
    try {
      const incremental = await runJob('incremental');
      expect(incremental).toMatchObject({
        state: 'done',
        ok: false,
        firstBrokenId: events[2].id,
        firstBrokenSeq: events[2].seq,
        reason: 'hash_mismatch',
        mode: 'full',
        fullReason: 'verified_part_changed',
        lastSeq: events[2].seq - 1,
      });
      expect(await runJob('full')).toMatchObject({ ok: false, firstBrokenId: events[2].id, reason: 'hash_mismatch' });
      expect((await t.get('/audit-events/verify', auditor.token)).body).toMatchObject({ ok: false, firstBrokenId: events[2].id, reason: 'hash_mismatch' });
    } finally {
      await restore();
    }
    // Put back byte for byte: intact again (the row was rewritten, so the run is full), and a new checkpoint.
    expect(await runJob()).toMatchObject({ ok: true, mode: 'full', fullReason: 'verified_part_changed' });
    expect(await runJob()).toMatchObject({ ok: true, mode: 'incremental' });
  });

  it('an event changed after the checkpoint is found by the incremental run itself', async () => {
    expect(await runJob()).toMatchObject({ ok: true });
    const events = await sealedEvents(3);
    const restore = await tamper(events[1].id);
    try {
      expect(await runJob()).toMatchObject({ ok: false, mode: 'incremental', firstBrokenId: events[1].id, firstBrokenSeq: events[1].seq, reason: 'hash_mismatch' });
    } finally {
      await restore();
    }
    expect(await runJob()).toMatchObject({ ok: true, mode: 'incremental' });
  });

  it('a missing seq and a broken prevHash after the checkpoint are named as such', async () => {
    expect(await runJob()).toMatchObject({ ok: true });
    const events = await sealedEvents(3);
    const db = await tamperer(t);
    try {
      await db.query(`CREATE TEMP TABLE kept AS SELECT * FROM audit_seals WHERE event_id = $1`, [events[1].id]);
      await db.query(`DELETE FROM audit_seals WHERE event_id = $1`, [events[1].id]);
      expect(await runJob()).toMatchObject({ ok: false, mode: 'incremental', firstBrokenId: events[2].id, firstBrokenSeq: events[2].seq, reason: 'seq_gap' });
      await db.query(`INSERT INTO audit_seals SELECT * FROM kept`);
      await db.query(`UPDATE audit_seals SET prev_hash = repeat('a', 64) WHERE event_id = $1`, [events[2].id]);
      expect(await runJob()).toMatchObject({ ok: false, mode: 'incremental', firstBrokenId: events[2].id, reason: 'prev_hash_mismatch' });
      await db.query(`UPDATE audit_seals SET prev_hash = (SELECT hash FROM kept) WHERE event_id = $1`, [events[2].id]);
    } finally {
      await db.end();
    }
    expect(await runJob()).toMatchObject({ ok: true });
  });

  it('is for auditors only, and refuses bad input', async () => {
    const job = await runJob();
    for (const role of ['caseworker', 'org_admin', 'system_admin'] as const) {
      const other = await t.actor(role);
      expectError(await t.post('/audit-events/verify-jobs', other.token, {}), 403, 'ROLE_FORBIDDEN');
      expectError(await t.get(`/audit-events/verify-jobs/${job.id}`, other.token), 403, 'ROLE_FORBIDDEN');
    }
    expectError(await t.post('/audit-events/verify-jobs', undefined, {}), 401, 'UNAUTHENTICATED');
    expectError(await t.get(`/audit-events/verify-jobs/${uuidv7()}`, auditor.token), 404, 'NOT_FOUND');
    expectError(await t.get(`/audit-events/verify-jobs/nope`, auditor.token), 404, 'NOT_FOUND');
    expectError(await t.post('/audit-events/verify-jobs', auditor.token, { mode: 'quick' }), 400, 'VALIDATION_FAILED');
    expectError(await t.post('/audit-events/verify-jobs', auditor.token, { extra: 1 }), 400, 'VALIDATION_FAILED');
    expectError(await t.get('/audit-events/verify?mode=quick', auditor.token), 400, 'VALIDATION_FAILED');
  });

  it('a job whose instance went away is reported as failed, and a new start does not wait for it', async () => {
    const id = uuidv7();
    await t.ownerQuery(
      `INSERT INTO audit_verifications (id, requested_by, requested_mode, state, heartbeat_at) VALUES ($1, $2, 'full', 'running', now() - interval '5 minutes')`,
      [id, auditor.id],
    );
    expect((await t.get(`/audit-events/verify-jobs/${id}`, auditor.token)).body).toMatchObject({ state: 'failed', error: 'abandoned' });
    const next = await runJob();
    expect(next.id).not.toBe(id);
    expect(next).toMatchObject({ state: 'done', ok: true });
  });

  it('the checkpoints are append-only', async () => {
    await expect(t.dataSource.query(`UPDATE audit_checkpoints SET hash = hash`)).rejects.toThrow('permission denied');
    await expect(t.ownerQuery(`DELETE FROM audit_checkpoints`)).rejects.toThrow('append-only');
  });
  // Last: the chain stays broken afterwards, as it should.
  it('a consistent rewrite of the verified part recomputes, but is caught at the checkpoint', async () => {
    const events = await sealedEvents(3);
    const checkpoint = await runJob();
    expect(checkpoint).toMatchObject({ ok: true });
    // The owner changes an event and recomputes every later seal: the chain is consistent again.
    const db = await tamperer(t);
    try {
      await db.query(`UPDATE audit_events SET user_agent = 'rewritten' WHERE id = $1`, [events[1].id]);
      const rows = await db.query(
        `SELECT s.seq::text AS seq, s.prev_hash, ${EVENT_COLUMNS} FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
          WHERE s.seq >= $1 ORDER BY s.seq`,
        [events[1].seq],
      );
      let prev = rows[0].prev_hash as string;
      for (const row of rows) {
        const hash = chainHash(prev, row.seq, row);
        await db.query(`UPDATE audit_seals SET prev_hash = $2, hash = $3 WHERE seq = $1`, [row.seq, prev, hash]);
        prev = hash;
      }
    } finally {
      await db.end();
    }
    // Recomputed, the chain has no break; held to the checkpoint, it does, in full and incremental runs alike.
    const [anchor] = await t.ownerQuery(`SELECT event_id::text AS id FROM audit_seals WHERE seq = $1`, [checkpoint.lastSeq]);
    const full = await t.get('/audit-events/verify', auditor.token);
    expect(full.body).toMatchObject({ ok: false, reason: 'checkpoint_mismatch', firstBrokenSeq: checkpoint.lastSeq, firstBrokenId: anchor.id, mode: 'full' });
    const incremental = await runJob('incremental');
    expect(incremental).toMatchObject({ ok: false, reason: 'checkpoint_mismatch', fullReason: 'checkpoint_mismatch', firstBrokenSeq: checkpoint.lastSeq, firstBrokenId: anchor.id });
    // A failed run leaves no checkpoint: the evidence stays until someone looks into it.
    const [{ latest }] = await t.ownerQuery(`SELECT max(seq)::int AS latest FROM audit_checkpoints`);
    expect(latest).toBe(checkpoint.lastSeq);
    // An owner who also rewrites the checkpoints gets past this too: hence lastHash kept outside the database.
  });
});
