import { createMongoAbility, type MongoAbility, type RawRuleOf, subject as asSubject } from '@casl/ability';
import { permittedFieldsOf, rulesToAST } from '@casl/ability/extra';
import {
  CASE_ROLES,
  FIELD_GROUPS,
  type FieldGroup,
  GRANT_PERMISSIONS,
  type GrantPermission,
  LEAD_CAPABLE_KINDS,
  type OrganisationKind,
  type Role,
} from '#libs/contracts/index.js';
import type { SqlParams } from '#libs/platform/index.js';

/**
 * CASL model of recipient access.
 *
 * Subject `Recipient`: `{ id, leadOrganisationId, grants }` where `grants` are the ACTIVE grants held by the caller's
 * organisation on that recipient (loaded by SQL with the validity test, so expiry needs no job).
 * The CASL *field* dimension is the field group (`basic`, `contact`, …): a rule's `fields` are the groups it opens.
 * Actions: `read` (fields = readable groups), `profile.write` (no fields: writes are allowed to every readable group,
 * because several grants to one organisation combine by union of groups and of permissions), `notes.read`,
 * `notes.write`, `lead` (manage grants and consents), `create`.
 *
 * One rule per grant *shape* (sorted fieldGroups + permissions) the organisation currently holds, never one per
 * record: the number of rules stays small however many recipients are granted.
 */
export const RECIPIENT = 'Recipient';
export type RecipientAction = 'read' | 'create' | 'profile.write' | 'notes.read' | 'notes.write' | 'lead';
export type RecipientAbility = MongoAbility<[RecipientAction, typeof RECIPIENT | RecipientSubject]>;

export interface AccessWho {
  organisationId: string;
  role: Role;
  organisationKind?: OrganisationKind;
}

export interface GrantShape {
  fieldGroups: FieldGroup[];
  permissions: GrantPermission[];
}

/** An active grant of the caller's organisation, as instance checks see it. */
export interface ActiveGrant extends GrantShape {
  id: string;
  granteeOrganisationId: string;
  legalBasis: string;
}

export interface RecipientSubject {
  id: string;
  leadOrganisationId: string;
  grants: ActiveGrant[];
}

export interface EffectiveAccess {
  fieldGroups: FieldGroup[];
  permissions: GrantPermission[];
}

type RawRule = RawRuleOf<RecipientAbility>;

const sortGroups = (groups: readonly string[]) => FIELD_GROUPS.filter((g) => groups.includes(g));
const sortPermissions = (perms: readonly string[]) => GRANT_PERMISSIONS.filter((p) => perms.includes(p));

/**
 * The rules of an organisation as such (whatever its staff's roles): everything on the recipients it leads; on the
 * others, what its active grants open. `shapes` are the grant shapes to state rules for: all the organisation holds
 * (for `GET /me`), those of one recipient's grants (an instance check), or none (a list: "may read" needs no shape).
 */
export function organisationRules(organisationId: string, shapes: readonly GrantShape[]): RawRule[] {
  const org = organisationId;
  const rules: RawRule[] = [
    {
      action: ['read', 'profile.write', 'notes.read', 'notes.write', 'lead'],
      subject: RECIPIENT,
      conditions: { leadOrganisationId: org },
    },
    // Every grant includes `basic` (a database CHECK), so any active grant opens basic. This rule states that on its
    // own; in SQL it absorbs the shape-specific branches below (A ∨ (A ∧ X) = A), leaving the list query a plain
    // "active grant to this organisation exists" that the planner estimates well, and that needs no shape at all.
    {
      action: 'read',
      subject: RECIPIENT,
      fields: ['basic'],
      conditions: { grants: { $elemMatch: { granteeOrganisationId: org } } },
    },
  ];
  const seen = new Set<string>();
  for (const shape of shapes) {
    const fieldGroups = sortGroups(shape.fieldGroups);
    const permissions = sortPermissions(shape.permissions);
    const key = shapeKey({ fieldGroups, permissions });
    if (seen.has(key)) continue;
    seen.add(key);
    const match: Record<string, unknown> = { granteeOrganisationId: org, fieldGroups: { $all: fieldGroups } };
    if (permissions.length > 0) match.permissions = { $all: permissions };
    const conditions = { grants: { $elemMatch: match } };
    rules.push({ action: 'read', subject: RECIPIENT, fields: fieldGroups, conditions });
    if (permissions.length > 0) rules.push({ action: permissions as RecipientAction[], subject: RECIPIENT, conditions });
  }
  return rules;
}

