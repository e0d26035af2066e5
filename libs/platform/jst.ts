import { Transform } from 'class-transformer';
import { isIsoDate } from './dates.js';

/**
 * Japan time (Asia/Tokyo, UTC+9 all year, no daylight saving) for everything that is a calendar day to the city's
 * staff: the date a case is opened, the year in a case number, a bare date in a `from`/`to` filter, the time column of
 * an export. Computed here, never from the server's or the database's time zone, which a deployment may leave at UTC;
 * a fixed offset is exact and needs no time-zone database.
 */
export const JST_OFFSET = '+09:00';
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar date in Japan at `instant`, as `YYYY-MM-DD`. */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's date in Japan. */
export function jstToday(now: Date = new Date()): string {
  return jstDate(now);
}

/** The year in Japan at `instant`. */
export function jstYear(instant: Date): number {
  return Number(jstDate(instant).slice(0, 4));
}

/** The instants a Japanese calendar day spans: `[start, end)`, 00:00 JST that day to 00:00 JST the next. */
export function jstDayRange(date: string): { start: Date; end: Date } {
  // Date rolls 02-30 over into March: a day that does not exist is refused, not moved.
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const start = new Date(`${date}T00:00:00${JST_OFFSET}`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** An instant shown in Japan time as `YYYY-MM-DD HH:mm:ss.SSS` (no offset: a form spreadsheets read as a date-time). */
export function formatJst(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + JST_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 23);
}

/**
 * An instant field that also takes a bare date, read as a day in Japan: the instant that day starts (`'start'`) or
 * ends (`'end'`: "valid until 2027-03-31" includes the whole of that day). Applied before validation, so the field
 * is then checked and stored as an ordinary timestamp.
 */
export const JstDayAsInstant = (edge: 'start' | 'end') =>
  Transform(({ value }: { value: unknown }) => (isIsoDate(value) ? jstDayRange(value)[edge].toISOString() : value));
