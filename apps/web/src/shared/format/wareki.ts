// 和暦 (Japanese era) dates, computed here rather than by Intl's japanese calendar: its output (and whether the first
// year is written 元年) differs between ICU versions, and a caseworker's record must read the same everywhere.

interface Era {
  name: string;
  /** First day of the era, YYYY-MM-DD (Gregorian). */
  start: string;
}

/** Newest first. */
const ERAS: Era[] = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-10-23' },
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2025-04-01` → `令和7年4月1日`; the first year of an era is 元年. Dates before 明治 (or malformed) → null. */
export function toWareki(date: string): string | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const era = ERAS.find((e) => date >= e.start);
  if (!era) return null;
  const year = Number(m[1]) - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${year === 1 ? '元' : year}年${Number(m[2])}月${Number(m[3])}日`;
}

/** A calendar date as a caseworker reads it: `令和7年4月1日 (2025-04-01)` in Japanese, the ISO date otherwise. */
export function formatDate(date: string, lang: string): string {
  if (lang !== 'ja') return date;
  const wareki = toWareki(date);
  return wareki ? `${wareki} (${date})` : date;
}

const TOKYO = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as its date and time in Asia/Tokyo, whatever the browser's zone: `{ date: '2025-04-01', time: '09:05' }`. */
export function tokyoParts(instant: string | Date): { date: string; time: string } {
  const parts = Object.fromEntries(TOKYO.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** `令和7年4月1日 (2025-04-01) 09:05` (ja) or `2025-04-01 09:05 JST` (en). */
export function formatDateTime(instant: string | Date, lang: string): string {
  const { date, time } = tokyoParts(instant);
  return lang === 'ja' ? `${formatDate(date, lang)} ${time}` : `${date} ${time} JST`;
}

/** The value of a `datetime-local` input for an instant, in Asia/Tokyo. */
export function toTokyoInput(instant: string | Date): string {
  const { date, time } = tokyoParts(instant);
  return `${date}T${time}`;
}

/** A `datetime-local` value typed as Tokyo time → ISO instant (Japan has no daylight saving time: +09:00 always). */
export function fromTokyoInput(value: string): string {
  return new Date(`${value}:00+09:00`).toISOString();
}
