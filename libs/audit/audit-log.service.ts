import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, type Caller, decodeCursor, encodeCursor, type Page, pageLimit, startOfLocalDay } from '#libs/platform/index.js';
import { type AuditEventJson, chainHash, EVENT_COLUMNS, type EventRow, eventJson, GENESIS_HASH } from './audit-chain.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';
import { csvRow, UTF8_BOM } from './csv.js';
import { AUDIT_FILTERS, type AuditQueryDto } from './dto/audit-query.dto.js';

/** An unsealed event older than this is a break: the sealer seals every committed event within 1 s. */
export const UNSEALED_GRACE_SECONDS = 5;
const VERIFY_BATCH = 5000;
const EXPORT_BATCH = 1000;

export const CSV_COLUMNS = [
  'seq',
  'id',
  'at',
  'actorUserId',
  'actorOrganisationId',
  'action',
  'resourceType',
  'resourceId',
  'recipientId',
  'recipientIds',
  'outcome',
  'fieldGroups',
  'legalBasis',
  'grantId',
  'ip',
  'userAgent',
  'requestId',
  'details',
  'hash',
  'prevHash',
] as const;

type SealedRow = EventRow & { seq: string; hash: string; prev_hash: string };

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  /** Extension: the seq and hash of the last sealed event, to anchor outside the database. */
  lastSeq: number;
  lastHash: string;
  /** Extension: what broke, for the auditor's report. */
  reason?: 'seq_gap' | 'event_missing' | 'prev_hash_mismatch' | 'hash_mismatch' | 'unsealed';
}

/** What the auditor API reads: filtered, paged event lists, CSV exports and the chain verification. */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, query: AuditQueryDto): Promise<Page<AuditEventJson>> {
    const limit = pageLimit(query);
    const after = seqCursor(query.cursor);
    const desc = query.order === 'desc';
    const { where, params } = filterSql(query);
    if (after !== undefined) where.push(`s.seq ${desc ? '<' : '>'} ${param(params, after)}`);
    // Everything committed before this request is listed, sealed.
    await this.sealer.sealNow();
    const rows: SealedRow[] = await this.dataSource.query(
      `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
         FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
        WHERE ${where.join(' AND ') || 'true'}
        ORDER BY s.seq ${desc ? 'DESC' : 'ASC'} LIMIT ${limit + 1}`,
      params,
    );
    const hasMore = rows.length > limit;
    const items = (hasMore ? rows.slice(0, limit) : rows).map(eventJson);
    // A read's event goes through the group commit; the answer waits for it (fail closed).
    await this.audit.recordAlone(caller, {
      action: 'audit.read',
      resourceType: 'audit_event',
      details: { filters: usedFilters(query), count: items.length, format: 'json' },
    });
    return { items, nextCursor: hasMore ? encodeCursor([items[items.length - 1].seq]) : null };
  }

  /**
   * The CSV export. Its audit event is committed before the first byte goes out (fail closed: no event, no
   * export); the rows are read in keyset batches up to the last seq sealed at the start, so the file is bounded
   * and consistent without holding one long transaction, and is never built whole in memory. The first batch is
   * read before the answer starts too: a query that fails is an error answer, never a 200 cut off mid-stream.
   */
  async export(caller: Caller, query: AuditQueryDto): Promise<AsyncGenerator<string>> {
    const after = seqCursor(query.cursor);
    const desc = query.order === 'desc';
    const { where, params } = filterSql(query);
    await this.sealer.sealNow();
    const [{ last }] = await this.dataSource.query(`SELECT coalesce(max(seq), 0)::text AS last FROM audit_seals`);
    const dataSource = this.dataSource;
    const batchAfter = (cursor: string | number): Promise<SealedRow[]> => {
      const batchParams = [...params];
      const clauses = [...where, `s.seq <= ${param(batchParams, last)}`, `s.seq ${desc ? '<' : '>'} ${param(batchParams, cursor)}`];
      return dataSource.query(
        `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
           FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
          WHERE ${clauses.join(' AND ')}
          ORDER BY s.seq ${desc ? 'DESC' : 'ASC'} LIMIT ${EXPORT_BATCH}`,
        batchParams,
      );
    };
    let batch = await batchAfter(after ?? (desc ? Number(last) + 1 : 0));
    await this.audit.recordAlone(caller, {
      action: 'audit.export',
      resourceType: 'audit_event',
      details: { filters: usedFilters(query), format: 'csv', throughSeq: Number(last) },
    });
    return (async function* rows() {
      yield UTF8_BOM + csvRow(CSV_COLUMNS);
      for (;;) {
        if (batch.length === 0) return;
        yield batch
          .map((row) => {
            const e = eventJson(row);
            return csvRow(CSV_COLUMNS.map((column) => e[column]));
          })
          .join('');
        if (batch.length < EXPORT_BATCH) return;
        batch = await batchAfter(batch[batch.length - 1].seq);
      }
    })();
  }

  /**
   * Recomputes the chain over every sealed event, after sealing what is pending, in one snapshot. The first of:
   * a seq that is not the previous + 1, a seal whose event is gone, a prevHash that is not the previous hash, a
   * hash that does not match the event's content; then any event without a seal that is not queued, or queued for
   * longer than the grace period. The answer names the first broken event.
   */
  async verify(caller: Caller): Promise<VerifyResult> {
    await this.sealer.sealNow();
    const result = await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      let expected = 1;
      let prev = GENESIS_HASH;
      let checked = 0;
      const broken = (id: string, reason: VerifyResult['reason']): VerifyResult => ({
        ok: false,
        checked,
        firstBrokenId: id,
        lastSeq: expected - 1,
        lastHash: prev,
        reason,
      });
      for (;;) {
        const rows: (SealedRow & { sealed_event_id: string; present: boolean })[] = await em.query(
          `SELECT s.seq::text AS seq, s.event_id::text AS sealed_event_id, s.hash, s.prev_hash, e.id IS NOT NULL AS present,
                  ${EVENT_COLUMNS}
             FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
            WHERE s.seq >= $1 ORDER BY s.seq LIMIT ${VERIFY_BATCH}`,
          [expected],
        );
        for (const row of rows) {
          if (row.seq !== String(expected)) return broken(row.sealed_event_id, 'seq_gap');
          if (!row.present) return broken(row.sealed_event_id, 'event_missing');
          if (row.prev_hash !== prev) return broken(row.sealed_event_id, 'prev_hash_mismatch');
          if (chainHash(prev, row.seq, row) !== row.hash) return broken(row.sealed_event_id, 'hash_mismatch');
          prev = row.hash;
          expected += 1;
          checked += 1;
        }
        if (rows.length < VERIFY_BATCH) break;
      }
      // One statement, one snapshot: an event is committed together with its queue entry, so an event that has
      // neither seal nor queue entry was tampered with, and one queued past the grace period was never sealed.
      const [unsealed] = await em.query(
        `SELECT e.id::text AS id FROM audit_events e
          WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)
            AND (NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)
                 OR e.at < now() - make_interval(secs => ${UNSEALED_GRACE_SECONDS}))
          ORDER BY e.at, e.id LIMIT 1`,
      );
      if (unsealed) return broken(unsealed.id, 'unsealed');
      return { ok: true, checked, firstBrokenId: null, lastSeq: expected - 1, lastHash: prev } satisfies VerifyResult;
    });
    await this.audit.recordAlone(caller, {
      action: 'audit.verify',
      resourceType: 'audit_event',
      resourceId: result.firstBrokenId,
      outcome: 'allowed',
      details: { ok: result.ok, checked: result.checked, lastSeq: result.lastSeq, lastHash: result.lastHash, reason: result.reason },
    });
    return result;
  }
}

