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
