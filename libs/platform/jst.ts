/**
 * Japan time (Asia/Tokyo, UTC+9 all year, no daylight saving) for everything that is a calendar day to the city's
 * staff: the date a case is opened, the year in a case number, a bare date in a `from`/`to` filter. Computed here,
 * never from the server's or the database's time zone, which a deployment may leave at UTC.
 */
export const JST_OFFSET = '+09:00';
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** A bare calendar date, `YYYY-MM-DD`. */
export const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date in Japan at `instant`, as `YYYY-MM-DD`. */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The year in Japan at `instant`. */
export function jstYear(instant: Date): number {
  return Number(jstDate(instant).slice(0, 4));
}

/** The instants a Japanese calendar day spans: `[start, end)`, 00:00 JST that day to 00:00 JST the next. */
export function jstDayRange(date: string): { start: Date; end: Date } {
  if (!BARE_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const start = new Date(`${date}T00:00:00${JST_OFFSET}`);
  // Date rolls 02-30 over into March: a day that does not exist is refused, not moved.
  if (Number.isNaN(start.getTime()) || jstDate(start) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}
