import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig, Caller } from '#libs/platform/index.js';
import { APP_CONFIG, uuidv7 } from '#libs/platform/index.js';
import type { AuditActor, AuditInput } from './audit-event.js';
import { BEGIN_SEALING, EVENT_COLUMNS, type EventRow, insertSealsSql, sealEvents } from './audit-chain.js';
import { deferToResponse } from './audit-context.js';
import { AUDIT_TEXT_LIMITS, auditDetails, auditText, auditUuid } from './audit-sanitize.js';
import { AuditSealer } from './audit-sealer.service.js';

/** Reads (`recipient.read`, `recipient.list`, `recipient.history_read`, …): group-committed; BENCH_SKIP_READ_AUDIT skips them. */
const READ_ACTION = /\.([a-z]+_)*(read|list)$/;

export function actorOf(caller: Caller): AuditActor {
  return {
    userId: caller.userId,
    organisationId: caller.organisationId,
    requestId: caller.requestId,
    ip: caller.ip,
    userAgent: caller.userAgent,
  };
}

const INSERT_COLUMNS = `id, at, actor_user_id, actor_organisation_id, action, resource_type, resource_id, recipient_id,
  recipient_ids, outcome, field_groups, legal_basis, grant_id, ip, user_agent, request_id, details`;

/** Most events one group commit writes. */
const GROUP_MAX = 500;

interface Pending {
  values: unknown[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The one way anything writes to the audit log.
 *
 * Changes: `record` writes the event in the caller's transaction, so a change and its event commit together or not
 * at all. Reads (`*.read`, `*.list`, `*_read`): the event goes to a group commit, one multi-row INSERT and one
 * commit for the events of every request that arrived meanwhile. Within an HTTP request the answer waits for that
 * commit (AuditCommitInterceptor) and becomes a 500 if it failed; elsewhere `record` awaits it. Either way a read
 * whose event is not stored is never answered (fail closed), and reads do not each pay a commit.
 * `recordAlone` commits an event on its own before it resolves (denials, failed logins, exports).
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly skipReads: boolean;
  private queue: Pending[] = [];
  private flushing = false;
  private closed = false;
  /**
   * The group commit's own connection, outside the pool: requests waiting for their read's event hold pool
   * connections, so taking one from the pool for the commit they wait on could deadlock a busy instance.
   */
  private client?: Promise<pg.Client>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.skipReads = config.benchSkipReadAudit;
  }

  async record(em: EntityManager, actor: AuditActor | Caller, input: AuditInput): Promise<string> {
    const id = uuidv7();
    const values = this.values(id, actor, input);
    if (READ_ACTION.test(input.action)) {
      if (this.skipReads) return id;
      const commit = this.groupCommit(values);
      // Within a request the answer waits for the commit (AuditCommitInterceptor), not the read's transaction.
      if (!deferToResponse(commit)) await commit;
      return id;
    }
    // A change: in the caller's transaction, queued for the sealer, which seals it shortly after the commit.
    await em.query(
      `WITH e AS (INSERT INTO audit_events (${INSERT_COLUMNS})
         VALUES ($1, date_trunc('milliseconds', clock_timestamp()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
           $15, $16)
         RETURNING id)
       INSERT INTO audit_pending (event_id) SELECT id FROM e`,
      values,
    );
    this.sealer.wake();
    return id;
  }