/** One shape as a string: equal shapes, equal keys (whatever the order of their groups and permissions). */
export const shapeKey = (shape: GrantShape) => `${sortGroups(shape.fieldGroups).join(',')}|${sortPermissions(shape.permissions).join(',')}`;

/** The raw (packable) rules of one caller: staff of case roles act with their organisation's rules, others with none. */
export function recipientRules(who: AccessWho, shapes: readonly GrantShape[]): RawRule[] {
  if (!CASE_ROLES.includes(who.role)) return [];
  const rules = organisationRules(who.organisationId, shapes);
  if (who.organisationKind && LEAD_CAPABLE_KINDS.includes(who.organisationKind)) {
    rules.unshift({ action: 'create', subject: RECIPIENT });
  }
  return rules;
}

export function buildRecipientAbility(who: AccessWho, shapes: readonly GrantShape[]): RecipientAbility {
  return createMongoAbility<RecipientAbility>(recipientRules(who, shapes));
}

export function recipientSubject(row: RecipientSubject) {
  return asSubject(RECIPIENT, { ...row });
}

/** Instance check: what this ability allows on this recipient (empty groups = not visible at all). */
export function effectiveAccess(ability: RecipientAbility, row: RecipientSubject): EffectiveAccess {
  const subject = recipientSubject(row);
  if (!ability.can('read', subject)) return { fieldGroups: [], permissions: [] };
  const fields = permittedFieldsOf(ability, 'read', subject, { fieldsFrom: (rule) => rule.fields ?? [...FIELD_GROUPS] });
  const permissions = GRANT_PERMISSIONS.filter((p) => ability.can(p, subject));
  return { fieldGroups: sortGroups(fields), permissions };
}

// ---------------------------------------------------------------------------------------------------------------
// CASL AST → SQL. Only what recipient rules produce is supported; anything else throws (fail closed, loudly).

interface AstNode {
  operator: string;
  field?: string;
  value: unknown;
}

/** "This grant has not ended": neither revoked nor past its `validUntil` (it may not have begun yet). */
export const grantNotEndedSql = (g: string) => `${g}.revoked_at IS NULL AND (${g}.valid_until IS NULL OR ${g}.valid_until > now())`;

/**
 * "This grant row is in force now": the validity test that every access query carries. It is the only statement of
 * it; expiry and revocation are part of every query, so they take effect on the very next request without a job.
 */
export const activeGrantSql = (g: string) => `${grantNotEndedSql(g)} AND ${g}.valid_from <= now()`;

const RECIPIENT_COLUMNS: Record<string, string> = { id: 'id', leadOrganisationId: 'lead_organisation_id' };
const GRANT_COLUMNS: Record<string, { column: string; type: string }> = {
  id: { column: 'id', type: 'uuid' },
  granteeOrganisationId: { column: 'grantee_organisation_id', type: 'uuid' },
  fieldGroups: { column: 'field_groups', type: 'text[]' },
  permissions: { column: 'permissions', type: 'text[]' },
};

const sameNode = (a: AstNode, b: AstNode) => JSON.stringify(a) === JSON.stringify(b);
const children = (node: AstNode, op: string): AstNode[] => (node.operator === op ? (node.value as AstNode[]) : [node]);

/**
 * Rewrites an OR so that databases like it: every `grants $elemMatch` branch is merged into one (∃g A ∨ ∃g B ≡
 * ∃g (A ∨ B)), and conditions common to all merged branches (the grantee organisation) are factored out, so the
 * grant index on (grantee_organisation_id, recipient_id) serves the whole access test.
 */
