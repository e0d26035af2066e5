import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import { grantLiveEvent, LiveOutbox } from '#libs/outbox/index.js';
import { FIELD_GROUPS, GRANT_PERMISSIONS, type GrantJson } from '#libs/contracts/index.js';
import { AppError, type Caller, invalidField, decodeCursor, notFound, type Page, pageLimit, SqlParams, toPage, uuidv7 } from '#libs/platform/index.js';
import { AccessService, type ResolvedAccess } from './access.service.js';
import { activeGrantSql } from './recipient-ability.js';
import { asValidationError } from './input-guards.js';
import type { CreateGrantDto, GrantRegistryQueryDto, RevokeGrantDto } from './access.dto.js';
import type { PageQueryDto } from '#libs/platform/index.js';

const VITAL_INTEREST_MAX_MS = 72 * 3600 * 1000;

export type { GrantJson };

export const GRANT_COLUMNS = `g.id, g.recipient_id, g.grantee_organisation_id, g.field_groups, g.permissions, g.legal_basis,
  g.consent_id, g.basis_reference, g.valid_from, g.valid_until, g.granted_by, g.granted_at, g.revoked_at, g.revoked_by,
  g.revoke_reason, g.version,
  (${activeGrantSql('g')}) AS active`;

/** A row of GRANT_COLUMNS. */
export interface GrantRow {
  id: string;
  recipient_id: string;
  grantee_organisation_id: string;
  field_groups: GrantJson['fieldGroups'];
  permissions: GrantJson['permissions'];
  legal_basis: GrantJson['legalBasis'];
  consent_id: string | null;
  basis_reference: string | null;
  valid_from: Date;
  valid_until: Date | null;
  granted_by: string | null;
  granted_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  version: number;
  active: boolean;
}

/** A page's row: the grant and its sort key as text (full precision, unlike a JS date). */
type GrantPageRow = GrantRow & { cursor_at: string };

const iso = (v: Date | null) => (v ? v.toISOString() : null);

export function grantJson(row: GrantRow): GrantJson {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    granteeOrganisationId: row.grantee_organisation_id,
    fieldGroups: row.field_groups,
    permissions: row.permissions,
    legalBasis: row.legal_basis,
    consentId: row.consent_id,
    basisReference: row.basis_reference,
    validFrom: iso(row.valid_from)!,
    validUntil: iso(row.valid_until),
    grantedBy: row.granted_by,
    grantedAt: iso(row.granted_at)!,
    revokedAt: iso(row.revoked_at),
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    active: row.active,
    version: row.version,
  };
}

/**
 * A grant as its grantee organisation sees it: what access it has or had, when, and on which legal basis — not the
 * lead's record-keeping about it. `revokeReason` (often about the recipient's circumstances) and the staff ids
 * `grantedBy`/`revokedBy` are never shown to the grantee; `basisReference` (meeting date, contract number) only while
 * the grant is in force. The lead organisation and auditors see the whole grant.
 */
function granteeGrantJson(row: GrantRow): GrantJson {
  const grant = grantJson(row);
  return {
    ...grant,
    basisReference: grant.active ? grant.basisReference : null,
    grantedBy: null,
    revokedBy: null,
    revokeReason: null,
  };
}

