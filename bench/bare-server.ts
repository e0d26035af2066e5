/**
 * The baselines of the request-path benchmark: a bare `node:http` + `pg` server (no framework, no ORM, no
 * validation layer, no logging) answering the same requests as the API, in one of two modes:
 *
 * - `one-sql`: the physical limit. The token's signature is checked, then ONE hand-written statement does the
 *   session check and the grant join and returns the answer (a note is inserted by one statement as well).
 * - `same-work`: the work the product's design asks for, done by hand: the session lookup, the grant shapes and the
 *   access SQL the product builds (its own query builders and CASL ability), the projection, and the read's audit
 *   event in the product's own group commit (a note: one transaction with the note, its revision, its audit event and
 *   the live outbox row). What separates this from the product is the framework, not the work.
 *
 *   node dist/bench/bare-server.js   (environment: BARE_MODE, DATABASE_URL, JWT_SECRET, PORT; prints "listening <port>")
 */
import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessService, activeGrantSql } from '#libs/access/index.js';
import { AuditSealer, AuditService, EVENT_COLUMNS, eventJson, type EventRow } from '#libs/audit/index.js';
import { TokenService } from '#libs/identity/index.js';
import { LiveOutbox } from '#libs/outbox/index.js';
import { type AppConfig, type Caller, encodeCursor, SqlParams, toPage, uuidv7 } from '#libs/platform/index.js';
import { nameSearchSql, searchQueryKey } from '#libs/japanese-names/index.js';
import { projectRecipient, RECIPIENT_SELECT, RecipientsService } from '#libs/recipients/index.js';
import type { Role } from '#libs/contracts/index.js';

const MODE = process.env.BARE_MODE === 'same-work' ? 'same-work' : 'one-sql';
const url = process.env.DATABASE_URL!;
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BARE_POOL ?? 20), application_name: `bare ${MODE}` });
const tokens = new TokenService({ jwtSecret: process.env.JWT_SECRET!, accessTokenTtl: 900 } as AppConfig);
const access = new AccessService();
// The product's services, built by hand around a plain pool: only their query builders and the audit group commit run.
const recipients = new RecipientsService(undefined as never, access, undefined as never, undefined as never, undefined as never, undefined as never);
const audit = new AuditService({ options: { url } } as unknown as DataSource, { wake: () => undefined } as unknown as AuditSealer, {
  benchSkipReadAudit: false,
} as AppConfig);
const live = new LiveOutbox();
const em = (client: pg.Pool | pg.PoolClient) =>
  ({ query: (sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows) }) as unknown as EntityManager;

/** The live session of the token's claims ($1 session, $2 user), joined to its user. */
const SESSION_JOIN = `sessions s JOIN users u ON u.id = s.user_id AND u.active JOIN organisations o ON o.id = u.organisation_id AND o.active`;
const SESSION_LIVE = `s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`;

class HttpError extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function claims(req: IncomingMessage) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new HttpError(401);
  try {
    return tokens.verifyAccess(match[1]);
  } catch {
    throw new HttpError(401);
  }
}