export function simplify(node: AstNode): AstNode {
  if (node.operator === 'and') return { ...node, value: (node.value as AstNode[]).map(simplify) };
  if (node.operator !== 'or') return node;
  const branches = (node.value as AstNode[]).map(simplify).flatMap((b) => children(b, 'or'));
  const grantBranches = branches.filter((b) => b.operator === 'elemMatch' && b.field === 'grants');
  const others = branches.filter((b) => !grantBranches.includes(b));
  if (grantBranches.length <= 1) return branches.length === 1 ? branches[0] : { operator: 'or', value: branches };
  const inner = grantBranches.map((b) => children(b.value as AstNode, 'and'));
  const common = inner[0].filter((c) => inner.every((list) => list.some((x) => sameNode(x, c))));
  const rest = inner.map((list) => list.filter((c) => !common.some((x) => sameNode(x, c))));
  const restOr: AstNode[] = rest.some((list) => list.length === 0)
    ? []
    : [{ operator: 'or', value: rest.map((list) => (list.length === 1 ? list[0] : { operator: 'and', value: list })) }];
  const merged: AstNode = { operator: 'elemMatch', field: 'grants', value: { operator: 'and', value: [...common, ...restOr] } };
  const all = [...others, merged];
  return all.length === 1 ? all[0] : { operator: 'or', value: all };
}

function grantConditionSql(node: AstNode, g: string, params: SqlParams): string {
  switch (node.operator) {
    case 'and':
    case 'or': {
      const parts = (node.value as AstNode[]).map((c) => grantConditionSql(c, g, params));
      if (parts.length === 0) return node.operator === 'and' ? 'true' : 'false';
      return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'eq':
    case 'all': {
      const col = GRANT_COLUMNS[node.field ?? ''];
      if (!col) throw new Error(`access rules: unsupported grant field ${node.field}`);
      const p = params.add(node.value);
      return node.operator === 'eq' ? `${g}.${col.column} = ${p}::${col.type}` : `${g}.${col.column} @> ${p}::${col.type}`;
    }
    default:
      throw new Error(`access rules: unsupported grant operator ${node.operator}`);
  }
}

/** SQL for one (simplified) AST node over the recipients alias `r`. */
export function conditionSql(node: AstNode | null, r: string, params: SqlParams): string {
  if (node === null) return 'false';
  switch (node.operator) {
    case 'and':
    case 'or': {
      const parts = (node.value as AstNode[]).map((c) => conditionSql(c, r, params));
      if (parts.length === 0) return node.operator === 'and' ? 'true' : 'false';
      return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'eq': {
      const col = RECIPIENT_COLUMNS[node.field ?? ''];
      if (!col) throw new Error(`access rules: unsupported recipient field ${node.field}`);
      return `${r}.${col} = ${params.add(node.value)}::uuid`;
    }
    case 'elemMatch': {
      if (node.field !== 'grants') throw new Error(`access rules: unsupported $elemMatch on ${node.field}`);
      const g = `${r}_g`;
      return `EXISTS (SELECT 1 FROM grants ${g} WHERE ${g}.recipient_id = ${r}.id AND ${activeGrantSql(g)} AND ${grantConditionSql(
        node.value as AstNode,
        g,
        params,
      )})`;
    }
    default:
      throw new Error(`access rules: unsupported operator ${node.operator}`);
  }
}

/** The access condition of `action` as SQL over alias `r` (one string; `false` when nothing is allowed). */
export function accessSql(ability: RecipientAbility, action: RecipientAction, r: string, params: SqlParams): string {
  const ast = rulesToAST(ability, action, RECIPIENT) as AstNode | null;
  return conditionSql(ast && simplify(ast), r, params);
}

/**
 * The same condition split at its top-level OR: one SQL condition per branch, so that a list query can run each
 * branch on its own index (lead organisation's recipients; granted recipients) and merge them (UNION).
 */
export function accessSqlBranches(ability: RecipientAbility, action: RecipientAction, r: string, params: SqlParams): string[] {
  const ast = rulesToAST(ability, action, RECIPIENT) as AstNode | null;
  if (ast === null) return [];
  return children(simplify(ast), 'or').map((branch) => conditionSql(branch, r, params));
}
