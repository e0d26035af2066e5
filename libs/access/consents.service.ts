import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import { grantLiveEvent, LiveOutbox } from '#libs/outbox/index.js';
import { type ConsentJson, FIELD_GROUPS } from '#libs/contracts/index.js';
import {
  AppError,
  type Caller,
  decodeCursor,
  invalidField,
  notFound,
  type Page,
  type PageQueryDto,
  pageLimit,
  SqlParams,
  toPage,
  uuidv7,
} from '#libs/platform/index.js';
import type { CreateConsentDto, WithdrawConsentDto } from './access.dto.js';
import { asValidationError } from './input-guards.js';
import { GRANT_COLUMNS, type GrantRow, grantJson, GrantsService } from './grants.service.js';

export type { ConsentJson };

const CONSENT_COLUMNS = `id, recipient_id, organisation_ids, field_groups, purpose, obtained_on::text AS obtained_on, obtained_by,
  method, signatory, proxy_relationship, document_reference, valid_until, withdrawn_at, withdrawn_by, withdraw_reason,
  created_at, created_at::text AS cursor_at, version`;

/** A row of CONSENT_COLUMNS. */
interface ConsentRow {
  id: string;
  recipient_id: string;
  organisation_ids: string[];
  field_groups: string[];
  purpose: string;
  obtained_on: string;
  obtained_by: string;
  method: string;
  signatory: string;
  proxy_relationship: string | null;
  document_reference: string | null;
  valid_until: Date | null;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
  created_at: Date;
  /** created_at as text, full precision: the sort key of a page. */
  cursor_at: string;
  version: number;
}

const iso = (v: Date | null) => (v ? v.toISOString() : null);

function consentJson(row: ConsentRow): ConsentJson {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    organisationIds: row.organisation_ids,
    fieldGroups: row.field_groups,
    purpose: row.purpose,
    obtainedOn: row.obtained_on,
    obtainedBy: row.obtained_by,
    method: row.method,
    signatory: row.signatory,
    proxyRelationship: row.proxy_relationship,
    documentReference: row.document_reference,
    validUntil: iso(row.valid_until),
    withdrawnAt: iso(row.withdrawn_at),
    withdrawnBy: row.withdrawn_by,
    withdrawReason: row.withdraw_reason,
    createdAt: iso(row.created_at)!,
    version: row.version,
  };
}

