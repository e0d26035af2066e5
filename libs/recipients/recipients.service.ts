import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { type AccessColumns, AccessService, asValidationError, type RecipientAbility, type ResolvedAccess } from '#libs/access/index.js';
import { AuditService } from '#libs/audit/index.js';
import { LiveOutbox } from '#libs/outbox/index.js';
import { type AuditActionName, FIELD_GROUPS, type FieldGroup, RECIPIENT_IMMUTABLE_FIELDS, type RecipientField } from '#libs/contracts/index.js';
import { prepared } from '#libs/database/index.js';
import {
  AppError,
  invalidField,
  SqlParams,
  type Caller,
  CLOCK,
  type Clock,
  decodeCursor,
  ifMatchVersion,
  jstDate,
  jstYear,
  LOGGER,
  notFound,
  type Page,
  pageLimit,
  toPage,
  uuidv7,
  versionConflict,
} from '#libs/platform/index.js';
import { kanaSortKey, nameSearchSql, recipientSearchKey, searchQueryKey } from '#libs/japanese-names/index.js';
import type { RecipientBodyDto, RecipientListQueryDto } from './recipient.dto.js';
import {
  ALL_RECIPIENT_FIELDS,
  ARRAY_FIELDS,
  groupOf,
  projectRecipient,
  RECIPIENT_COLUMNS,
  RECIPIENT_SELECT,
  type RecipientJson,
  type RecipientRow,
} from './recipient-fields.js';

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (e: unknown) =>
  (e as { code?: string })?.code === UNIQUE_VIOLATION || (e as { driverError?: { code?: string } })?.driverError?.code === UNIQUE_VIOLATION;

const GRADES: Record<string, string[]> = {
  physical: ['1', '2', '3', '4', '5', '6', '7'],
  intellectual: ['A', 'B'],
  mental: ['1', '2', '3'],
};


/** Canonical stored form of a written value (what history compares and records). */
function normalise(field: RecipientField, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (ARRAY_FIELDS.includes(field) && value === null) return [];
  if (field === 'emergencyContacts') {
    return (value as Record<string, unknown>[]).map((c) => ({
      name: c.name,
      relationship: c.relationship ?? null,
      phone: c.phone ?? null,
      isKeyPerson: c.isKeyPerson ?? false,
    }));
  }
  if (field === 'disabilityCertificates') {
    return (value as Record<string, unknown>[]).map((c) => ({ type: c.type, grade: c.grade }));
  }
  return value;
}

