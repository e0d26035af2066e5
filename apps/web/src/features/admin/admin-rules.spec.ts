import type { UserJson } from '#libs/contracts/index.js';
import { assignableRoles, canManage, passwordProblem } from './admin-rules';

const user = (role: UserJson['role'], organisationId: string) => ({ id: 'u', role, organisationId }) as UserJson;

describe('administration rules', () => {
  it('checks the password policy: at least 12 characters, not the login id', () => {
    expect(passwordProblem('short', 'abc')).toBe('length');
    expect(passwordProblem('Sato.Kaigo.01', 'sato.kaigo.01')).toBe('loginId');
    expect(passwordProblem('correct horse battery', 'sato')).toBeNull();
  });

  it('lets an org_admin give and manage only caseworkers and org_admins of its own organisation', () => {
    expect(assignableRoles('org_admin')).toEqual(['caseworker', 'org_admin']);
    expect(assignableRoles('system_admin')).toContain('auditor');
    const orgAdmin = { id: 'a', role: 'org_admin' as const, organisationId: 'o1' };
    expect(canManage(orgAdmin, user('caseworker', 'o1'))).toBe(true);
    expect(canManage(orgAdmin, user('caseworker', 'o2'))).toBe(false);
    expect(canManage(orgAdmin, user('auditor', 'o1'))).toBe(false);
    expect(canManage({ id: 's', role: 'system_admin', organisationId: 'o9' }, user('auditor', 'o1'))).toBe(true);
  });
});
