import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuditActionKind, auditActionKind } from '#libs/contracts/index.js';
import { prepared } from '#libs/database/index.js';
import type { AppConfig, Caller } from '#libs/platform/index.js';
import { APP_CONFIG, GroupRunner, uuidv7 } from '#libs/platform/index.js';
import type { AuditActor, AuditInput } from './audit-event.js';
import { beginSealing, EVENT_COLUMNS, type EventRow, insertSealsSql, sealEvents } from './audit-chain.js';
import { deferToResponse } from './audit-context.js';
import { AUDIT_TEXT_LIMITS, auditDetails, auditText, auditUuid } from './audit-sanitize.js';
import { AuditSealer } from './audit-sealer.service.js';

function actorOf(caller: Caller): AuditActor {
  return {
    userId: caller.userId,
    organisationId: caller.organisationId,
    requestId: caller.requestId,
    ip: caller.ip,
    userAgent: caller.userAgent,
  };
}

/**
 * One event's row as written: the columns as read back (EventRow) but `at`, which is the database's clock; each
 * value made storable (audit-sanitize.ts), which may leave a null where the server always names something.
 */
type EventValues = Omit<EventRow, 'at' | 'action' | 'resource_type' | 'field_groups'> & {
  action: string | null;
  resource_type: string | null;
  field_groups: (string | null)[] | null;
};

/** The column type of each written value: both INSERTs below are built from this one list. */
const COLUMN_TYPES: Record<keyof EventValues, 'uuid' | 'text' | 'uuid[]' | 'text[]' | 'jsonb'> = {
  id: 'uuid',
  actor_user_id: 'uuid',
  actor_organisation_id: 'uuid',
  action: 'text',
  resource_type: 'text',
  resource_id: 'text',
  recipient_id: 'uuid',
  recipient_ids: 'uuid[]',
  outcome: 'text',
  field_groups: 'text[]',
  legal_basis: 'text',
  grant_id: 'uuid',
  ip: 'text',
  user_agent: 'text',
  request_id: 'text',
  details: 'jsonb',
};
const COLUMNS = Object.keys(COLUMN_TYPES) as (keyof EventValues)[];
const AT = `date_trunc('milliseconds', clock_timestamp())`;

/** A change: its event, and its place in the sealer's queue, in one statement of the caller's transaction. */
const INSERT_CHANGE = `WITH e AS (INSERT INTO audit_events (at, ${COLUMNS.join(', ')})
    VALUES (${AT}, ${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
    RETURNING id)
  INSERT INTO audit_pending (event_id) SELECT id FROM e`;

/**
 * Travels through unnest as text: unnest of a two-dimensional array would flatten it, so array values go as array
 * literals (and jsonb as its text), cast back per row.
 */
const isArray = (column: keyof EventValues) => COLUMN_TYPES[column].endsWith('[]');
const asText = (column: keyof EventValues) => isArray(column) || COLUMN_TYPES[column] === 'jsonb';