function body(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

// ---- one-sql ----------------------------------------------------------------------------------------------------

const oneSql = {
  async recipient(c: { sessionId: string; userId: string }, id: string) {
    const { rows } = await pool.query(
      `SELECT ${RECIPIENT_SELECT}, g.field_groups, g.permissions FROM ${SESSION_JOIN}
         JOIN grants g ON g.grantee_organisation_id = u.organisation_id AND g.recipient_id = $3 AND ${activeGrantSql('g')}
         JOIN recipients r ON r.id = g.recipient_id
        WHERE ${SESSION_LIVE} LIMIT 1`,
      [c.sessionId, c.userId, id],
    );
    if (!rows[0]) throw new HttpError(404);
    return projectRecipient(rows[0], { fieldGroups: rows[0].field_groups, permissions: rows[0].permissions });
  },
  async list(c: { sessionId: string; userId: string }, limit: number, q: string | null) {
    const params = new SqlParams([c.sessionId, c.userId]);
    const search = q ? `AND ${nameSearchSql('r', searchQueryKey(q), params)}` : '';
    const { rows } = await pool.query(
      `WITH me AS (SELECT u.organisation_id FROM ${SESSION_JOIN} WHERE ${SESSION_LIVE})
       SELECT ${RECIPIENT_SELECT}, r.updated_at::text AS cursor_at FROM recipients r
        WHERE EXISTS (SELECT 1 FROM grants g JOIN me ON g.grantee_organisation_id = me.organisation_id
                       WHERE g.recipient_id = r.id AND ${activeGrantSql('g')}) ${search}
        ORDER BY r.updated_at DESC, r.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    return toPage(rows, limit, (r) => [r.cursor_at, r.id], (r) => projectRecipient(r, { fieldGroups: ['basic'], permissions: [] }));
  },
  async note(c: { sessionId: string; userId: string }, recipientId: string, dto: Record<string, string>) {
    const { rows } = await pool.query(
      `INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type, body, sensitivity)
       SELECT $3, $4, u.id, u.organisation_id, $5::timestamptz, $6, $7, $8 FROM ${SESSION_JOIN}
        WHERE ${SESSION_LIVE} AND EXISTS (SELECT 1 FROM grants g WHERE g.recipient_id = $4
          AND g.grantee_organisation_id = u.organisation_id AND 'notes.write' = ANY (g.permissions) AND ${activeGrantSql('g')})
       RETURNING id, recipient_id, occurred_at, contact_type, body, sensitivity, version, created_at`,
      [c.sessionId, c.userId, uuidv7(), recipientId, dto.occurredAt, dto.contactType, dto.body, dto.sensitivity],
    );
    if (!rows[0]) throw new HttpError(404);
    return rows[0];
  },
  async auditByRecipient(c: { sessionId: string; userId: string }, recipientId: string, limit: number) {
    const { rows } = await pool.query(
      `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
         FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
        WHERE EXISTS (SELECT 1 FROM ${SESSION_JOIN} WHERE ${SESSION_LIVE} AND u.role = 'auditor')
          AND (e.recipient_id = $3::uuid OR e.recipient_ids @> ARRAY[$3::uuid])
        ORDER BY s.seq LIMIT ${limit + 1}`,
      [c.sessionId, c.userId, recipientId],
    );
    return toPage(rows as (EventRow & { seq: string })[], limit, (r) => [Number(r.seq)], eventJson);
  },
};

// ---- same-work --------------------------------------------------------------------------------------------------

async function caller(req: IncomingMessage, roles: Role[]): Promise<Caller> {
  const c = await claims(req);
  const { rows } = await pool.query(
    `SELECT u.login_id, u.role, u.organisation_id, o.kind, u.active AS user_active, o.active AS org_active, s.revoked_at, s.expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
      WHERE s.id = $1 AND s.user_id = $2`,
    [c.sessionId, c.userId],
  );
  const row = rows[0];
  if (!row || row.revoked_at || !row.user_active || !row.org_active) throw new HttpError(401);
  if (!roles.includes(row.role)) throw new HttpError(403);
  return {
    userId: c.userId,
    loginId: row.login_id,
    organisationId: row.organisation_id,
    organisationKind: row.kind,
    role: row.role,
    sessionId: c.sessionId,
    requestId: uuidv7(),
    ip: req.socket.remoteAddress ?? null,
    userAgent: req.headers['user-agent'] ?? null,
  } as Caller;
}

const sameWork = {
  async recipient(who: Caller, id: string) {
    const [row] = await pool
      .query(`SELECT ${RECIPIENT_SELECT}, ${access.accessColumnsSql('r', '$2')} FROM recipients r WHERE r.id = $1`, [id, who.organisationId])
      .then((r) => r.rows);
    if (!row) throw new HttpError(404);
    const a = access.callerAccessOf(who, row);
    if (!a.visible) throw new HttpError(404);
    await audit.recordAlone(who, {
      action: 'recipient.read',
      resourceType: 'recipient',
      resourceId: id,
      recipientId: id,
      fieldGroups: a.fieldGroups,
      legalBasis: a.legalBasis,
      grantId: a.grantIds[0] ?? null,
    });
    return projectRecipient(row, a);
  },
  async list(who: Caller, limit: number, q: string | null) {
    const { sql, values } = recipients.listQuery(access.abilityOf(who), who, { limit, ...(q ? { q } : {}) });
    const rows = sql ? (await pool.query(sql, values)).rows : [];
    const visible = rows
      .map((row) => ({ row, a: access.callerAccessOf(who, row) }))
      .filter((x) => x.a.visible);
    const page = toPage(visible, limit, ({ row }) => [row.cursor_at, row.id], ({ row, a }) => projectRecipient(row, a));
    await audit.recordAlone(who, {
      action: 'recipient.list',
      resourceType: 'recipient',
      recipientIds: page.items.map((r) => r.id),
      details: { count: page.items.length, status: null, category: null, sort: 'updated', search: Boolean(q) },
    });
    return page;
  },
  async note(who: Caller, recipientId: string, dto: Record<string, string>) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const a = await access.resolve(em(client), who, recipientId);
      if (!a.visible) throw new HttpError(404);
      if (!a.permissions.includes('notes.write')) throw new HttpError(403);
      const id = uuidv7();
      const [row] = (
        await client.query(
          `INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type, body, sensitivity)
           VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7, $8)
           RETURNING id, recipient_id, occurred_at, contact_type, body, sensitivity, version, created_at`,
          [id, recipientId, who.userId, who.organisationId, dto.occurredAt, dto.contactType, dto.body, dto.sensitivity],
        )
      ).rows;
      await client.query(
        `INSERT INTO case_note_revisions (note_id, version, occurred_at, contact_type, counterpart, title, body, sensitivity,
           retracted_at, retract_reason, written_by, written_by_organisation_id, change)
         SELECT id, version, occurred_at, contact_type, counterpart, title, body, sensitivity, retracted_at, retract_reason, $2, $3, 'create'
           FROM case_notes WHERE id = $1`,
        [id, who.userId, who.organisationId],
      );
      await audit.record(em(client), who, {
        action: 'note.create',
        resourceType: 'note',
        resourceId: id,
        recipientId,
        legalBasis: a.legalBasis ?? undefined,
        grantId: a.grantIds[0] ?? undefined,
        details: { sensitivity: dto.sensitivity, contactType: dto.contactType },
      });
      await live.publish(em(client), { type: 'note.created', recipientId, actorOrganisationId: who.organisationId, payload: { noteId: id } });
      await client.query('COMMIT');
      return row;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },
  async auditByRecipient(who: Caller, recipientId: string, limit: number) {
    // What the product's sealNow costs when nothing is queued: one look at the queue.
    await pool.query(`SELECT EXISTS (SELECT 1 FROM audit_pending) AS pending`);
    const { rows } = await pool.query(
      `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
         FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
        WHERE (e.recipient_id = $1::uuid OR e.recipient_ids @> ARRAY[$1::uuid])
        ORDER BY s.seq ASC LIMIT ${limit + 1}`,
      [recipientId],
    );
    const hasMore = rows.length > limit;
    const items = (hasMore ? rows.slice(0, limit) : rows).map(eventJson);
    await audit.recordAlone(who, {
      action: 'audit.read',
      resourceType: 'audit_event',
      details: { filters: ['recipientId'], count: items.length, format: 'json' },
    });
    return { items, nextCursor: hasMore ? encodeCursor([items[items.length - 1].seq]) : null };
  },
};

const RECIPIENT = /^\/api\/v1\/recipients\/([0-9a-f-]{36})$/;
const NOTES = /^\/api\/v1\/recipients\/([0-9a-f-]{36})\/notes$/;
const CASEWORKERS: Role[] = ['caseworker', 'org_admin'];

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const u = new URL(req.url ?? '/', 'http://bare');
  const limit = Math.min(Number(u.searchParams.get('limit') ?? 50), 200);
  let m: RegExpExecArray | null;
  if (req.method === 'GET' && (m = RECIPIENT.exec(u.pathname))) {
    const id = m[1];
    return send(res, 200, MODE === 'one-sql' ? await oneSql.recipient(await claims(req), id) : await sameWork.recipient(await caller(req, CASEWORKERS), id));
  }
  if (req.method === 'GET' && u.pathname === '/api/v1/recipients') {
    const q = u.searchParams.get('q');
    return send(res, 200, MODE === 'one-sql' ? await oneSql.list(await claims(req), limit, q) : await sameWork.list(await caller(req, CASEWORKERS), limit, q));
  }
  if (req.method === 'POST' && (m = NOTES.exec(u.pathname))) {
    const id = m[1];
    const dto = await body(req);
    return send(res, 201, MODE === 'one-sql' ? await oneSql.note(await claims(req), id, dto) : await sameWork.note(await caller(req, CASEWORKERS), id, dto));
  }
  if (req.method === 'GET' && u.pathname === '/api/v1/audit-events') {
    const recipientId = u.searchParams.get('recipientId') ?? '';
    return send(
      res,
      200,
      MODE === 'one-sql'
        ? await oneSql.auditByRecipient(await claims(req), recipientId, limit)
        : await sameWork.auditByRecipient(await caller(req, ['auditor']), recipientId, limit),
    );
  }
  if (u.pathname === '/health') return send(res, 200, { status: 'ok' });
  throw new HttpError(404);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    if (!(error instanceof HttpError)) console.error(error);
    send(res, error instanceof HttpError ? error.status : 500, { error: String(error) });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([pool.end(), audit.onApplicationShutdown()]).finally(() => process.exit(0));
});
