import { SetMetadata } from '@nestjs/common';
import type { AuditActionName, Role } from '#libs/contracts/index.js';

export const IS_PUBLIC = 'identity:public';
export const ROLES = 'identity:roles';
export const AUDIT_ACTION = 'audit:action';

/** The route needs no access token (login, refresh, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may use the route; any other gets 403 ROLE_FORBIDDEN (recorded as a denial). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The audit action a refusal of this route is recorded under (the service records the allowed case itself). */
export const AuditAction = (action: AuditActionName) => SetMetadata(AUDIT_ACTION, action);
