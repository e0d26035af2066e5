import { Injectable } from '@nestjs/common';
import { createMongoAbility } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import { CASE_ROLES, type FieldGroup, type GrantPermission } from '#libs/contracts/index.js';
import { prepared } from '#libs/database/index.js';
import type { SqlParams } from '#libs/platform/index.js';
import {
  type AccessWho,
  accessSqlBranches,
  activeGrantSql,
  buildRecipientAbility,
  effectiveAccess,
  type GrantShape,
  grantNotEndedSql,
  organisationRules,
  type RecipientAbility,
  type RecipientAction,
  recipientRules,
  recipientSubject,
  shapeKey,
} from './recipient-ability.js';

/** What one organisation may do with one recipient, now: the answer of the access authority. */
export interface ResolvedAccess {
  /** The organisation may read the recipient at all (false also when the recipient does not exist). */
  visible: boolean;
  isLead: boolean;
  leadOrganisationId: string | null;
  fieldGroups: FieldGroup[];
  permissions: GrantPermission[];
  /** The active grants the access rests on (empty for the lead organisation). */
  grantIds: string[];
  /** 'lead_organisation', the basis of the grant used, or several bases joined by ',' when grants combine. */
  legalBasis: string | null;
  /** Fields of readable groups may be written (lead, or `profile.write`). */
  writableGroups: FieldGroup[];
  /** May manage grants and consents (lead organisation only). */
  canLead: boolean;
  /**
   * The earliest moment this answer changes by itself: the end of a grant it rests on, or the start of a grant
   * not yet in force. Null when only an explicit change (a new grant, a revocation) can change it.
   */
  changesAt: Date | null;
}

export interface AccessPair {
  organisationId: string;
  recipientId: string;
}

export const pairKey = (organisationId: string, recipientId: string) => `${organisationId}/${recipientId}`;

/** A grant in force of the organisation on the recipient, as the access columns carry it. */
interface GrantInForce extends GrantShape {
  id: string;
  legalBasis: string;
}

/** The access columns of one recipient row (see `accessColumnsSql`). */
export interface AccessColumns {
  id: string;
  leadOrganisationId: string;
  access: { grants: GrantInForce[]; changesAt: string | null };
}

const NONE: ResolvedAccess = {
  visible: false,
  isLead: false,
  leadOrganisationId: null,
  fieldGroups: [],
  permissions: [],
  grantIds: [],
  legalBasis: null,
  writableGroups: [],
  canLead: false,
  changesAt: null,
};

/** Only these roles read recipients (auditors and system administrators see no case content). */
const readsRecipients = (who: Pick<AccessWho, 'role'>) => CASE_ROLES.includes(who.role);

/** The part of an answer fixed by "lead or not" and the shapes of the grants: computed once per combination. */
type Capabilities = Pick<ResolvedAccess, 'fieldGroups' | 'permissions' | 'writableGroups' | 'canLead'>;
const MAX_REMEMBERED_COMBINATIONS = 1000;

/**
 * The access authority: the one place that answers "what may organisation O do with recipients R1…Rn, now".
 *
 * - The rule is the CASL model of recipient-ability.ts: the lead organisation may do everything; another
 *   organisation what the union of its grants in force opens (`activeGrantSql`, the only statement of validity).
 * - One recipient or many: the same columns (`accessColumnsSql`) are read with the record (single read, print,
 *   write), with each row of a list page, or for a batch of (organisation, recipient) pairs (`readAccess`: live
 *   delivery, replay, expiry re-checks). Each answer comes from an instance check of the rule against exactly the
 *   grants read in that statement, so every path gives the same answer in the same snapshot.
 * - Which recipients a list may contain is the rule translated to SQL (`readableSqlBranches`), never a filter in
 *   memory; the list's rows are then answered like any other read.
 * - Which notes an organisation reads follows from the answer (note-visibility.ts).
 */
@Injectable()
export class AccessService {
  private readonly remembered = new Map<string, Capabilities>();

  /**
   * Columns over recipients alias `r` for the organisation placeholder `org` (such as `$2`): the lead organisation and,
   * as one JSON value, the organisation's grants in force on the recipient and when that set next changes by itself.
   * One index probe (grants_grantee_active_idx) per row.
   */
  accessColumnsSql(r: string, org: string): string {
    const g = `${r}_ag`;
    return `${r}.lead_organisation_id AS "leadOrganisationId",
      (SELECT json_build_object(
                'grants', coalesce(json_agg(json_build_object('id', ${g}.id, 'fieldGroups', ${g}.field_groups,
                  'permissions', ${g}.permissions, 'legalBasis', ${g}.legal_basis) ORDER BY ${g}.granted_at, ${g}.id)
                  FILTER (WHERE ${activeGrantSql(g)}), '[]'::json),
                'changesAt', min(CASE WHEN ${g}.valid_from > now() THEN ${g}.valid_from ELSE ${g}.valid_until END))
         FROM grants ${g}
        WHERE ${g}.recipient_id = ${r}.id AND ${g}.grantee_organisation_id = ${org}::uuid AND ${grantNotEndedSql(g)}) AS access`;
  }

  /** The answer for one row read with `accessColumnsSql` (for `organisationId`, the organisation the columns were read for). */
  accessOf(organisationId: string, row: AccessColumns): ResolvedAccess {
    const { grants, changesAt } = row.access;
    const isLead = row.leadOrganisationId === organisationId;
    const capabilities = this.capabilities(organisationId, isLead, row);
    const base = { ...NONE, leadOrganisationId: row.leadOrganisationId, changesAt: changesAt ? new Date(changesAt) : null };
    if (capabilities.fieldGroups.length === 0) return base;
    const bases = [...new Set(grants.map((g) => g.legalBasis))];
    return {
      ...base,
      ...capabilities,
      visible: true,
      isLead,
      grantIds: isLead ? [] : grants.map((g) => g.id),
      legalBasis: isLead ? 'lead_organisation' : bases.join(',') || null,
    };
  }

