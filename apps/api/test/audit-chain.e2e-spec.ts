import { Writable } from 'node:stream';
import { AuditService } from '#libs/audit/index.js';
import { createLogger, loadConfig, uuidv7 } from '#libs/platform/index.js';
import { createApp } from '../create-app.js';
import { sealNow, tamperer } from './audit-helpers.js';
import { TestApp } from './harness.js';

describe('audit chain: append-only storage, sealing, verification, concurrency', () => {
  let t: TestApp;
  let auditor: Awaited<ReturnType<TestApp['actor']>>;
  let audit: AuditService;
  const actor = () => ({ userId: null, organisationId: null, requestId: uuidv7(), ip: '127.0.0.1', userAgent: 'chain-test' });

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.actor('auditor');
    audit = t.app.get(AuditService);
  });
  afterAll(() => t.close());

  const verify = async () => {
    const res = await t.get('/audit-events/verify', auditor.token);
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; checked: number; firstBrokenId: string | null; reason?: string };
  };
  /** A few sealed events; returns their ids in seq order with their seqs. */
  const sealedEvents = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await audit.recordAlone(actor(), { action: 'request.denied', resourceType: 'test', resourceId: `r${i}` }));
    await sealNow(t);
    // Exactly these events' seals: other events (the verifications' own) may be sealed around them.
    const rows = await t.ownerQuery(`SELECT s.seq::int AS seq, s.event_id AS id FROM audit_seals s WHERE s.event_id = ANY($1) ORDER BY s.seq`, [ids]);
    expect(rows).toHaveLength(n);
    return rows as { seq: number; id: string }[];
  };

  it('the runtime role gets permission denied on UPDATE, DELETE and TRUNCATE of events and seals', async () => {
    await sealedEvents(1);
    for (const table of ['audit_events', 'audit_seals']) {
      for (const sql of [`UPDATE ${table} SET hash = hash`, `DELETE FROM ${table}`, `TRUNCATE ${table}`]) {
        const statement = table === 'audit_events' ? sql.replace('SET hash = hash', 'SET action = action') : sql;
        await expect(t.dataSource.query(statement)).rejects.toThrow(`permission denied for table ${table}`);
      }
    }
    // The queue is the sealer's to empty; hiding an event by emptying it is caught by verify (below).
    await expect(t.dataSource.query('SELECT count(*) FROM audit_pending')).resolves.toBeDefined();
  });

  it('triggers refuse UPDATE, DELETE and TRUNCATE to the owner too', async () => {
    for (const table of ['audit_events', 'audit_seals']) {
      const column = table === 'audit_events' ? 'action' : 'hash';
      await expect(t.ownerQuery(`UPDATE ${table} SET ${column} = ${column}`)).rejects.toThrow(`table ${table} is append-only`);
      await expect(t.ownerQuery(`DELETE FROM ${table}`)).rejects.toThrow(`table ${table} is append-only`);
    }
    await expect(t.ownerQuery(`TRUNCATE audit_seals`)).rejects.toThrow('table audit_seals is append-only');
    await expect(t.ownerQuery(`TRUNCATE audit_events CASCADE`)).rejects.toThrow(/append-only/);
  });

  it('seals every committed event within 1 s without being asked', async () => {
    const id = await audit.recordAlone(actor(), { action: 'request.denied', resourceType: 'test' });
    const started = Date.now();
    let sealed = false;
    while (!sealed && Date.now() - started < 1000) {
      sealed = (await t.ownerQuery('SELECT 1 FROM audit_seals WHERE event_id = $1', [id])).length === 1;
      if (!sealed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect({ sealed, afterMs: Date.now() - started }).toMatchObject({ sealed: true });
  });

  it('verifies an intact chain', async () => {
    await sealedEvents(3);
    const result = await verify();
    const [{ count }] = await t.ownerQuery('SELECT count(*)::int AS count FROM audit_seals');
    expect(result).toMatchObject({ ok: true, firstBrokenId: null });
    expect(result.checked).toBeGreaterThanOrEqual(count - 1);
  });

  it('detects one changed byte at exactly that event', async () => {
    const events = await sealedEvents(5);
    const target = events[2].id;
    const [{ hash: sealedHash }] = await t.ownerQuery('SELECT hash FROM audit_seals WHERE event_id = $1', [target]);
    const hashes = new Map([[target, sealedHash as string]]);
    const db = await tamperer(t);
    try {
      await db.query(`UPDATE audit_events SET user_agent = 'X' || substr(user_agent, 2) WHERE id = $1`, [target]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: target, reason: 'hash_mismatch' });
      await db.query(`UPDATE audit_events SET user_agent = 'chain-test' WHERE id = $1`, [target]);
      // a millisecond earlier is a change too
      await db.query(`UPDATE audit_events SET at = at - interval '1 millisecond' WHERE id = $1`, [target]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: target });
      await db.query(`UPDATE audit_events SET at = at + interval '1 millisecond' WHERE id = $1`, [target]);
      // and so is a changed seal
      // (one hex digit changed for certain: a hash that already starts with 'f' must not stay as it was)
      await db.query(`UPDATE audit_seals SET hash = (CASE WHEN left(hash, 1) = 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE event_id = $1`, [target]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: target });
      await db.query(`UPDATE audit_seals SET hash = $2 WHERE event_id = $1`, [target, hashes.get(target)]);
    } finally {
      await db.end();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });


  it('detects a deleted event at exactly that event', async () => {
    const events = await sealedEvents(5);
    const target = events[2].id;
    const db = await tamperer(t);
    try {
      await db.query(`CREATE TEMP TABLE kept AS SELECT * FROM audit_events WHERE id = $1`, [target]);
      await db.query(`DELETE FROM audit_events WHERE id = $1`, [target]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: target, reason: 'event_missing' });
      await db.query(`INSERT INTO audit_events SELECT * FROM kept`);
    } finally {
      await db.end();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects two swapped events at the first of the two positions', async () => {
    const events = await sealedEvents(5);
    const [a, b] = [events[1], events[3]];
    const db = await tamperer(t);
    // Swap which event each position holds. The positions themselves stay put: a placeholder seq above the last one
    // would let the sealer (which runs before every verify) chain new events after it.
    const swap = async () => {
      const placeholder = '00000000-0000-4000-8000-000000000000';
      const [x] = await db.query(`SELECT event_id FROM audit_seals WHERE seq = $1`, [a.seq]);
      const [y] = await db.query(`SELECT event_id FROM audit_seals WHERE seq = $1`, [b.seq]);
      await db.query(`UPDATE audit_seals SET event_id = $2 WHERE seq = $1`, [a.seq, placeholder]);
      await db.query(`UPDATE audit_seals SET event_id = $2 WHERE seq = $1`, [b.seq, x.event_id]);
      await db.query(`UPDATE audit_seals SET event_id = $2 WHERE seq = $1`, [a.seq, y.event_id]);
    };
    try {
      await swap();
      // position a.seq now holds b: that is where the chain first breaks
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: b.id });
      await swap();
    } finally {
      await db.end();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects a missing seq, naming the first event after the gap', async () => {
    const events = await sealedEvents(5);
    const db = await tamperer(t);
    try {
      await db.query(`CREATE TEMP TABLE kept_seal AS SELECT * FROM audit_seals WHERE seq = $1`, [events[2].seq]);
      await db.query(`DELETE FROM audit_seals WHERE seq = $1`, [events[2].seq]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: events[3].id, reason: 'seq_gap' });
      await db.query(`INSERT INTO audit_seals SELECT * FROM kept_seal`);
    } finally {
      await db.end();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('detects a committed event that was never sealed (written around the queue, or dequeued by hand)', async () => {
    await sealedEvents(1);
    const sneaky = uuidv7();
    await t.ownerQuery(
      `INSERT INTO audit_events (id, at, action, resource_type, outcome) VALUES ($1, date_trunc('milliseconds', now()), 'test.sneaky', 'test', 'allowed')`,
      [sneaky],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: sneaky, reason: 'unsealed' });
    // the queue entry removed by the runtime role: same finding
    const dequeued = uuidv7();
    await t.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO audit_events (id, at, action, resource_type, outcome) VALUES ($1, date_trunc('milliseconds', now()), 'test.dequeued', 'test', 'allowed')`,
        [dequeued],
      );
    });
    const db = await tamperer(t);
    try {
      await db.query(`DELETE FROM audit_events WHERE id = $1`, [sneaky]);
      expect(await verify()).toMatchObject({ ok: false, firstBrokenId: dequeued, reason: 'unsealed' });
      await db.query(`DELETE FROM audit_events WHERE id = $1`, [dequeued]);
    } finally {
      await db.end();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('keeps one linear, gap-free chain under 50 concurrent writers × 100 events on two instances (changes and group-committed reads)', async () => {
    const [{ before }] = await t.ownerQuery('SELECT count(*)::int AS before FROM audit_events');
    // A second instance on the same database, with its own sealer: the advisory lock keeps one sequencer at a time.
    const config = loadConfig({ DATABASE_URL: t.db.url, JWT_SECRET: 'test-secret-test-secret-test-secret-0001', SEED_DEMO: 'false' });
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const second = await createApp(config, createLogger('warn', quiet), { swaggerUi: false });
    await second.init();
    try {
      const instances = [audit, second.get(AuditService)];
      await Promise.all(
        Array.from({ length: 50 }, async (_, writer) => {
          for (let i = 0; i < 100; i++) {
            // half the writers write events of their own transaction, half reads (group commit)
            const action = writer % 2 === 0 ? 'request.denied' : 'recipient.read';
            await instances[writer % 4 < 2 ? 0 : 1].recordAlone(actor(), { action, resourceType: 'concurrent', resourceId: `${writer}:${i}` });
          }
        }),
      );
    } finally {
      await second.close();
    }
    const result = await verify();
    const [chain] = await t.ownerQuery(
      `SELECT count(*)::int AS count, min(seq)::int AS min, max(seq)::int AS max, count(DISTINCT prev_hash)::int AS prevs
         FROM audit_seals`,
    );
    const [{ events }] = await t.ownerQuery('SELECT count(*)::int AS events FROM audit_events');
    expect(events - before).toBeGreaterThanOrEqual(5000);
    expect(result).toMatchObject({ ok: true, firstBrokenId: null });
    // every event but the verify event written after the walk is sealed; seq 1..N, no gaps, no forks
    expect(chain.min).toBe(1);
    expect(chain.max).toBe(chain.count);
    expect(chain.prevs).toBe(chain.count);
    expect(result.checked).toBe(events - 1);
    expect(
      await t.ownerQuery(`SELECT count(*)::int AS n FROM audit_events WHERE resource_type = 'concurrent'`),
    ).toEqual([{ n: 5000 }]);
  }, 120_000);
});
