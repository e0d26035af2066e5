import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FieldGroup, GrantPermission } from '#libs/contracts/index.js';
import {
  type AccessWho,
  accessSql,
  accessSqlBranches,
  type ActiveGrant,
  activeGrantSql,
  buildRecipientAbility,
  effectiveAccess,
  type GrantShape,
  type RecipientAbility,
  type RecipientAction,
  recipientRules,
  recipientSubject,
} from './recipient-ability.js';
import type { SqlParams } from '#libs/platform/index.js';

export interface ResolvedAccess {
  /** The caller's organisation may read the recipient at all (false also when the recipient does not exist). */
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
}

/** Only these roles read recipients; the others get no grant-based rules at all. */
const readsThroughGrants = (who: AccessWho) => who.role === 'caseworker' || who.role === 'org_admin';

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
};

/**
 * The one place that answers "what may this organisation do with this recipient". Other libraries (notes, live
 * updates) use it like this:
 *
 *   const ability = await access.abilityFor(em, caller);            // once per request (role + org + grant shapes)
 *   const a = await access.resolve(em, caller, recipientId, ability); // single record: instance check
 *   if (!a.visible) throw notFound();                                 // invisible → 404
 *   if (!a.permissions.includes('notes.read')) → 403                  // visible but not allowed
 *   // a.legalBasis / a.grantIds go into the audit event
 *
 *   // lists: a condition over a recipients alias, positional params collected in SqlParams
 *   const params = new SqlParams([...yourParams]);
 *   const cond = access.readableSql(ability, 'r', params);           // "lead org OR an active grant exists"
 *   await em.query(`SELECT … FROM recipients r WHERE ${cond} …`, params.values);
 *
 * `orgMayReadSql('r', '$1')` is the same condition without an ability (any grant shape), for queries that only
 * need visibility. Expiry and revocation are part of the SQL, so they take effect on the very next request.
 */
@Injectable()
export class AccessService {
  /**
   * Distinct shapes of the organisation's active grants as one JSON array expression (`orgParam` a placeholder such
   * as `$2`), so that a request can read them in the statement that loads its record: one round trip, one snapshot.
   * A loose index scan (recursive CTE over grants_grantee_shape_idx): one index probe per distinct shape, however
   * many grants the organisation holds.
   */
  grantShapesSql(orgParam: string): string {
    const next = (after: string) => `SELECT g.field_groups, g.permissions FROM grants g
        WHERE g.grantee_organisation_id = ${orgParam}::uuid AND ${activeGrantSql('g')} ${after}
        ORDER BY g.field_groups, g.permissions LIMIT 1`;
    return `(WITH RECURSIVE s AS (
         (${next('')})
         UNION ALL
         SELECT n.field_groups, n.permissions FROM s
           CROSS JOIN LATERAL (${next('AND (g.field_groups, g.permissions) > (s.field_groups, s.permissions)')}) n
       )
       SELECT coalesce(json_agg(json_build_object('fieldGroups', s.field_groups, 'permissions', s.permissions)), '[]'::json)
         FROM s)`;
  }

  async grantShapes(em: EntityManager, organisationId: string): Promise<GrantShape[]> {
    const [row]: { shapes: GrantShape[] }[] = await em.query(`SELECT ${this.grantShapesSql('$1')} AS shapes`, [organisationId]);
    return row.shapes;
  }

  /** One ability per request: role + organisation (+ kind, for create) + the organisation's active grant shapes. */
  async abilityFor(em: EntityManager, who: AccessWho): Promise<RecipientAbility> {
    return this.abilityOf(who, readsThroughGrants(who) ? await this.grantShapes(em, who.organisationId) : []);
  }

  /** The ability from shapes read by grantShapesSql along another statement. */
  abilityOf(who: AccessWho, shapes: readonly GrantShape[]): RecipientAbility {
    return buildRecipientAbility(who, readsThroughGrants(who) ? shapes : []);
  }

