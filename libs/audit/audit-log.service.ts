import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, type Caller, decodeCursor, isIsoDate, jstDayRange, type Page, pageLimit, SqlParams, toPage } from '#libs/platform/index.js';
import { type AuditEventJson, EVENT_COLUMNS, type EventRow, eventJson } from './audit-chain.js';
import { csvEventRow, csvHeader, type CsvLanguage } from './audit-csv.js';
import { addNames, type AuditEventWithNames } from './audit-names.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';
import { AuditVerifier, type VerifyMode, type VerifyResult } from './audit-verifier.js';
import { UTF8_BOM } from './csv.js';
import { AUDIT_FILTERS, type AuditQueryDto } from './dto/audit-query.dto.js';

const EXPORT_BATCH = 1000;

type SealedRow = EventRow & { seq: string; hash: string; prev_hash: string };

/** What the auditor API reads: filtered, paged event lists, CSV exports and the chain verification. */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly audit: AuditService,
    private readonly verifier: AuditVerifier,
  ) {}

  async list(caller: Caller, query: AuditQueryDto): Promise<Page<AuditEventJson | AuditEventWithNames>> {
    const limit = pageLimit(query);
    const after = seqCursor(query.cursor);
    const desc = query.order === 'desc';
    const { where, params } = filterSql(query);
    if (after !== undefined) where.push(`s.seq ${desc ? '<' : '>'} ${params.add(after)}`);
    // Everything committed before this request is listed, sealed.
    await this.sealer.sealNow();
    const rows: SealedRow[] = await this.dataSource.query(
      `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
         FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
        WHERE ${where.join(' AND ') || 'true'}
        ORDER BY s.seq ${desc ? 'DESC' : 'ASC'} LIMIT ${limit + 1}`,
      params.values,
    );
    const page = toPage(rows, limit, (r) => [Number(r.seq)], eventJson);
    // Names beside the events, never inside them: the hashed event is exactly as without ?expand.
    const items = query.expand === 'names' ? await addNames(this.dataSource, page.items) : page.items;
    // A read's event goes through the group commit; the answer waits for it (fail closed).
    await this.audit.recordAlone(caller, {
      action: 'audit.read',
      resourceType: 'audit_event',
      details: { filters: usedFilters(query), count: items.length, format: 'json', ...(query.expand ? { expand: query.expand } : {}) },
    });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * The CSV export. Its audit event is committed before the first byte goes out (fail closed: no event, no
   * export); the rows are read in keyset batches up to the last seq sealed at the start, so the file is bounded
   * and consistent without holding one long transaction, and is never built whole in memory. The first batch is
   * read before the answer starts too: a query that fails is an error answer, never a 200 cut off mid-stream.
   */
  async export(caller: Caller, query: AuditQueryDto, language: CsvLanguage = 'en'): Promise<AsyncGenerator<string>> {
    const layout = { names: query.expand === 'names', language };
    const after = seqCursor(query.cursor);
    const desc = query.order === 'desc';
    const { where, params } = filterSql(query);
    await this.sealer.sealNow();
    const [{ last }] = await this.dataSource.query(`SELECT coalesce(max(seq), 0)::text AS last FROM audit_seals`);
    const dataSource = this.dataSource;
    const batchAfter = (cursor: string | number): Promise<SealedRow[]> => {
      const batchParams = new SqlParams([...params.values]);
      const clauses = [...where, `s.seq <= ${batchParams.add(last)}`, `s.seq ${desc ? '<' : '>'} ${batchParams.add(cursor)}`];
      return dataSource.query(
        `SELECT s.seq::text AS seq, s.hash, s.prev_hash, ${EVENT_COLUMNS}
           FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
          WHERE ${clauses.join(' AND ')}
          ORDER BY s.seq ${desc ? 'DESC' : 'ASC'} LIMIT ${EXPORT_BATCH}`,
        batchParams.values,
      );
    };
    let batch = await batchAfter(after ?? (desc ? Number(last) + 1 : 0));
    await this.audit.recordAlone(caller, {
      action: 'audit.export',
      resourceType: 'audit_event',
      details: { filters: usedFilters(query), format: 'csv', throughSeq: Number(last), ...(query.expand ? { expand: query.expand } : {}) },
    });
    return (async function* rows() {
      yield UTF8_BOM + csvHeader(layout);
      for (;;) {
        if (batch.length === 0) return;
        const events = batch.map(eventJson);
        const named = layout.names ? await addNames(dataSource, events) : events;
        yield named.map((e) => csvEventRow(e, layout)).join('');
        if (batch.length < EXPORT_BATCH) return;
        batch = await batchAfter(batch[batch.length - 1].seq);
      }
    })();
  }

  /**
   * The synchronous verification (`GET /audit-events/verify`): the whole chain by default, in one request. Long
   * chains are better verified as a job (AuditVerifyJobs), which reports progress.
   */
  async verify(caller: Caller, mode: VerifyMode = 'full'): Promise<VerifyResult> {
    const result = await this.verifier.run(mode);
    await this.verifier.record(caller, result);
    return result;
  }
}

