import { AppError, decodeCursor } from '#libs/platform/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Part = 'timestamp' | 'uuid' | 'text' | 'int';

const valid: Record<Part, (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && v.length <= 64 && !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  text: (v) => typeof v === 'string' && v.length <= 400,
  int: (v) => Number.isSafeInteger(v),
};

/**
 * decodeCursor plus a check of each part's type, so that a forged cursor is a 400 INVALID_CURSOR and never reaches
 * the database as a value it cannot cast (which would be a 500).
 */
export function typedCursor(raw: string | undefined, parts: Part[]): (string | number)[] | undefined {
  const key = decodeCursor(raw, parts.length);
  if (key === undefined) return undefined;
  if (!parts.every((part, i) => valid[part](key[i]))) {
    throw new AppError('INVALID_CURSOR', { message: 'The cursor is not one this API issued' });
  }
  return key as (string | number)[];
}

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