/** Consents (本人同意): the lead organisation records and withdraws them; withdrawal revokes the grants resting on them. */
@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
    private readonly live: LiveOutbox,
  ) {}

  list(caller: Caller, recipientId: string, query: PageQueryDto): Promise<Page<ConsentJson>> {
    return this.dataSource.transaction(async (em) => {
      await this.grants.requireLead(em, caller, recipientId);
      const limit = pageLimit(query);
      const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      const params = new SqlParams();
      const where = [`recipient_id = ${params.add(recipientId)}`];
      if (after) where.push(`(created_at, id) > (${params.add(after[0])}::timestamptz, ${params.add(after[1])}::uuid)`);
      const rows: ConsentRow[] = await em.query(
        `SELECT ${CONSENT_COLUMNS} FROM consents WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT ${limit + 1}`,
        params.values,
      );
      const page = toPage(rows, limit, (r) => [r.cursor_at, r.id], consentJson);
      await this.audit.record(em, caller, {
        action: 'consent.list',
        resourceType: 'consent',
        recipientId,
        legalBasis: 'lead_organisation',
        details: { count: page.items.length },
      });
      return page;
    });
  }

  create(caller: Caller, recipientId: string, dto: CreateConsentDto): Promise<ConsentJson> {
    return this.createInTransaction(caller, recipientId, dto).catch((error: unknown) => {
      throw asValidationError(error);
    });
  }

  private createInTransaction(caller: Caller, recipientId: string, dto: CreateConsentDto): Promise<ConsentJson> {
    return this.dataSource.transaction(async (em) => {
      await this.grants.requireLead(em, caller, recipientId);
      if (dto.validUntil && new Date(dto.validUntil).getTime() <= Date.now()) {
        throw invalidField('validUntil', 'afterNow', 'validUntil must be later than now');
      }
      const known: { id: string }[] = await em.query(`SELECT id FROM organisations WHERE id = ANY($1::uuid[])`, [dto.organisationIds]);
      const unknown = dto.organisationIds.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length > 0) {
        throw new AppError('REFERENCE_NOT_FOUND', {
          message: 'organisationIds names an unknown organisation',
          details: unknown.map((id) => ({ field: 'organisationIds', constraint: 'exists', message: `unknown organisation ${id}` })),
        });
      }
      const id = uuidv7();
      const fieldGroups = FIELD_GROUPS.filter((g) => dto.fieldGroups.includes(g));
      const [row] = await em.query(
        `INSERT INTO consents (id, recipient_id, organisation_ids, field_groups, purpose, obtained_on, obtained_by, method,
           signatory, proxy_relationship, document_reference, valid_until, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${CONSENT_COLUMNS}`,
        [
          id,
          recipientId,
          dto.organisationIds,
          fieldGroups,
          dto.purpose,
          dto.obtainedOn,
          dto.obtainedBy ?? caller.userId,
          dto.method,
          dto.signatory,
          dto.proxyRelationship ?? null,
          dto.documentReference ?? null,
          dto.validUntil ?? null,
          caller.userId,
        ],
      );
      await this.audit.record(em, caller, {
        action: 'consent.create',
        resourceType: 'consent',
        resourceId: id,
        recipientId,
        fieldGroups,
        legalBasis: 'lead_organisation',
        details: { organisationIds: dto.organisationIds, method: dto.method, signatory: dto.signatory },
      });
      return consentJson(row);
    });
  }

  withdraw(caller: Caller, recipientId: string, consentId: string, dto: WithdrawConsentDto): Promise<ConsentJson> {
    return this.dataSource.transaction(async (em) => {
      await this.grants.requireLead(em, caller, recipientId);
      const [existing] = await em.query(`SELECT id FROM consents WHERE id = $1 AND recipient_id = $2`, [consentId, recipientId]);
      if (!existing) throw notFound('No such consent');
      const [rows]: [ConsentRow[], number] = await em.query(
        `UPDATE consents SET withdrawn_at = now(), withdrawn_by = $2, withdraw_reason = $3, version = version + 1
          WHERE id = $1 AND withdrawn_at IS NULL RETURNING ${CONSENT_COLUMNS}`,
        [consentId, caller.userId, dto.reason ?? null],
      );
      if (rows.length === 0) throw new AppError('ALREADY_WITHDRAWN', { message: 'The consent is already withdrawn' });
      // Every grant resting on this consent ends with it, in this same transaction.
      const [revoked]: [GrantRow[], number] = await em.query(
        `UPDATE grants g SET revoked_at = now(), revoked_by = $2, revoke_reason = 'consent withdrawn', version = version + 1
          WHERE consent_id = $1 AND revoked_at IS NULL RETURNING ${GRANT_COLUMNS}`,
        [consentId, caller.userId],
      );
      await this.audit.record(em, caller, {
        action: 'consent.withdraw',
        resourceType: 'consent',
        resourceId: consentId,
        recipientId,
        legalBasis: 'lead_organisation',
        details: { revokedGrantIds: revoked.map((g) => g.id) },
      });
      for (const g of revoked.map(grantJson)) {
        await this.audit.record(em, caller, {
          action: 'grant.revoke',
          resourceType: 'grant',
          resourceId: g.id,
          recipientId,
          fieldGroups: g.fieldGroups,
          legalBasis: g.legalBasis,
          grantId: g.id,
          details: { granteeOrganisationId: g.granteeOrganisationId, cause: 'consent.withdraw', consentId },
        });
        // Live sockets of the grantee are evicted on every instance when this event is relayed.
        await this.live.publish(em, grantLiveEvent('grant.revoked', g, caller.organisationId, caller.organisationId));
      }
      return consentJson(rows[0]);
    });
  }
}
