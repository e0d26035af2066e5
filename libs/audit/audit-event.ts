import type { AuditActionName, AuditOutcome } from '#libs/contracts/index.js';

/** What a caller of AuditService.record supplies; id, time and request origin are filled in. */
export interface AuditInput {
  /** One of libs/contracts/audit-actions.ts: its kind decides how the event is written. */
  action: AuditActionName;
  resourceType: string;
  resourceId?: string | null;
  recipientId?: string | null;
  /** For lists: the ids of the recipients returned. */
  recipientIds?: string[];
  outcome?: AuditOutcome;
  fieldGroups?: string[];
  legalBasis?: string | null;
  grantId?: string | null;
  /** Non-personal detail only: status and error codes, field names, counts. Never field values or search text. */
  details?: Record<string, unknown>;
}

/** Who did it: a resolved caller, or (for failed logins and anonymous denials) only the request origin. */
export interface AuditActor {
  userId?: string | null;
  organisationId?: string | null;
  requestId: string;
  ip: string;
  userAgent: string;
}
