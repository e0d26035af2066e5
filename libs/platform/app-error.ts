import { ERROR_CODES, type ErrorCode } from '#libs/contracts/index.js';

export interface AppErrorOptions {
  message?: string;
  details?: unknown[];
  /** Extra top-level fields of the error body, e.g. the current `version` of a 412. */
  extra?: Record<string, unknown>;
  /** Response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** The service already wrote the audit event of this failure (failed login, …): the filter writes none. */
  audited?: boolean;
}

const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'Not found',
  UNAUTHENTICATED: 'Authentication required',
  TOKEN_INVALID: 'The access token is invalid',
  TOKEN_EXPIRED: 'The access token has expired',
  SESSION_ENDED: 'The session has ended',
  ROLE_FORBIDDEN: 'Your role may not use this route',
  PRECONDITION_REQUIRED: 'If-Match header required',
  VERSION_CONFLICT: 'The resource was changed by someone else; reload it',
  INTERNAL_ERROR: 'Internal error',
};

/** A domain failure with a stable code; the global filter turns it into the HTTP error shape. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly options: AppErrorOptions = {},
  ) {
    super(options.message ?? DEFAULT_MESSAGES[code] ?? code.toLowerCase().replaceAll('_', ' '));
    this.status = ERROR_CODES[code];
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', { message: what });

/** 400 VALIDATION_FAILED about one field, with the constraint it broke (the shape class-validator failures have). */
export const invalidField = (field: string, constraint: string, message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: [{ field, constraint, message }] });
