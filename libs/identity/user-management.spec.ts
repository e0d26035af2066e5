import { createMongoAbility, subject } from '@casl/ability';
import { ROLES, type Role } from '#libs/contracts/index.js';
import { maySeeUser, refuseUserChange, refuseUserCreate, userManagementCaslRules } from './user-management.js';

const OWN = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';

describe('user-management rule table', () => {
  const manager = (role: Role) => ({ userId: `me-${role}`, role, organisationId: OWN });

  it('the CASL rules sent to the UI say exactly what the service enforces', () => {
    for (const callerRole of ROLES) {
      const caller = manager(callerRole);
      const ability = createMongoAbility(userManagementCaslRules(caller) as any);
      for (const targetRole of ROLES) {
        for (const organisationId of [OWN, OTHER]) {
          const target = { id: `t-${targetRole}`, role: targetRole, organisationId };
          const enforced = refuseUserChange(caller, target, { displayName: 'x' }) === null;
          expect({ callerRole, targetRole, organisationId, ui: ability.can('update', subject('User', { ...target })) }).toEqual({
            callerRole,
            targetRole,
            organisationId,
            ui: enforced,
          });
          expect(ability.can('read', subject('User', { ...target }))).toBe(maySeeUser(caller, target));
          const creates = refuseUserCreate(caller, { role: targetRole, organisationId }) === null;
          expect({ callerRole, targetRole, organisationId, ui: ability.can('create', subject('User', { ...target })) }).toEqual({
            callerRole,
            targetRole,
            organisationId,
            ui: creates,
          });
        }
      }
      const self = { id: caller.userId, role: callerRole, organisationId: OWN };
      expect(ability.can('update', subject('User', { ...self }), 'displayName')).toBe(callerRole === 'system_admin' || callerRole === 'org_admin');
      for (const field of ['role', 'organisationId', 'active', 'password']) {
        expect(ability.can('update', subject('User', { ...self }), field)).toBe(false);
      }
    }
  });

  it('an org_admin never reaches a system_admin or auditor, never gives those roles, never moves a user', () => {
    const admin = manager('org_admin');
    for (const role of ['system_admin', 'auditor'] as Role[]) {
      const target = { id: 't', role, organisationId: OWN };
      for (const change of [{ password: 'x'.repeat(12) }, { active: false }, { role: 'caseworker' as Role }, { displayName: 'x' }]) {
        expect(refuseUserChange(admin, target, change)?.code).toBe('ROLE_FORBIDDEN');
      }
      expect(refuseUserChange(admin, { id: 't', role: 'caseworker', organisationId: OWN }, { role })?.code).toBe('ROLE_FORBIDDEN');
      expect(refuseUserCreate(admin, { role, organisationId: OWN })?.code).toBe('ROLE_FORBIDDEN');
    }
    expect(refuseUserChange(admin, { id: 't', role: 'caseworker', organisationId: OWN }, { organisationId: OTHER })?.code).toBe(
      'ORGANISATION_FORBIDDEN',
    );
    expect(refuseUserChange(admin, { id: 't', role: 'caseworker', organisationId: OTHER }, { displayName: 'x' })?.code).toBe('NOT_FOUND');
    expect(refuseUserChange(admin, { id: admin.userId, role: 'org_admin', organisationId: OWN }, { active: false })?.code).toBe(
      'SELF_CHANGE_FORBIDDEN',
    );
  });
});
