import { AppError } from '#libs/platform/index.js';

const DB_VALUE_ERRORS = new Set(['22007', '22008', '22P02', '23514']);

/**
 * A value the validators let through but the database refuses (a date out of PostgreSQL's range, a CHECK) is the
 * client's error: 400, not 500. Anything else is rethrown as it is.
 */
export function asValidationError(error: unknown): unknown {
  const code = (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ?? (error as { code?: string })?.code;
  if (code && DB_VALUE_ERRORS.has(code)) {
    return new AppError('VALIDATION_FAILED', { message: 'A value is out of the accepted range', details: [] });
  }
  return error;
}