  /** The instance check of the rule, remembered per combination of "lead or not" and grant shapes (it is pure). */
  private capabilities(organisationId: string, isLead: boolean, row: AccessColumns): Capabilities {
    const grants = row.access.grants;
    const key = isLead ? 'lead' : grants.map(shapeKey).sort().join(';');
    let known = this.remembered.get(key);
    if (!known) {
      const ability = createMongoAbility<RecipientAbility>(organisationRules(organisationId, grants));
      const subject = { id: row.id, leadOrganisationId: row.leadOrganisationId, grants: grants.map((g) => ({ ...g, granteeOrganisationId: organisationId })) };
      const { fieldGroups, permissions } = effectiveAccess(ability, subject);
      const canWrite = ability.can('profile.write', recipientSubject(subject));
      // Shared by every answer of this combination: frozen, so that no caller can change another's answer.
      known = Object.freeze({
        fieldGroups: Object.freeze(fieldGroups) as FieldGroup[],
        permissions: Object.freeze(permissions) as GrantPermission[],
        writableGroups: Object.freeze(canWrite ? fieldGroups : []) as FieldGroup[],
        canLead: isLead && ability.can('lead', recipientSubject(subject)),
      });
      if (this.remembered.size >= MAX_REMEMBERED_COMBINATIONS) this.remembered.clear();
      this.remembered.set(key, known);
    }
    return known;
  }

  /** The caller's answer: staff without a case role see no recipient, whatever their organisation may. */
  callerAccessOf(who: AccessWho, row: AccessColumns): ResolvedAccess {
    return readsRecipients(who) ? this.accessOf(who.organisationId, row) : { ...NONE, leadOrganisationId: row.leadOrganisationId };
  }

  /**
   * The batch question, in one statement: what each organisation may do with each recipient, now. Keys are
   * `pairKey(organisationId, recipientId)`; a recipient that does not exist has no key.
   */
  async readAccess(em: Pick<EntityManager, 'query'>, pairs: readonly AccessPair[]): Promise<Map<string, ResolvedAccess>> {
    const answers = new Map<string, ResolvedAccess>();
    if (pairs.length === 0) return answers;
    const rows: (AccessColumns & { organisationId: string })[] = await em.query(
      prepared(`SELECT p.organisation_id AS "organisationId", r.id, ${this.accessColumnsSql('r', 'p.organisation_id')}
         FROM unnest($1::uuid[], $2::uuid[]) AS p(organisation_id, recipient_id)
         JOIN recipients r ON r.id = p.recipient_id`),
      [pairs.map((p) => p.organisationId), pairs.map((p) => p.recipientId)],
    );
    for (const row of rows) answers.set(pairKey(row.organisationId, row.id), this.accessOf(row.organisationId, row));
    return answers;
  }

  /** What `who` may do with one recipient, now. Unknown recipient → not visible. */
  async resolve(em: Pick<EntityManager, 'query'>, who: AccessWho, recipientId: string): Promise<ResolvedAccess> {
    if (!readsRecipients(who)) return NONE;
    const answers = await this.readAccess(em, [{ organisationId: who.organisationId, recipientId }]);
    return answers.get(pairKey(who.organisationId, recipientId)) ?? NONE;
  }

  /**
   * The caller's ability for questions about recipients in general: may it create one, which may a list contain.
   * No shape is needed for either (see organisationRules), so this costs no database round trip.
   */
  abilityOf(who: AccessWho): RecipientAbility {
    return buildRecipientAbility(who, []);
  }

  /** "May read" (or another action) as SQL over recipients alias `r`, split at its top-level OR, one condition per
   * branch (lists run each branch on its own index: the lead organisation's recipients; granted recipients). */
  readableSqlBranches(ability: RecipientAbility, r: string, params: SqlParams, action: RecipientAction = 'read'): string[] {
    return accessSqlBranches(ability, action, r, params);
  }

  /** Raw rules (for `GET /me`): one rule per shape of the organisation's grants in force, so the UI knows its powers. */
  async rulesFor(em: Pick<EntityManager, 'query'>, who: AccessWho) {
    if (!readsRecipients(who)) return [];
    return recipientRules(who, await this.grantShapes(em, who.organisationId));
  }

  /**
   * Distinct shapes of the organisation's active grants: a loose index scan (recursive CTE over
   * grants_grantee_shape_idx), one index probe per distinct shape however many grants the organisation holds.
   */
  private async grantShapes(em: Pick<EntityManager, 'query'>, organisationId: string): Promise<GrantShape[]> {
    const next = (after: string) => `SELECT g.field_groups, g.permissions FROM grants g
        WHERE g.grantee_organisation_id = $1::uuid AND ${activeGrantSql('g')} ${after}
        ORDER BY g.field_groups, g.permissions LIMIT 1`;
    const [row]: { shapes: GrantShape[] }[] = await em.query(
      `WITH RECURSIVE s AS (
         (${next('')})
         UNION ALL
         SELECT n.field_groups, n.permissions FROM s
           CROSS JOIN LATERAL (${next('AND (g.field_groups, g.permissions) > (s.field_groups, s.permissions)')}) n
       )
       SELECT coalesce(json_agg(json_build_object('fieldGroups', s.field_groups, 'permissions', s.permissions)), '[]'::json) AS shapes
         FROM s`,
      [organisationId],
    );
    return row.shapes;
  }
}
