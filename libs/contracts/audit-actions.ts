/**
 * What an audit event records. The kind decides how the event is written (libs/audit/audit.service.ts):
 *
 * - `read`: records were read (recipients, notes, grants, consents, the audit log). Group-committed with the reads
 *   of concurrent requests; the answer waits for that commit.
 * - `change`: something was created, changed or ended (a record, a grant, a user, a session). Written in the
 *   transaction of the change, so both commit or neither does; sealed by the sealer.
 * - `denial`: a refused or failed request that has no action of its own (a route's refusal is recorded under the
 *   route's action). Committed in a transaction of its own before the error is answered.
 * - `export`: data handed out beyond a record read: a CSV export, a printout, an auditor's look-up of names, a live
 *   subscription. Written in a transaction like a change and committed before the data leaves.
 * - `check`: a verification of the audit chain, carrying its result.
 */
export type AuditActionKind = 'read' | 'change' | 'denial' | 'export' | 'check';

/** Every action the service records, with its kind. An action missing here cannot be written. */
export const AUDIT_ACTIONS = {
  'recipient.list': 'read',
  'recipient.read': 'read',
  'recipient.history_read': 'read',
  'recipient.create': 'change',
  'recipient.update': 'change',
  'recipient.print': 'export',

  'note.list': 'read',
  'note.read': 'read',
  'note.create': 'change',
  'note.update': 'change',
  'note.retract': 'change',

  'grant.list': 'read',
  /** The grant answered again to an idempotent replay of its creation. */
  'grant.read': 'read',
  'grant.registry_read': 'read',
  'grant.create': 'change',
  'grant.revoke': 'change',

  'consent.list': 'read',
  /** The consent answered again to an idempotent replay of its creation. */
  'consent.read': 'read',
  'consent.create': 'change',
  'consent.withdraw': 'change',

  'live.subscribe': 'export',

  'auth.login': 'change',
  'auth.logout': 'change',
  'auth.password_change': 'change',
  'auth.login_failed': 'denial',
  /** A used refresh token presented again: the session is ended. */
  'auth.refresh_reuse': 'denial',
  /** A request without a valid access token. */
  'auth.denied': 'denial',
  /** A refused request on a route that names no action. */
  'request.denied': 'denial',

  'user.create': 'change',
  'user.update': 'change',
  'organisation.create': 'change',
  'organisation.update': 'change',

  'audit.read': 'read',
  'audit.export': 'export',
  'audit.lookup': 'export',
  'audit.verify': 'check',
} as const satisfies Record<string, AuditActionKind>;

export type AuditActionName = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditActionName[];

/** The kind of an action, or undefined for a name that is not one (a value that only arrived typed as text). */
export function auditActionKind(action: string): AuditActionKind | undefined {
  return Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action as AuditActionName] : undefined;
}
