import type { AuditActionName, AuditOutcome } from '#libs/contracts/index.js';

/**
 * Actions the audit screen offers as a filter, from the table of libs/contracts/audit-actions.ts (not the denials
 * without an action of their own, nor idempotent replays' reads; the log may hold others and still shows them).
 */
export const FILTER_ACTIONS = [
  'recipient.read',
  'recipient.list',
  'recipient.create',
  'recipient.update',
  'recipient.history_read',
  'recipient.print',
  'note.read',
  'note.list',
  'note.create',
  'note.update',
  'note.retract',
  'grant.create',
  'grant.revoke',
  'grant.list',
  'grant.registry_read',
  'consent.create',
  'consent.withdraw',
  'consent.list',
  'live.subscribe',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_change',
  'auth.refresh_reuse',
  'user.create',
  'user.update',
  'organisation.create',
  'organisation.update',
  'audit.read',
  'audit.export',
  'audit.lookup',
  'audit.verify',
] as const satisfies readonly AuditActionName[];

/** A filter typed as text and, once resolved through a look-up, bound to one id. */
export interface PickedFilter {
  text: string;
  id?: string;
  /** How the picked item is shown (name and case number / login id). */
  label?: string;
}

export interface AuditFilters {
  recipient: PickedFilter;
  person: PickedFilter;
  organisationId: string;
  action: string;
  outcome: AuditOutcome | '';
  /** YYYY-MM-DD, a day in Japan time (the API reads bare dates so). */
  from: string;
  to: string;
}

export const EMPTY_FILTERS: AuditFilters = {
  recipient: { text: '' },
  person: { text: '' },
  organisationId: '',
  action: '',
  outcome: '',
  from: '',
  to: '',
};

/**
 * The query parameters of GET /audit-events for the filters as applied: a picked recipient or person by id; text
 * that was not resolved to one is sent as it was typed, as a case number or a login id (the API matches those).
 */
export function auditParams(f: AuditFilters): Record<string, string> {
  const params: Record<string, string> = {};
  const recipient = f.recipient.text.trim();
  if (f.recipient.id) params.recipientId = f.recipient.id;
  else if (recipient) params.caseNumber = recipient;
  const person = f.person.text.trim();
  if (f.person.id) params.actorUserId = f.person.id;
  else if (person) params.actorLoginId = person;
  if (f.organisationId) params.organisationId = f.organisationId;
  if (f.action) params.action = f.action;
  if (f.outcome) params.outcome = f.outcome;
  if (f.from) params.from = f.from;
  if (f.to) params.to = f.to;
  return params;
}

/** Case numbers, login ids and names are compared as people type them: any width, any case, spaces ignored. */
export const foldText = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * What a look-up answered for typed text: the one match (or the one whose key is exactly what was typed), several to
 * choose from, or none (the text is then used as it was typed).
 */
export function resolveLookup<T>(text: string, items: T[], key: (item: T) => string): { pick: T } | { choices: T[] } | { none: true } {
  if (items.length === 0) return { none: true };
  if (items.length === 1) return { pick: items[0] };
  const exact = items.filter((item) => foldText(key(item)) === foldText(text));
  if (exact.length === 1) return { pick: exact[0] };
  return { choices: items };
}

/** A date filter the API accepts: a bare date or nothing (a `to` before `from` is refused here, not sent). */
export function dateRangeError(from: string, to: string): 'order' | null {
  return from && to && to < from ? 'order' : null;
}
