/**
 * Days as the city's staff see them: Japan Standard Time is UTC+9 all year (no daylight saving), so a fixed offset
 * is exact and needs no time-zone database.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const BARE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in Asia/Tokyo, `YYYY-MM-DD`. */
export function jstToday(now: Date = new Date()): string {
  return new Date(now.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isBareDate(value: string): boolean {
  const m = BARE_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The Asia/Tokyo day `YYYY-MM-DD` as the instants [start, end): 2026-04-01 → [2026-03-31T15:00Z, 2026-04-01T15:00Z). */
export function jstDayRange(date: string): [Date, Date] {
  if (!isBareDate(date)) throw new RangeError(`not a date: ${date}`);
  const start = new Date(Date.parse(`${date}T00:00:00Z`) - JST_OFFSET_MS);
  return [start, new Date(start.getTime() + DAY_MS)];
}

/** An instant shown in Asia/Tokyo as `YYYY-MM-DD HH:mm:ss.SSS` (no offset: a form spreadsheets read as a date-time). */
export function formatJst(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + JST_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 23);
}