  /** After the server has closed (requests in flight finished): the last group commit completes, then the connection ends. */
  async onApplicationShutdown(): Promise<void> {
    while (this.flushing) await new Promise((resolve) => setTimeout(resolve, 5));
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  recordAlone(actor: AuditActor | Caller, input: AuditInput): Promise<string> {
    // A read's event is committed by the group commit anyway: no transaction of its own to open. Awaited here,
    // not deferred: denials and exports must be stored before their answer starts.
    if (READ_ACTION.test(input.action)) {
      if (this.skipReads) return Promise.resolve(uuidv7());
      const id = uuidv7();
      return this.groupCommit(this.values(id, actor, input)).then(() => id);
    }
    return this.dataSource.transaction((em) => this.record(em, actor, input));
  }

  /** The row's values, each made storable (audit-sanitize.ts): nothing a client sent can make the insert fail. */
  private values(id: string, actor: AuditActor | Caller, input: AuditInput): unknown[] {
    const who = 'userId' in actor && 'sessionId' in actor ? actorOf(actor as Caller) : (actor as AuditActor);
    const name = (value: string | null | undefined) => auditText(value, AUDIT_TEXT_LIMITS.name);
    return [
      id,
      auditUuid(who.userId),
      auditUuid(who.organisationId),
      name(input.action),
      name(input.resourceType),
      auditText(input.resourceId, AUDIT_TEXT_LIMITS.resourceId),
      auditUuid(input.recipientId),
      input.recipientIds?.map(auditUuid).filter((x) => x !== null) ?? null,
      input.outcome ?? 'allowed',
      input.fieldGroups?.map(name) ?? null,
      name(input.legalBasis),
      auditUuid(input.grantId),
      auditText(who.ip, AUDIT_TEXT_LIMITS.ip),
      auditText(who.userAgent, AUDIT_TEXT_LIMITS.userAgent),
      auditText(who.requestId, AUDIT_TEXT_LIMITS.requestId),
      input.details ? JSON.stringify(auditDetails(input.details)) : null,
    ];
  }

  private groupCommit(values: unknown[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The audit log is closed: the application is shutting down'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ values, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * No timer: while one commit is in flight the next batch gathers, so batches grow exactly when load does.
   * A batch the database refuses for a value (a data exception or a constraint) is retried row by row, so that
   * one bad row fails only its own request (every value is sanitized first, so this should never happen). Any
   * other failure (connection, permission) fails the batch: retrying row by row would only fail slower.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, GROUP_MAX);
        try {
          await this.insertMany(batch.map((p) => p.values));
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1 || !isRowError(error)) {
            for (const p of batch) p.reject(error);
            continue;
          }
          for (const p of batch) {
            await this.insertMany([p.values]).then(p.resolve, p.reject);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async connect(): Promise<pg.Client> {
    const options = this.dataSource.options as { url?: string };
    const client = new pg.Client({ connectionString: options.url, application_name: 'welfare-case-share audit' });
    client.on('error', () => undefined); // surfaces as a failed query; the next batch reconnects
    await client.connect();
    return client;
  }

  private async insertMany(rows: unknown[][]): Promise<void> {
    // One array per column, so that one statement of fixed shape inserts any number of events.
    const columns = rows[0].map((_, i) => rows.map((row) => row[i]));
    const arrays = columns.map((column, i) =>
      i === 7 || i === 9 ? column.map((v) => (v === null ? null : `{${(v as string[]).map((x) => JSON.stringify(x)).join(',')}}`)) : column,
    );
    this.client ??= this.connect();
    const client = this.client;
    let c: pg.Client | undefined;
    try {
      c = await client;
      // The batch is sealed in its own transaction, under the sealing lock: read events never wait in the queue
      // and cost no queue insert, delete or second read. Three round trips: lock and last seal; the events; the
      // seals and the commit.
      const opened = (await c.query(BEGIN_SEALING)) as unknown as pg.QueryResult[];
      const last = opened[2].rows[0] as { seq: string; hash: string } | undefined;
      const inserted = await c.query<EventRow>(
        `INSERT INTO audit_events AS e (${INSERT_COLUMNS})
           SELECT id, date_trunc('milliseconds', clock_timestamp()), actor_user_id, actor_organisation_id, action,
                  resource_type, resource_id, recipient_id, recipient_ids::uuid[], outcome, field_groups::text[],
                  legal_basis, grant_id, ip, user_agent, request_id, details::jsonb
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[],
                         $9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[], $14::text[], $15::text[], $16::text[])
                  WITH ORDINALITY AS t(id, actor_user_id, actor_organisation_id, action, resource_type, resource_id,
                       recipient_id, recipient_ids, outcome, field_groups, legal_basis, grant_id, ip, user_agent, request_id,
                       details, n)
            ORDER BY n
         RETURNING ${EVENT_COLUMNS}`,
        arrays,
      );
      await c.query(`${insertSealsSql(sealEvents(last, inserted.rows))}; COMMIT`);
    } catch (error) {
      await c?.query('ROLLBACK').catch(() => undefined);
      // The connection is replaced on the next batch, whatever went wrong with it.
      if (this.client === client) this.client = undefined;
      await client.then((x) => x.end()).catch(() => undefined);
      throw error;
    }
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the fault of a row, not the batch. */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
