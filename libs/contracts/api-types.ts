// The JSON shapes of the REST answers (shared/API.md), written once and used by both the API (its *Json mappers are
// typed by these) and the web app, so that a renamed field breaks the build on both sides instead of a screen.
import type { ContactType, FieldGroup, LegalBasis, NoteSensitivity, OrganisationKind, Role } from './enums.js';

/** Every list answer. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UserJson {
  id: string;
  loginId: string;
  displayName: string;
  organisationId: string;
  role: Role;
  active: boolean;
  version: number;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrganisationJson {
  id: string;
  name: string;
  kind: OrganisationKind;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export type LoginResponse = TokenPair & { user: UserJson };

/**
 * Browser sessions (the cookie transport): the refresh token travels in an HttpOnly cookie, so the body leaves it out.
 * Requested with the SESSION_TRANSPORT_HEADER set to 'cookie'.
 */
export type CookieTokenPair = Omit<TokenPair, 'refreshToken'>;
export const SESSION_TRANSPORT_HEADER = 'x-session-transport';
export const REFRESH_COOKIE = 'refresh_token';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** Readable by page scripts, no secret: "a session cookie was set", so a page load without it skips the refresh. */
export const SESSION_HINT_COOKIE = 'session_hint';

export interface MeResponse {
  user: UserJson;
  organisation: OrganisationJson;
  /** Packed CASL rules (unpackRules). */
  rules: unknown[];
}

/** A recipient as the caller may see it: fields of groups it may not read are absent (not null). */
export interface RecipientJson {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  access: { fieldGroups: FieldGroup[]; permissions: string[] };
  [field: string]: unknown;
}

export interface RecipientHistoryEntry {
  version: number;
  at: string;
  by: string;
  organisationId: string;
  changes: { field: string; from: unknown; to: unknown }[];
}

export interface NoteJson {
  id: string;
  recipientId: string;
  authorUserId: string;
  authorOrganisationId: string;
  occurredAt: string;
  contactType: ContactType;
  counterpart: string | null;
  title: string | null;
  body: string;
  sensitivity: NoteSensitivity;
  version: number;
  createdAt: string;
  updatedAt: string;
  retractedAt?: string;
  retractReason?: string;
}

export interface GrantJson {
  id: string;
  recipientId: string;
  granteeOrganisationId: string;
  fieldGroups: string[];
  permissions: string[];
  legalBasis: LegalBasis | string;
  consentId: string | null;
  basisReference: string | null;
  validFrom: string;
  validUntil: string | null;
  /** null in the grantee's view (it sees only its own grant, not who made it). */
  grantedBy: string | null;
  grantedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** Extension: in force right now (not revoked, inside its validity window). */
  active: boolean;
  version: number;
}

export interface ConsentJson {
  id: string;
  recipientId: string;
  organisationIds: string[];
  fieldGroups: string[];
  purpose: string;
  obtainedOn: string;
  obtainedBy: string;
  method: string;
  signatory: string;
  proxyRelationship: string | null;
  documentReference: string | null;
  validUntil: string | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawReason: string | null;
  createdAt: string;
  version: number;
}

/** One audit event exactly as it is hashed into the chain (docs/audit.md: canonical event). */
export interface AuditEventJson {
  id: string;
  seq: number | null;
  at: string;
  actorUserId: string | null;
  actorOrganisationId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  recipientId: string | null;
  recipientIds: string[] | null;
  outcome: string;
  fieldGroups: string[] | null;
  legalBasis: string | null;
  grantId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  hash: string | null;
  prevHash: string | null;
}

/**
 * Names beside an event, for people reading the log (`?expand=names`). Never hashed and never part of the event:
 * they are looked up when the list is read, so they show today's names (a renamed user shows the new name), and
 * the chain and its verification are exactly as without them.
 */
export interface AuditEventNames {
  actorDisplayName: string | null;
  actorLoginId: string | null;
  actorOrganisationName: string | null;
  recipientCaseNumber: string | null;
  /** One per `recipientIds` entry, in the same order (null for an id that names no recipient). */
  recipientCaseNumbers: (string | null)[] | null;
}

export type AuditEventWithNames = AuditEventJson & { names: AuditEventNames };

export type VerifyMode = 'full' | 'incremental';

export type BreakReason = 'seq_gap' | 'event_missing' | 'prev_hash_mismatch' | 'hash_mismatch' | 'unsealed' | 'checkpoint_mismatch';

/** Why a run asked to be incremental checked the whole chain instead. */
export type FullRunReason = 'no_checkpoint' | 'checkpoint_mismatch' | 'verified_part_changed';

/** A chain verification run (POST/GET /audit-events/verify-jobs). */
export interface VerifyJobJson {
  id: string;
  state: 'running' | 'done' | 'failed';
  requestedMode: VerifyMode;
  mode: VerifyMode | null;
  fromSeq: number | null;
  checked: number;
  total: number;
  ok: boolean | null;
  firstBrokenId: string | null;
  firstBrokenSeq: number | null;
  reason: BreakReason | null;
  lastSeq: number | null;
  lastHash: string | null;
  fullReason: FullRunReason | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A member of staff as an auditor sees it (GET /audit/users): enough to name who did what, nothing of the account's secrets. */
export interface StaffIdentityJson {
  id: string;
  loginId: string;
  displayName: string;
  organisationId: string;
  organisationName: string;
  role: Role;
  active: boolean;
}

/** What an auditor may know of a recipient (GET /audit/recipients): who it is, to name it in an audit, nothing of its record. */
export interface RecipientIdentityJson {
  id: string;
  caseNumber: string;
  familyName: string;
  givenName: string;
  familyNameKana: string | null;
  givenNameKana: string | null;
}

/** The printable record (GET /recipients/:id/print). */
export interface RecipientPrintJson {
  /** Exactly what GET /recipients/:id answers the caller. */
  recipient: RecipientJson;
  /** Every note the caller may read (as the notes list, retracted ones left out), oldest first by occurredAt. */
  notes: NoteJson[];
  printedAt: string;
  printedBy: { userId: string; displayName: string; organisationId: string; organisationName: string };
  /** Names of the people and organisations the printout mentions by id (note authors, lead, care manager). */
  names: { users: Record<string, string>; organisations: Record<string, string> };
}