/** A row of a list page: the record, the caller's access columns and the page's sort keys. */
type ListRow = RecipientRow & AccessColumns & { cursor_at: string; cursor_kana: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function sqlValue(field: RecipientField, value: unknown): unknown {
  return RECIPIENT_COLUMNS[field].kind === 'json' ? JSON.stringify(value) : value;
}

/**
 * Recipients: create (lead-capable organisations), projected reads and lists, optimistic-concurrency updates with
 * field-level history. Every read, list and write records its audit event in its own transaction.
 */
@Injectable()
export class RecipientsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly live: LiveOutbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private bodyFields(dto: RecipientBodyDto): RecipientField[] {
    return ALL_RECIPIENT_FIELDS.filter((f) => (dto as Record<string, unknown>)[f] !== undefined);
  }

  private async checkReferences(em: EntityManager, dto: RecipientBodyDto): Promise<void> {
    for (const cert of dto.disabilityCertificates ?? []) {
      if (!GRADES[cert.type]?.includes(cert.grade)) {
        throw invalidField('disabilityCertificates.grade', 'gradeOfType', `grade ${cert.grade} is not a grade of a ${cert.type} certificate`);
      }
    }
    if (dto.careManagerOrganisationId) {
      const [org] = await em.query('SELECT id FROM organisations WHERE id = $1', [dto.careManagerOrganisationId]);
      if (!org) {
        throw new AppError('REFERENCE_NOT_FOUND', {
          message: 'careManagerOrganisationId names no organisation',
          details: [{ field: 'careManagerOrganisationId', constraint: 'exists', message: 'unknown organisation' }],
        });
      }
    }
  }

  /** R<year in Japan>-<serial>: the year is the opening day's, whatever the server's or database's time zone. */
  private async nextCaseNumber(em: EntityManager, openedAt: Date): Promise<string> {
    const year = jstYear(openedAt);
    for (;;) {
      const [{ n }] = await em.query(`SELECT nextval('recipient_case_number_seq') AS n`);
      const candidate = `R${year}-${String(n).padStart(6, '0')}`;
      const [taken] = await em.query('SELECT 1 FROM recipients WHERE case_number = $1', [candidate]);
      if (!taken) return candidate;
    }
  }

  async create(caller: Caller, dto: RecipientBodyDto): Promise<RecipientJson> {
    try {
      return await this.dataSource.transaction(async (em) => {
        if (!this.access.abilityOf(caller).can('create', 'Recipient')) {
          throw new AppError('ORGANISATION_FORBIDDEN', {
            message: 'Only municipal departments and welfare offices open recipients',
          });
        }
        if (dto.leadOrganisationId !== undefined) {
          throw new AppError('FIELD_NOT_WRITABLE', {
            message: 'leadOrganisationId is set to the creating organisation',
            details: [{ field: 'leadOrganisationId', constraint: 'notWritable', message: 'leadOrganisationId is not writable' }],
          });
        }
        for (const field of ['familyName', 'givenName'] as const) {
          if (dto[field] === undefined) throw invalidField(field, 'isNotEmpty', `${field} is required`);
        }
        await this.checkReferences(em, dto);
        const openedAt = this.clock.now();
        const caseNumber = dto.caseNumber ?? (await this.nextCaseNumber(em, openedAt));
        if (dto.caseNumber) {
          const [taken] = await em.query('SELECT 1 FROM recipients WHERE case_number = $1', [caseNumber]);
          if (taken) throw new AppError('CONFLICT_DUPLICATE', { message: 'caseNumber is already in use' });
        }
        const id = uuidv7();
        const fields = this.bodyFields(dto).filter((f) => f !== 'caseNumber' && f !== 'leadOrganisationId');
        const columns = ['id', 'created_by', 'lead_organisation_id', 'case_number', 'search_key', 'kana_sort_key'];
        const values: unknown[] = [
          id,
          caller.userId,
          caller.organisationId,
          caseNumber,
          recipientSearchKey(dto.familyName, dto.givenName, dto.familyNameKana, dto.givenNameKana),
          kanaSortKey(dto.familyNameKana, dto.givenNameKana),
        ];
        for (const field of fields) {
          columns.push(RECIPIENT_COLUMNS[field].column);
          values.push(sqlValue(field, normalise(field, (dto as Record<string, unknown>)[field])));
        }
        if (!fields.includes('openedOn')) {
          // Opened today as the city counts days (an 08:30 opening in Japan is still the previous day in UTC).
          columns.push(RECIPIENT_COLUMNS.openedOn.column);
          values.push(jstDate(openedAt));
        }
        await em.query(
          `INSERT INTO recipients (${columns.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
        );
        const { row, access } = await this.load(em, caller, id);
        await this.audit.record(em, caller, {
          action: 'recipient.create',
          resourceType: 'recipient',
          resourceId: id,
          recipientId: id,
          fieldGroups: access.fieldGroups,
          legalBasis: 'lead_organisation',
          details: { fields: ['caseNumber', ...fields] },
        });
        return projectRecipient(row, access);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT_DUPLICATE', { message: 'caseNumber is already in use' });
      throw asValidationError(error);
    }
  }

  /**
   * Loads one recipient with the caller's access to it; invisible (or unknown) → 404. One statement reads the record
   * and the access columns of the authority, in one snapshot.
   */
  private async load(em: EntityManager, caller: Caller, id: string) {
    const [row]: (RecipientRow & AccessColumns)[] = await em.query(
      prepared(`SELECT ${RECIPIENT_SELECT}, ${this.access.accessColumnsSql('r', '$2')} FROM recipients r WHERE r.id = $1`),
      [id, caller.organisationId],
    );
    if (!row) throw notFound();
    const access = this.access.callerAccessOf(caller, row);
    if (!access.visible) throw notFound();
    return { row, access };
  }

  /**
   * One recipient exactly as GET /recipients/:id answers it, inside the caller's transaction and without an audit
   * event of its own (for reads that record one event for everything they return, such as the printout).
   */
  async readProjected(em: EntityManager, caller: Caller, id: string): Promise<{ recipient: RecipientJson; access: ResolvedAccess }> {
    const { row, access } = await this.load(em, caller, id);
    return { recipient: projectRecipient(row, access), access };
  }

  /**
   * No transaction: the read is one statement (one snapshot), and its audit event goes to the group commit, which
   * the answer waits for (a read whose event is not stored is never answered). A READ COMMITTED transaction around
   * it would add two round trips and no consistency.
   */
  async get(caller: Caller, id: string): Promise<RecipientJson> {
    const { row, access } = await this.load(this.dataSource.manager, caller, id);
    await this.recordRead(this.dataSource.manager, caller, 'recipient.read', id, access);
    return projectRecipient(row, access);
  }

  /** The event of a read of one recipient: its field groups, the legal basis and grant(s) the access rests on. */
  recordRead(em: EntityManager, caller: Caller, action: AuditActionName, id: string, access: ResolvedAccess, details?: Record<string, unknown>) {
    return this.audit.record(em, caller, {
      action,
      resourceType: 'recipient',
      resourceId: id,
      recipientId: id,
      fieldGroups: access.fieldGroups,
      legalBasis: access.legalBasis,
      grantId: access.grantIds[0] ?? null,
      details: access.grantIds.length > 1 ? { ...details, grantIds: access.grantIds } : details,
    });
  }

  update(caller: Caller, id: string, ifMatch: string | undefined, dto: RecipientBodyDto): Promise<RecipientJson> {
    return this.updateInTransaction(caller, id, ifMatch, dto).catch((error: unknown) => {
      throw asValidationError(error);
    });
  }

  private updateInTransaction(caller: Caller, id: string, ifMatch: string | undefined, dto: RecipientBodyDto): Promise<RecipientJson> {
    return this.dataSource.transaction(async (em) => {
      const { row, access } = await this.load(em, caller, id);
      const fields = this.bodyFields(dto);
      const immutable = fields.filter((f) => RECIPIENT_IMMUTABLE_FIELDS.includes(f));
      const notWritable = fields.filter((f) => immutable.includes(f) || !access.writableGroups.includes(groupOf(f)!));
      if (notWritable.length > 0) {
        throw new AppError('FIELD_NOT_WRITABLE', {
          message: `Not writable for you: ${notWritable.join(', ')}`,
          details: notWritable.map((field) => ({ field, constraint: 'notWritable', message: `${field} is not writable` })),
        });
      }
      if (access.writableGroups.length === 0) {
        throw new AppError('GRANT_SCOPE_MISSING', { message: 'Your organisation may not change this recipient' });
      }
      const expected = ifMatchVersion(ifMatch);
      if (expected !== row.version) throw versionConflict(row.version);
      await this.checkReferences(em, dto);
      const changes: { field: RecipientField; from: unknown; to: unknown }[] = [];
      for (const field of fields) {
        const to = normalise(field, (dto as Record<string, unknown>)[field]);
        if (!same(row[field], to)) changes.push({ field, from: row[field] ?? null, to: to ?? null });
      }
      if (changes.length === 0) {
        await this.audit.record(em, caller, {
          action: 'recipient.update',
          resourceType: 'recipient',
          resourceId: id,
          recipientId: id,
          legalBasis: access.legalBasis,
          grantId: access.grantIds[0] ?? null,
          details: { changedFields: [] },
        });
        return projectRecipient(row, access);
      }
      const merged = { ...row } as Record<string, unknown>;
      for (const c of changes) merged[c.field] = c.to;
      const params = new SqlParams([id, expected]);
      const sets = changes.map((c) => `${RECIPIENT_COLUMNS[c.field].column} = ${params.add(sqlValue(c.field, c.to))}`);
      sets.push(
        `search_key = ${params.add(
          recipientSearchKey(
            merged.familyName as string,
            merged.givenName as string,
            merged.familyNameKana as string | null,
            merged.givenNameKana as string | null,
          ),
        )}`,
      );
      if (changes.some((c) => c.field === 'familyNameKana' || c.field === 'givenNameKana')) {
        sets.push(`kana_sort_key = ${params.add(kanaSortKey(merged.familyNameKana as string | null, merged.givenNameKana as string | null))}`);
      }
      // One atomic compare-and-set: a concurrent writer that got there first leaves no row with our version.
      const [updated] = await em.query(
        `UPDATE recipients r SET ${sets.join(', ')}, version = version + 1, updated_at = clock_timestamp()
          WHERE r.id = $1 AND r.version = $2 RETURNING ${RECIPIENT_SELECT}`,
        params.values,
      );
      if (updated.length === 0) {
        const [current] = await em.query('SELECT version FROM recipients WHERE id = $1', [id]);
        throw versionConflict(current.version);
      }
      const newRow = updated[0] as RecipientRow;
      await em.query(
        `INSERT INTO recipient_history (id, recipient_id, version, at, by_user_id, organisation_id, changes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [uuidv7(), id, newRow.version, newRow.updated_at, caller.userId, caller.organisationId, JSON.stringify(changes)],
      );
      const changedFields = changes.map((c) => c.field);
      await this.audit.record(em, caller, {
        action: 'recipient.update',
        resourceType: 'recipient',
        resourceId: id,
        recipientId: id,
        fieldGroups: FIELD_GROUPS.filter((g) => changedFields.some((f) => groupOf(f) === g)),
        legalBasis: access.legalBasis,
        grantId: access.grantIds[0] ?? null,
        details: { changedFields, version: newRow.version },
      });
      // Field names only: each receiver is told about the fields it may read, and fetches values over REST.
      await this.live.publish(em, {
        type: 'recipient.updated',
        recipientId: id,
        actorOrganisationId: caller.organisationId,
        payload: { version: newRow.version, changedFields },
      });
      return projectRecipient(newRow, access);
    });
  }

  /**
   * The page query of a list: the access condition split at its top-level OR (lead organisation's recipients;
   * recipients with an active grant), each branch ordered and limited on its own index, merged, then joined for the
   * page's rows and the caller's active grants on each (for the per-row instance check and projection).
   * Exposed for the benchmark, which times and EXPLAINs exactly this query.
   */
  listQuery(ability: RecipientAbility, caller: Pick<Caller, 'organisationId'>, query: RecipientListQueryDto) {
    const limit = pageLimit(query);
    const kana = query.sort === 'kana';
    const after = decodeCursor(query.cursor, kana ? ['text', 'uuid'] : ['timestamp', 'uuid']);
    const params = new SqlParams([caller.organisationId]);
    const branches = this.access.readableSqlBranches(ability, 'r', params);
    const filters: string[] = [];
    if (query.status) filters.push(`r.status = ${params.add(query.status)}`);
    if (query.category) filters.push(`${params.add(query.category)} = ANY (r.support_categories)`);
    const searchKey = query.q === undefined ? '' : searchQueryKey(query.q);
    if (searchKey !== '') filters.push(nameSearchSql('r', searchKey, params));
    if (after) {
      if (kana) {
        filters.push(`(r.kana_sort_key, r.id) > (${params.add(String(after[0]))}, ${params.add(after[1])}::uuid)`);
      } else {
        filters.push(`(r.updated_at, r.id) < (${params.add(after[0])}::timestamptz, ${params.add(after[1])}::uuid)`);
      }
    }
    if (branches.length === 0) return { sql: null, values: params.values, limit, kana };
    const keyCols = kana ? `r.kana_sort_key AS k1` : `r.updated_at AS k1`;
    const order = kana ? `r.kana_sort_key, r.id` : `r.updated_at DESC, r.id DESC`;
    const uOrder = kana ? `u.k1, u.id` : `u.k1 DESC, u.id DESC`;
    const where = (branch: string) => [branch, ...filters].join(' AND ');
    const union = branches
      .map((b) => `(SELECT r.id, ${keyCols} FROM recipients r WHERE ${where(b)} ORDER BY ${order} LIMIT ${limit + 1})`)
      .join(' UNION ');
    const sql = `SELECT ${RECIPIENT_SELECT}, ${this.access.accessColumnsSql('r', '$1')},
                        r.updated_at::text AS cursor_at, r.kana_sort_key AS cursor_kana
                   FROM (SELECT * FROM (${union}) u ORDER BY ${uOrder} LIMIT ${limit + 1}) p
                   JOIN recipients r ON r.id = p.id
                  ORDER BY ${uOrder.replaceAll('u.', 'p.')}`;
    return { sql, values: params.values, limit, kana };
  }

  /**
   * No transaction, as for `get`: under READ COMMITTED each statement has its own snapshot anyway, the page query
   * carries the grant validity itself (a grant revoked after the shapes were read opens nothing), the instance check
   * uses the grants read with each row, and the audit event goes to the group commit that the answer waits for.
   * (Parallel workers are off for the whole pool: see dataSourceOptions.)
   */
  async list(caller: Caller, query: RecipientListQueryDto): Promise<Page<RecipientJson>> {
    const em = this.dataSource.manager;
    const { sql, values, limit, kana } = this.listQuery(this.access.abilityOf(caller), caller, query);
    const rows: ListRow[] = sql ? await em.query(sql, values) : [];
    const visible: { row: ListRow; access: ResolvedAccess }[] = [];
    for (const row of rows) {
      const access = this.access.callerAccessOf(caller, row);
      if (access.visible) visible.push({ row, access });
      else this.logger.error({ recipientId: row.id, requestId: caller.requestId }, 'list query and instance check disagree');
    }
    const page = toPage(
      visible,
      limit,
      ({ row }) => (kana ? [row.cursor_kana, row.id] : [row.cursor_at, row.id]),
      ({ row, access }) => projectRecipient(row, access),
    );
    await this.audit.record(em, caller, {
      action: 'recipient.list',
      resourceType: 'recipient',
      recipientIds: page.items.map((r) => r.id),
      details: {
        count: page.items.length,
        status: query.status ?? null,
        category: query.category ?? null,
        sort: query.sort ?? 'updated',
        search: Boolean(query.q),
      },
    });
    return page;
  }

  history(caller: Caller, id: string, query: { limit?: number; cursor?: string }) {
    return this.dataSource.transaction(async (em) => {
      const access = await this.access.resolve(em, caller, id);
      if (!access.visible) throw notFound();
      const limit = pageLimit(query);
      const after = decodeCursor(query.cursor, ['int']);
      const rows = await em.query(
        `SELECT version, at, by_user_id, organisation_id, changes FROM recipient_history
          WHERE recipient_id = $1 ${after ? 'AND version < $2' : ''} ORDER BY version DESC LIMIT ${limit + 1}`,
        after ? [id, after[0]] : [id],
      );
      const readable = (field: string) => access.fieldGroups.includes(groupOf(field) as FieldGroup);
      const page = toPage(
        rows,
        limit,
        (r: any) => [r.version],
        (r: any) => ({
          version: r.version,
          at: (r.at as Date).toISOString(),
          by: r.by_user_id,
          organisationId: r.organisation_id,
          changes: (r.changes as { field: string }[]).filter((c) => readable(c.field)),
        }),
      );
      // Entries whose every change is to an unreadable group say nothing the caller may know: they are left out.
      page.items = page.items.filter((entry) => entry.changes.length > 0);
      await this.recordRead(em, caller, 'recipient.history_read', id, access, { count: page.items.length });
      return page;
    });
  }
}
