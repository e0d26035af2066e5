import { rulesToAST } from '@casl/ability/extra';
import { accessSql, accessSqlBranches, buildRecipientAbility, conditionSql, effectiveAccess, RECIPIENT } from './recipient-ability.js';
import { SqlParams } from '#libs/platform/index.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const shapes = [
  { fieldGroups: ['basic', 'health'] as const, permissions: ['notes.read'] as const },
  { fieldGroups: ['basic', 'contact'] as const, permissions: ['profile.write'] as const },
].map((s) => ({ fieldGroups: [...s.fieldGroups], permissions: [...s.permissions] }));

describe('recipient ability: rules per grant shape, instance checks, SQL translation', () => {
  const ability = buildRecipientAbility({ organisationId: ORG, role: 'caseworker', organisationKind: 'medical' }, shapes);

  it('combines the grants a recipient row carries (union of groups and permissions)', () => {
    const grants = shapes.map((s, i) => ({ ...s, id: `g${i}`, granteeOrganisationId: ORG, legalBasis: 'statute' }));
    expect(effectiveAccess(ability, { id: 'r', leadOrganisationId: 'other', grants })).toEqual({
      fieldGroups: ['basic', 'contact', 'health'],
      permissions: ['notes.read', 'profile.write'],
    });
    expect(effectiveAccess(ability, { id: 'r', leadOrganisationId: 'other', grants: [grants[0]] }).fieldGroups).toEqual(['basic', 'health']);
    expect(effectiveAccess(ability, { id: 'r', leadOrganisationId: 'other', grants: [] }).fieldGroups).toEqual([]);
    expect(effectiveAccess(ability, { id: 'r', leadOrganisationId: ORG, grants: [] }).fieldGroups).toHaveLength(6);
  });

  it('ignores grants of another organisation even if a row carried them', () => {
    const foreign = { ...shapes[0], id: 'g', granteeOrganisationId: 'someone-else', legalBasis: 'statute' };
    expect(effectiveAccess(ability, { id: 'r', leadOrganisationId: 'x', grants: [foreign] }).fieldGroups).toEqual([]);
  });

  it('translates read into "lead OR one EXISTS on active grants of the organisation" (shape branches absorbed)', () => {
    const params = new SqlParams();
    const sql = accessSql(ability, 'read', 'r', params);
    expect(sql.match(/EXISTS/g)).toHaveLength(1);
    expect(sql).toContain('r.lead_organisation_id = ');
    expect(sql).toContain('revoked_at IS NULL');
    expect(sql).toContain('valid_until > now()');
    expect(sql).not.toContain('@>');
    expect(params.values).toEqual(expect.arrayContaining([ORG]));
    expect(accessSqlBranches(ability, 'read', 'r', new SqlParams())).toHaveLength(2);
  });

  it('keeps the permission in SQL for notes.read, and answers false when nothing is allowed', () => {
    const params = new SqlParams();
    expect(accessSql(ability, 'notes.read', 'r', params)).toContain('permissions @> ');
    expect(params.values).toContainEqual(['notes.read']);
    const none = buildRecipientAbility({ organisationId: ORG, role: 'auditor' }, shapes);
    expect(accessSql(none, 'read', 'r', new SqlParams())).toBe('false');
    expect(accessSqlBranches(none, 'read', 'r', new SqlParams())).toEqual([]);
  });

  it('only lead-capable organisation kinds may create', () => {
    expect(ability.can('create', RECIPIENT)).toBe(false);
    const city = buildRecipientAbility({ organisationId: ORG, role: 'org_admin', organisationKind: 'welfare_office' }, []);
    expect(city.can('create', RECIPIENT)).toBe(true);
  });

  it('refuses to translate what it does not know (fails loudly, never silently broad)', () => {
    expect(() => conditionSql({ operator: 'regex', field: 'familyName', value: 'x' }, 'r', new SqlParams())).toThrow(/unsupported/);
    expect(() => conditionSql({ operator: 'eq', field: 'familyName', value: 'x' }, 'r', new SqlParams())).toThrow(/unsupported/);
    expect(() =>
      conditionSql({ operator: 'elemMatch', field: 'grants', value: { operator: 'eq', field: 'secret', value: 1 } }, 'r', new SqlParams()),
    ).toThrow(/unsupported/);
    expect(rulesToAST(ability, 'read', RECIPIENT)).not.toBeNull();
  });
});
