/**
 * Stable machine codes of every error the API answers with, and the HTTP status each maps to.
 * Adding a code means adding it here; the global exception filter is the only place that reads the status.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CURSOR: 400,
  PASSWORD_POLICY: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  SESSION_ENDED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  ROLE_FORBIDDEN: 403,
  FORBIDDEN: 403,
  GRANT_SCOPE_MISSING: 403,
  FIELD_NOT_WRITABLE: 403,
  NOT_LEAD_ORGANISATION: 403,
  NOT_AUTHOR: 403,
  CURRENT_PASSWORD_WRONG: 403,
  ORGANISATION_FORBIDDEN: 403,
  SELF_CHANGE_FORBIDDEN: 403,
  /** A cookie-session route called without the session-transport header or from another origin. */
  CSRF_CHECK_FAILED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT_DUPLICATE: 409,
  ALREADY_REVOKED: 409,
  ALREADY_WITHDRAWN: 409,
  ALREADY_RETRACTED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  INVALID_STATE: 409,
  VERSION_CONFLICT: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REFERENCE_NOT_FOUND: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  CONSENT_NOT_COVERING: 422,
  UNPROCESSABLE: 422,
  PRECONDITION_REQUIRED: 428,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  details?: unknown[];
  requestId: string;
  [extra: string]: unknown;
}
