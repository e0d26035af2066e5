import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The one parser of dates and instants the API accepts (shared/API.md: dates `YYYY-MM-DD`, timestamps ISO 8601
 * with offset). `Date.parse` accepts far more (week dates `2026-W01-1`, basic format `20260101`, a bare year,
 * expanded years `+020260-01-01`, …) and PostgreSQL refuses some of it; so what passes here is exactly what both
 * read the same way: years 0001–9999, a real calendar day, hh:mm[:ss[.ffffff]] and an offset `Z` or `±hh:mm`
 * (up to ±14:00).
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function realDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/** `YYYY-MM-DD`, a real day of years 0001–9999. */
export function isIsoDate(value: unknown): value is string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  return m !== null && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `YYYY-MM-DDThh:mm[:ss[.ffffff]](Z|±hh:mm)`. */
export function isIsoTimestamp(value: unknown): value is string {
  const m = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return false;
  if (m[7] !== undefined && (Number(m[8]) * 60 + Number(m[9]) > 14 * 60 || Number(m[9]) > 59)) return false;
  return true;
}

/**
 * A timestamp as PostgreSQL's `timestamptz::text` writes it (`2026-11-20 01:30:00.123456+00`), as list cursors
 * carry it, or in the API's own form.
 */
export function isStoredTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  return isIsoTimestamp(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

const decorator = (name: string, test: (value: unknown) => boolean, what: string) => (options?: ValidationOptions) =>
  ValidateBy(
    {
      name,
      validator: {
        validate: (value) => test(value),
        defaultMessage: buildMessage((each) => `${each}$property must be ${what}`, options),
      },
    },
    options,
  );

export const IsIsoDate = decorator('isIsoDate', isIsoDate, 'a date YYYY-MM-DD');
export const IsIsoTimestamp = decorator(
  'isIsoTimestamp',
  isIsoTimestamp,
  'an ISO 8601 timestamp with its offset (2026-11-20T10:30:00+09:00 or …Z)',
);
export const IsIsoDateOrTimestamp = decorator(
  'isIsoDateOrTimestamp',
  (value) => isIsoDate(value) || isIsoTimestamp(value),
  'a date YYYY-MM-DD or an ISO 8601 timestamp with its offset',
);