  /** Raw rules (for `GET /me`). */
  async rulesFor(em: EntityManager, who: AccessWho) {
    if (!readsThroughGrants(who)) return [];
    return recipientRules(who, await this.grantShapes(em, who.organisationId));
  }

  /** SQL selecting the caller organisation's active grants on recipient `${r}.id` as a JSON array (for instance checks). */
  myGrantsSql(r: string, orgParam: string): string {
    return `(SELECT coalesce(json_agg(json_build_object('id', mg.id, 'granteeOrganisationId', mg.grantee_organisation_id,
        'fieldGroups', mg.field_groups, 'permissions', mg.permissions, 'legalBasis', mg.legal_basis) ORDER BY mg.granted_at, mg.id), '[]'::json)
       FROM grants mg WHERE mg.recipient_id = ${r}.id AND mg.grantee_organisation_id = ${orgParam}::uuid AND ${activeGrantSql('mg')})`;
  }

  /** Instance check of a loaded row: `grants` must be the organisation's active grants on it (see myGrantsSql). */
  accessOf(ability: RecipientAbility, who: AccessWho, row: { id: string; leadOrganisationId: string; grants: ActiveGrant[] }): ResolvedAccess {
    const access = effectiveAccess(ability, row);
    if (access.fieldGroups.length === 0) return { ...NONE, leadOrganisationId: row.leadOrganisationId };
    const isLead = row.leadOrganisationId === who.organisationId;
    const bases = [...new Set(row.grants.map((g) => g.legalBasis))];
    const subject = recipientSubject(row);
    const canWrite = ability.can('profile.write', subject);
    return {
      visible: true,
      isLead,
      leadOrganisationId: row.leadOrganisationId,
      fieldGroups: access.fieldGroups,
      permissions: access.permissions,
      grantIds: isLead ? [] : row.grants.map((g) => g.id),
      legalBasis: isLead ? 'lead_organisation' : bases.join(',') || null,
      writableGroups: canWrite ? access.fieldGroups : [],
      canLead: isLead && ability.can('lead', subject),
    };
  }

  /** What `who` may do with one recipient, now. Unknown recipient → not visible. */
  async resolve(em: EntityManager, who: AccessWho, recipientId: string, ability?: RecipientAbility): Promise<ResolvedAccess> {
    if (!readsThroughGrants(who)) return NONE;
    // Without an ability, the grant shapes come with the record: one round trip.
    const [row] = await em.query(
      `SELECT r.id, r.lead_organisation_id AS "leadOrganisationId", ${this.myGrantsSql('r', '$2')} AS grants
              ${ability ? '' : `, ${this.grantShapesSql('$2')} AS shapes`}
         FROM recipients r WHERE r.id = $1`,
      [recipientId, who.organisationId],
    );
    if (!row) return NONE;
    return this.accessOf(ability ?? this.abilityOf(who, row.shapes), who, row);
  }

  /** "May read" (or another action) as SQL over recipients alias `r`, derived from the ability's rules. */
  readableSql(ability: RecipientAbility, r: string, params: SqlParams, action: RecipientAction = 'read'): string {
    return accessSql(ability, action, r, params);
  }

  /** The same, split at its top-level OR, one condition per branch (lists run each branch on its own index). */
  readableSqlBranches(ability: RecipientAbility, r: string, params: SqlParams, action: RecipientAction = 'read'): string[] {
    return accessSqlBranches(ability, action, r, params);
  }

  /** Visibility only, without an ability: lead organisation or any active grant. `orgParam` is a placeholder like `$1`. */
  orgMayReadSql(r: string, orgParam: string): string {
    return `(${r}.lead_organisation_id = ${orgParam}::uuid OR EXISTS (SELECT 1 FROM grants vg WHERE vg.recipient_id = ${r}.id
      AND vg.grantee_organisation_id = ${orgParam}::uuid AND ${activeGrantSql('vg')}))`;
  }
}