function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

function seqCursor(raw: string | undefined): number | undefined {
  return decodeCursor(raw, ['int'])?.[0] as number | undefined;
}

function filterSql(query: AuditQueryDto): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.from && query.to && Date.parse(startOfLocalDay(query.from)) > Date.parse(startOfLocalDay(query.to))) {
    throw new AppError('VALIDATION_FAILED', {
      message: 'from must not be later than to',
      details: [{ field: 'to', constraint: 'notBeforeFrom', message: 'from must not be later than to' }],
    });
  }
  if (query.actorUserId) where.push(`e.actor_user_id = ${param(params, query.actorUserId)}`);
  if (query.organisationId) where.push(`e.actor_organisation_id = ${param(params, query.organisationId)}`);
  if (query.recipientId) {
    const p = param(params, query.recipientId);
    // A list event names every recipient it returned.
    where.push(`(e.recipient_id = ${p}::uuid OR e.recipient_ids @> ARRAY[${p}::uuid])`);
  }
  if (query.action) where.push(`e.action = ${param(params, query.action)}`);
  if (query.outcome) where.push(`e.outcome = ${param(params, query.outcome)}`);
  if (query.from) where.push(`e.at >= ${param(params, startOfLocalDay(query.from))}::timestamptz`);
  if (query.to) where.push(`e.at < ${param(params, startOfLocalDay(query.to))}::timestamptz`);
  return { where, params };
}

/** The names of the filters used, never their values (a recipient id or a time range says whom one looked at). */
function usedFilters(query: AuditQueryDto): string[] {
  return AUDIT_FILTERS.filter((name) => query[name] !== undefined);
}