/** Grants: created and revoked by the lead organisation only; each change is audited in its transaction, each list as a read. */
@Injectable()
export class GrantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly live: LiveOutbox,
  ) {}

  /** Invisible → 404; visible but not the lead organisation → 403. */
  async requireLead(em: EntityManager, caller: Caller, recipientId: string): Promise<ResolvedAccess> {
    const a = await this.access.resolve(em, caller, recipientId);
    if (!a.visible) throw notFound();
    if (!a.canLead) throw new AppError('NOT_LEAD_ORGANISATION', { message: 'Only the lead organisation may do this' });
    return a;
  }

  create(caller: Caller, recipientId: string, dto: CreateGrantDto): Promise<GrantJson> {
    return this.createInTransaction(caller, recipientId, dto).catch((error: unknown) => {
      throw asValidationError(error);
    });
  }

  private createInTransaction(caller: Caller, recipientId: string, dto: CreateGrantDto): Promise<GrantJson> {
    return this.dataSource.transaction(async (em) => {
      const lead = await this.requireLead(em, caller, recipientId);
      const fieldGroups = FIELD_GROUPS.filter((g) => dto.fieldGroups.includes(g));
      const permissions = GRANT_PERMISSIONS.filter((p) => (dto.permissions ?? []).includes(p));
      if (!fieldGroups.includes('basic')) throw invalidField('fieldGroups', 'includesBasic', 'fieldGroups must include basic');
      const [{ db_now }] = await em.query(`SELECT now() AS db_now`);
      const now = (db_now as Date).getTime();
      const validFrom = dto.validFrom ? new Date(dto.validFrom) : new Date(now);
      let validUntil = dto.validUntil ? new Date(dto.validUntil) : null;
      if (validUntil && validUntil.getTime() <= now) throw invalidField('validUntil', 'afterNow', 'validUntil must be later than now');
      if (validUntil && validUntil <= validFrom) throw invalidField('validUntil', 'afterValidFrom', 'validUntil must be later than validFrom');
      if (dto.legalBasis === 'consent') {
        if (!dto.consentId) throw invalidField('consentId', 'requiredForConsent', 'consentId is required with legalBasis consent');
      } else {
        if (dto.consentId) throw invalidField('consentId', 'onlyForConsent', 'consentId is only for legalBasis consent');
        if (!dto.basisReference?.trim()) {
          throw invalidField('basisReference', 'requiredForBasis', `basisReference is required with legalBasis ${dto.legalBasis}`);
        }
      }
      if (dto.legalBasis === 'vital_interest') {
        if (!validUntil) throw invalidField('validUntil', 'requiredForVitalInterest', 'validUntil is required with vital_interest');
        if (validUntil.getTime() - validFrom.getTime() > VITAL_INTEREST_MAX_MS) {
          throw invalidField('validUntil', 'vitalInterestMax72h', 'vital_interest grants last at most 72 hours');
        }
      }
      const [grantee] = await em.query(`SELECT id FROM organisations WHERE id = $1`, [dto.granteeOrganisationId]);
      if (!grantee) {
        throw new AppError('REFERENCE_NOT_FOUND', {
          message: 'granteeOrganisationId names no organisation',
          details: [{ field: 'granteeOrganisationId', constraint: 'exists', message: 'unknown organisation' }],
        });
      }
      if (dto.granteeOrganisationId === lead.leadOrganisationId) {
        throw new AppError('UNPROCESSABLE', { message: 'The lead organisation has every group already; it needs no grant' });
      }
      if (dto.consentId) {
        const [consent] = await em.query(
          `SELECT id, organisation_ids, field_groups, valid_until,
                  (withdrawn_at IS NULL AND (valid_until IS NULL OR valid_until > now())) AS active
             FROM consents WHERE id = $1 AND recipient_id = $2 FOR SHARE`,
          [dto.consentId, recipientId],
        );
        if (!consent) {
          throw new AppError('REFERENCE_NOT_FOUND', {
            message: 'consentId names no consent of this recipient',
            details: [{ field: 'consentId', constraint: 'exists', message: 'unknown consent' }],
          });
        }
        if (!consent.active) throw new AppError('CONSENT_NOT_COVERING', { message: 'The consent is withdrawn or expired' });
        if (!consent.organisation_ids.includes(dto.granteeOrganisationId)) {
          throw new AppError('CONSENT_NOT_COVERING', { message: 'The consent does not name the grantee organisation' });
        }
        if (!fieldGroups.every((g) => consent.field_groups.includes(g))) {
          throw new AppError('CONSENT_NOT_COVERING', { message: 'The consent does not cover every requested field group' });
        }
        // A consent-based grant ends when its consent does.
        const consentUntil: Date | null = consent.valid_until;
        if (consentUntil && (!validUntil || consentUntil < validUntil)) validUntil = consentUntil;
        if (validUntil && validUntil <= validFrom) throw invalidField('validFrom', 'beforeConsentEnd', 'validFrom is after the consent ends');
      }
      const id = uuidv7();
      const [row] = await em.query(
        `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, consent_id,
           basis_reference, valid_from, valid_until, granted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING ${GRANT_COLUMNS.replaceAll('g.', '')}`,
        [
          id,
          recipientId,
          dto.granteeOrganisationId,
          fieldGroups,
          permissions,
          dto.legalBasis,
          dto.consentId ?? null,
          dto.basisReference ?? null,
          validFrom,
          validUntil,
          caller.userId,
        ],
      );
      await this.audit.record(em, caller, {
        action: 'grant.create',
        resourceType: 'grant',
        resourceId: id,
        recipientId,
        fieldGroups,
        legalBasis: dto.legalBasis,
        grantId: id,
        details: { granteeOrganisationId: dto.granteeOrganisationId, permissions },
      });
      const created = grantJson(row);
      await this.live.publish(em, grantLiveEvent('grant.created', created, caller.organisationId, caller.organisationId));
      return created;
    });
  }

  revoke(caller: Caller, recipientId: string, grantId: string, dto: RevokeGrantDto): Promise<GrantJson> {
    return this.dataSource.transaction(async (em) => {
      await this.requireLead(em, caller, recipientId);
      const [existing] = await em.query(`SELECT id FROM grants WHERE id = $1 AND recipient_id = $2`, [grantId, recipientId]);
      if (!existing) throw notFound('No such grant');
      const [rows]: [GrantRow[], number] = await em.query(
        `UPDATE grants g SET revoked_at = now(), revoked_by = $2, revoke_reason = $3, version = version + 1
          WHERE id = $1 AND revoked_at IS NULL RETURNING ${GRANT_COLUMNS}`,
        [grantId, caller.userId, dto.reason],
      );
      if (rows.length === 0) throw new AppError('ALREADY_REVOKED', { message: 'The grant is already revoked' });
      const grant = grantJson(rows[0]);
      await this.audit.record(em, caller, {
        action: 'grant.revoke',
        resourceType: 'grant',
        resourceId: grantId,
        recipientId,
        fieldGroups: grant.fieldGroups,
        legalBasis: grant.legalBasis,
        grantId,
        details: { granteeOrganisationId: grant.granteeOrganisationId },
      });
      await this.live.publish(em, grantLiveEvent('grant.revoked', grant, caller.organisationId, caller.organisationId));
      return grant;
    });
  }

  /** Grants of one recipient: all of them for the lead organisation, its own for a grantee that can see the recipient. */
  listForRecipient(caller: Caller, recipientId: string, query: PageQueryDto): Promise<Page<GrantJson>> {
    return this.dataSource.transaction(async (em) => {
      const a = await this.access.resolve(em, caller, recipientId);
      if (!a.visible) throw notFound();
      const limit = pageLimit(query);
      const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      const params = new SqlParams();
      const where = [`g.recipient_id = ${params.add(recipientId)}`];
      if (!a.isLead) where.push(`g.grantee_organisation_id = ${params.add(caller.organisationId)}`);
      if (after) where.push(`(g.granted_at, g.id) > (${params.add(after[0])}::timestamptz, ${params.add(after[1])}::uuid)`);
      const rows: GrantPageRow[] = await em.query(
        `SELECT ${GRANT_COLUMNS}, g.granted_at::text AS cursor_at FROM grants g WHERE ${where.join(' AND ')}
          ORDER BY g.granted_at, g.id LIMIT ${limit + 1}`,
        params.values,
      );
      const page = toPage(rows, limit, (r) => [r.cursor_at, r.id], a.isLead ? grantJson : granteeGrantJson);
      await this.audit.record(em, caller, {
        action: 'grant.list',
        resourceType: 'grant',
        recipientId,
        legalBasis: a.legalBasis,
        grantId: a.grantIds[0] ?? null,
        details: { count: page.items.length },
      });
      return page;
    });
  }

  /** The grant registry: a caseworker/org_admin sees grants made to its own organisation; an auditor sees all. */
  registry(caller: Caller, query: GrantRegistryQueryDto): Promise<Page<GrantJson>> {
    return this.dataSource.transaction(async (em) => {
      const params = new SqlParams();
      const where: string[] = [];
      let grantee = query.granteeOrganisationId;
      if (caller.role !== 'auditor') {
        if (grantee && grantee !== caller.organisationId) {
          throw new AppError('ORGANISATION_FORBIDDEN', { message: 'Only your own organisation’s grants are listed to you' });
        }
        grantee = caller.organisationId;
      }
      if (grantee) where.push(`g.grantee_organisation_id = ${params.add(grantee)}`);
      if (query.recipientId) where.push(`g.recipient_id = ${params.add(query.recipientId)}`);
      const limit = pageLimit(query);
      const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      if (after) where.push(`(g.granted_at, g.id) > (${params.add(after[0])}::timestamptz, ${params.add(after[1])}::uuid)`);
      const rows: GrantPageRow[] = await em.query(
        `SELECT ${GRANT_COLUMNS}, g.granted_at::text AS cursor_at FROM grants g
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY g.granted_at, g.id LIMIT ${limit + 1}`,
        params.values,
      );
      // Everyone but the auditor lists the grants made to its own organisation: the grantee's view.
      const page = toPage(rows, limit, (r) => [r.cursor_at, r.id], caller.role === 'auditor' ? grantJson : granteeGrantJson);
      await this.audit.record(em, caller, {
        action: 'grant.registry_read',
        resourceType: 'grant',
        details: { granteeOrganisationId: grantee ?? null, count: page.items.length },
      });
      return page;
    });
  }
}