function seqCursor(raw: string | undefined): number | undefined {
  return decodeCursor(raw, ['int'])?.[0] as number | undefined;
}

function filterSql(query: AuditQueryDto): { where: string[]; params: SqlParams } {
  const where: string[] = [];
  const params = new SqlParams();
  // A bare date is a day in Japan: from its first instant, to (inclusive of the whole day) its last.
  const from = query.from && (isIsoDate(query.from) ? jstDayRange(query.from).start.toISOString() : query.from);
  const to = query.to && (isIsoDate(query.to) ? jstDayRange(query.to).end.toISOString() : query.to);
  if (from && to && (Date.parse(from) > Date.parse(to) || (from !== query.from && to !== query.to && query.from! > query.to!))) {
    throw new AppError('VALIDATION_FAILED', {
      message: 'from must not be later than to',
      details: [{ field: 'to', constraint: 'notBeforeFrom', message: 'from must not be later than to' }],
    });
  }
  if (query.actorUserId) where.push(`e.actor_user_id = ${params.add(query.actorUserId)}`);
  // Login ids are unique ignoring case (users_login_id_key); an unknown one matches nothing.
  if (query.actorLoginId !== undefined) {
    where.push(`e.actor_user_id = (SELECT u.id FROM users u WHERE lower(u.login_id) = lower(${params.add(query.actorLoginId.trim())}))`);
  }
  if (query.organisationId) where.push(`e.actor_organisation_id = ${params.add(query.organisationId)}`);
  if (query.recipientId) {
    const p = params.add(query.recipientId);
    // A list event names every recipient it returned.
    where.push(`(e.recipient_id = ${p}::uuid OR e.recipient_ids @> ARRAY[${p}::uuid])`);
  }
  if (query.caseNumber !== undefined) {
    // Resolved once (an InitPlan), then the same two indexed conditions as recipientId; typed full-width, it still matches.
    const c = `(SELECT r.id FROM recipients r WHERE r.case_number = ${params.add(query.caseNumber.normalize('NFKC').trim())})`;
    where.push(`(e.recipient_id = ${c} OR e.recipient_ids @> ARRAY[${c}])`);
  }
  if (query.action) where.push(`e.action = ${params.add(query.action)}`);
  if (query.outcome) where.push(`e.outcome = ${params.add(query.outcome)}`);
  if (from) where.push(`e.at >= ${params.add(from)}::timestamptz`);
  if (to) where.push(`e.at < ${params.add(to)}::timestamptz`);
  return { where, params };
}

/** The names of the filters used, never their values (a recipient id or a time range says whom one looked at). */
function usedFilters(query: AuditQueryDto): string[] {
  return AUDIT_FILTERS.filter((name) => query[name] !== undefined);
}
