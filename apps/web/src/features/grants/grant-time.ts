// "Valid until" as a caseworker types it: a date (the end of that day, Japan time) or a date and time (Japan time).

const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const DATE_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})$/;
const pad = (v: string) => v.padStart(2, '0');

/** ISO instant, or null when the text is not a date (empty → undefined: no end). */
export function parseValidUntil(text: string): string | null | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const dt = DATE_TIME.exec(value);
  if (dt) return toInstant(`${dt[1]}-${pad(dt[2])}-${pad(dt[3])}T${pad(dt[4])}:${dt[5]}:00+09:00`);
  const d = DATE.exec(value);
  if (d) return toInstant(`${d[1]}-${pad(d[2])}-${pad(d[3])}T23:59:59+09:00`);
  return null;
}

function toInstant(text: string): string | null {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A grant's state as the list shows it. */
export function grantState(grant: { revokedAt: string | null; validFrom: string; validUntil: string | null }, now = Date.now()) {
  if (grant.revokedAt) return 'revoked' as const;
  if (grant.validUntil && Date.parse(grant.validUntil) <= now) return 'expired' as const;
  if (Date.parse(grant.validFrom) > now) return 'pending' as const;
  return 'active' as const;
}
