import { ROLES, type Role } from '#libs/contracts/index.js';
import type { ErrorCode } from '#libs/contracts/index.js';

/**
 * Who may manage which users: the one statement of the rule (docs/access.md "User management"). The users service
 * enforces it on every path that creates or changes a user, and the CASL rules sent to the UI are derived from it.
 *
 * - `sees`: whose user records the role may read and list (outside: 404, existence not revealed).
 * - `manages`: the roles of the users it may create or change (a visible user of another role: 403 ROLE_FORBIDDEN).
 * - `assigns`: the roles it may give (on create or by a role change).
 * - `movesOrganisation`: whether it may create users in, or move users to, another organisation than its own.
 *
 * Self-management: nobody changes its own role, organisation or active state, or sets its own password through the
 * user routes (403 SELF_CHANGE_FORBIDDEN). An administrator cannot lock itself or its organisation out of
 * administration by mistake, and a stolen access token cannot set a password without the current one (the own
 * password goes through POST /auth/password, which asks for it). Its own display name it may change.
 */
export interface UserManagementRule {
  sees: 'all' | 'own_organisation';
  manages: readonly Role[];
  assigns: readonly Role[];
  movesOrganisation: boolean;
}

export const USER_MANAGEMENT_RULES: Readonly<Record<Role, UserManagementRule | null>> = {
  system_admin: { sees: 'all', manages: ROLES, assigns: ROLES, movesOrganisation: true },
  org_admin: {
    sees: 'own_organisation',
    manages: ['caseworker', 'org_admin'],
    assigns: ['caseworker', 'org_admin'],
    movesOrganisation: false,
  },
  caseworker: null,
  auditor: null,
};

/** Fields of a user change that only someone else may make (see "Self-management" above). */
export const SELF_FORBIDDEN_FIELDS = ['role', 'organisationId', 'active', 'password'] as const;

export interface UserManager {
  userId: string;
  role: Role;
  organisationId: string;
}

export interface ManagedUser {
  id: string;
  role: Role;
  organisationId: string;
}

export interface UserChange {
  role?: Role;
  organisationId?: string;
  active?: boolean;
  password?: string;
  displayName?: string;
}

export interface UserManagementRefusal {
  code: Extract<ErrorCode, 'NOT_FOUND' | 'ROLE_FORBIDDEN' | 'ORGANISATION_FORBIDDEN' | 'SELF_CHANGE_FORBIDDEN'>;
  message: string;
}

/** May `caller` see the user record `target` at all? */
export function maySeeUser(caller: UserManager, target: Pick<ManagedUser, 'id' | 'organisationId'>): boolean {
  if (target.id === caller.userId) return true;
  const rule = USER_MANAGEMENT_RULES[caller.role];
  if (!rule) return false;
  return rule.sees === 'all' || target.organisationId === caller.organisationId;
}

/** Why `caller` may not create a user like `created`, or null when it may. */
export function refuseUserCreate(caller: UserManager, created: { role: Role; organisationId: string }): UserManagementRefusal | null {
  const rule = USER_MANAGEMENT_RULES[caller.role];
  if (!rule) return { code: 'ROLE_FORBIDDEN', message: 'Your role may not manage users' };
  if (!rule.movesOrganisation && created.organisationId !== caller.organisationId) {
    return { code: 'ORGANISATION_FORBIDDEN', message: 'You may create users of your own organisation only' };
  }
  if (!rule.assigns.includes(created.role)) {
    return { code: 'ROLE_FORBIDDEN', message: `You may create users with the roles ${rule.assigns.join(', ')} only` };
  }
  return null;
}

/**
 * Why `caller` may not apply `change` to `target`, or null when it may. Checked in the order of API.md: invisible
 * (404) before forbidden (403).
 */
export function refuseUserChange(caller: UserManager, target: ManagedUser, change: UserChange): UserManagementRefusal | null {
  if (!maySeeUser(caller, target)) return { code: 'NOT_FOUND', message: 'User not found' };
  const rule = USER_MANAGEMENT_RULES[caller.role];
  if (!rule) return { code: 'ROLE_FORBIDDEN', message: 'Your role may not manage users' };
  if (target.id === caller.userId) {
    const fields = SELF_FORBIDDEN_FIELDS.filter((field) => change[field] !== undefined);
    if (fields.length > 0) {
      return {
        code: 'SELF_CHANGE_FORBIDDEN',
        message: `You may not change your own ${fields.join(', ')} here (your password: POST /auth/password)`,
      };
    }
    return null;
  }
  if (!rule.manages.includes(target.role)) {
    return { code: 'ROLE_FORBIDDEN', message: `You may manage users with the roles ${rule.manages.join(', ')} only` };
  }
  if (change.role !== undefined && !rule.assigns.includes(change.role)) {
    return { code: 'ROLE_FORBIDDEN', message: `You may assign the roles ${rule.assigns.join(', ')} only` };
  }
  if (change.organisationId !== undefined && change.organisationId !== target.organisationId && !rule.movesOrganisation) {
    return { code: 'ORGANISATION_FORBIDDEN', message: 'You may not move a user to another organisation' };
  }
  return null;
}

/** The same rule as CASL raw rules for the UI (GET /me): what the caller may read, create and update. */
export function userManagementCaslRules(caller: UserManager): unknown[] {
  const rule = USER_MANAGEMENT_RULES[caller.role];
  const rules: unknown[] = [{ action: 'read', subject: 'User', conditions: { id: caller.userId } }];
  if (!rule) return rules;
  const scope = rule.sees === 'all' ? {} : { organisationId: caller.organisationId };
  rules.push(
    { action: 'read', subject: 'User', ...(rule.sees === 'all' ? {} : { conditions: scope }) },
    { action: ['create', 'update'], subject: 'User', conditions: { ...scope, role: { $in: [...rule.manages] } } },
    // Its own record: only what SELF_FORBIDDEN_FIELDS leaves (CASL's field dimension).
    { action: 'update', subject: 'User', fields: ['displayName'], conditions: { id: caller.userId } },
    { action: 'update', subject: 'User', fields: [...SELF_FORBIDDEN_FIELDS], conditions: { id: caller.userId }, inverted: true },
  );
  return rules;
}