/** Reads: one array per column, so one statement of fixed shape inserts any number of events, in the given order. */
const INSERT_READS = `INSERT INTO audit_events AS e (at, ${COLUMNS.join(', ')})
  SELECT ${AT}, ${COLUMNS.map((c) => (asText(c) ? `${c}::${COLUMN_TYPES[c]}` : c)).join(', ')}
    FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${asText(c) ? 'text' : COLUMN_TYPES[c]}[]`).join(', ')})
         WITH ORDINALITY AS t(${COLUMNS.join(', ')}, n)
   ORDER BY n
  RETURNING ${EVENT_COLUMNS}`;

const arrayLiteral = (values: (string | null)[] | null) => (values === null ? null : `{${values.map((x) => JSON.stringify(x)).join(',')}}`);

/** Most events one group commit writes. */
const GROUP_MAX = 500;

/**
 * The one way anything writes to the audit log. The action's kind (libs/contracts/audit-actions.ts) decides how.
 *
 * Reads: the event goes to a group commit, one multi-row INSERT and one commit for the events of every request that
 * arrived meanwhile. Within an HTTP request the answer waits for that commit (AuditCommitInterceptor) and becomes a
 * 500 if it failed; elsewhere `record` awaits it. Either way a read whose event is not stored is never answered
 * (fail closed), and reads do not each pay a commit. BENCH_SKIP_READ_AUDIT skips them.
 * Every other kind: `record` writes the event in the caller's transaction, so a change and its event commit together
 * or not at all; `recordAlone` commits it in a transaction of its own before it resolves (denials, exports).
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly skipReads: boolean;
  private readonly commits = new GroupRunner((rows: EventValues[]) => this.commitMany(rows), GROUP_MAX);
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
    if (kindOf(input.action) === 'read') {
      if (this.skipReads) return id;
      const commit = this.groupCommit(values);
      // Within a request the answer waits for the commit (AuditCommitInterceptor), not the read's transaction.
      if (!deferToResponse(commit)) await commit;
      return id;
    }
    // In the caller's transaction, queued for the sealer, which seals it shortly after the commit.
    await em.query(prepared(INSERT_CHANGE), COLUMNS.map((column) => values[column]));
    this.sealer.wake();
    return id;
  }

  /** After the server has closed (requests in flight finished): the last group commit completes, then the connection ends. */
  async onApplicationShutdown(): Promise<void> {
    await this.commits.idle();
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  recordAlone(actor: AuditActor | Caller, input: AuditInput): Promise<string> {
    // A read's event is committed by the group commit anyway: no transaction of its own to open. Awaited here,
    // not deferred: denials and exports must be stored before their answer starts.
    if (kindOf(input.action) === 'read') {
      if (this.skipReads) return Promise.resolve(uuidv7());
      const id = uuidv7();
      return this.groupCommit(this.values(id, actor, input)).then(() => id);
    }
    return this.dataSource.transaction((em) => this.record(em, actor, input));
  }

  /** The row's values, each made storable (audit-sanitize.ts): nothing a client sent can make the insert fail. */
  private values(id: string, actor: AuditActor | Caller, input: AuditInput): EventValues {
    const who = 'userId' in actor && 'sessionId' in actor ? actorOf(actor as Caller) : (actor as AuditActor);
    const name = (value: string | null | undefined) => auditText(value, AUDIT_TEXT_LIMITS.name);
    return {
      id,
      actor_user_id: auditUuid(who.userId),
      actor_organisation_id: auditUuid(who.organisationId),
      action: name(input.action),
      resource_type: name(input.resourceType),
      resource_id: auditText(input.resourceId, AUDIT_TEXT_LIMITS.resourceId),
      recipient_id: auditUuid(input.recipientId),
      recipient_ids: input.recipientIds?.map(auditUuid).filter((x) => x !== null) ?? null,
      outcome: input.outcome ?? 'allowed',
      field_groups: input.fieldGroups?.map(name) ?? null,
      legal_basis: name(input.legalBasis),
      grant_id: auditUuid(input.grantId),
      ip: auditText(who.ip, AUDIT_TEXT_LIMITS.ip),
      user_agent: auditText(who.userAgent, AUDIT_TEXT_LIMITS.userAgent),
      request_id: auditText(who.requestId, AUDIT_TEXT_LIMITS.requestId),
      details: input.details ? JSON.stringify(auditDetails(input.details)) : null,
    };
  }

  private groupCommit(values: EventValues): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The audit log is closed: the application is shutting down'));
    return this.commits.submit(values);
  }

  /**
   * One group commit (GroupRunner: the reads that arrive while one commit is in flight form the next, so batches grow
   * exactly when load does). A batch the database refuses for a value (a data exception or a constraint) is retried
   * row by row, so that one bad row fails only its own request (every value is sanitized first, so this should never
   * happen). Any other failure (connection, permission) fails the batch: retrying row by row would only fail slower.
   */
  private async commitMany(rows: EventValues[]): Promise<PromiseSettledResult<void>[]> {
    try {
      await this.insertMany(rows);
      return rows.map(() => ({ status: 'fulfilled', value: undefined }));
    } catch (error) {
      if (rows.length === 1 || !isRowError(error)) throw error;
      const outcomes: PromiseSettledResult<void>[] = [];
      for (const row of rows) {
        outcomes.push(
          await this.insertMany([row]).then(
            () => ({ status: 'fulfilled', value: undefined }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
      return outcomes;
    }
  }

  private async connect(): Promise<pg.Client> {
    const options = this.dataSource.options as { url?: string };
    const client = new pg.Client({ connectionString: options.url, application_name: 'welfare-case-share audit' });
    client.on('error', () => undefined); // surfaces as a failed query; the next batch reconnects
    await client.connect();
    return client;
  }

  private async insertMany(rows: EventValues[]): Promise<void> {
    const arrays = COLUMNS.map((column) =>
      rows.map((row) => (isArray(column) ? arrayLiteral(row[column] as (string | null)[] | null) : row[column])),
    );
    this.client ??= this.connect();
    const client = this.client;
    let c: pg.Client | undefined;
    try {
      c = await client;
      // The batch is sealed in its own transaction, under the sealing lock: read events never wait in the queue
      // and cost no queue insert, delete or second read. Three round trips: lock and last seal; the events; the
      // seals and the commit.
      const { last } = await beginSealing(c);
      const inserted = await c.query<EventRow>({ name: 'audit_insert_reads', text: INSERT_READS, values: arrays });
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

/** The kind of an action; a name that is not in the table (passed as plain text) is refused, never written. */
function kindOf(action: string): AuditActionKind {
  const kind = auditActionKind(action);
  if (kind === undefined) throw new Error(`Unknown audit action "${action}": add it to libs/contracts/audit-actions.ts`);
  return kind;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the fault of a row, not the batch. */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
