import { ROLES, type Role, type UserJson } from '#libs/contracts/index.js';

/** The password policy the API enforces (shared/API.md): shown beside every password field and checked before sending. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export function passwordProblem(password: string, loginId: string): 'length' | 'loginId' | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return 'length';
  if (password.trim().toLowerCase() === loginId.trim().toLowerCase()) return 'loginId';
  return null;
}

/** Roles an administrator may give: an org_admin only caseworkers and org_admins (of its own organisation). */
export function assignableRoles(adminRole: Role): readonly Role[] {
  return adminRole === 'system_admin' ? ROLES : ['caseworker', 'org_admin'];
}

/** Whether this administrator may change that user (the API refuses the rest; the screen does not offer it). */
export function canManage(admin: { id: string; role: Role; organisationId: string }, user: UserJson): boolean {
  if (admin.role === 'system_admin') return true;
  return admin.role === 'org_admin' && user.organisationId === admin.organisationId && assignableRoles('org_admin').includes(user.role);
}

/** Login ids as the API accepts them. */
export const LOGIN_ID_PATTERN = /^[A-Za-z0-9._@-]{3,64}$/;
