import { CASE_ROLES, type Role } from '#libs/contracts/index.js';

/** Where each role lands after login (WEB.md). */
export function homeFor(role: Role): string {
  switch (role) {
    case 'auditor':
      return '/audit';
    case 'system_admin':
      return '/admin';
    default:
      return '/recipients';
  }
}

/** Who may open which area; anyone else sees the role-unavailable page. */
export const AREA_ROLES = {
  recipients: CASE_ROLES,
  audit: ['auditor'],
  admin: ['system_admin', 'org_admin'],
} as const satisfies Record<string, readonly Role[]>;
