import { isUuid, storableText } from '#libs/platform/index.js';

/**
 * What an audit row may hold. Much of an event comes from the client (the path's ids, the user agent, the request
 * id, whatever a denied request named), and PostgreSQL refuses some strings outright (NUL in `text` and `jsonb`,
 * `\u0000` in JSON, lone UTF-16 surrogates, which have no UTF-8 form). A refused value must never cost an event, nor,
 * in a group commit, the events of other requests. So every value is made storable before it is written, always
 * the same way (the same input gives the same row, hence the same hash):
 *
 * - NUL and lone surrogates become U+FFFD (the replacement character);
 * - text longer than its column's limit keeps its first `limit - 1` code points and ends with `…`;
 * - a uuid column gets null for anything that is not a UUID;
 * - `details` is rebuilt with the same rules applied to every key and string at any depth (nesting capped).
 */

const ELLIPSIS = '…';

/** Code-point limits of the audit row's text values. */
export const AUDIT_TEXT_LIMITS = {
  /** action, resource type, legal basis, field groups: names the server chose, capped all the same. */
  name: 100,
  resourceId: 200,
  ip: 64,
  userAgent: 512,
  requestId: 128,
  /** Any string inside `details`. */
  detail: 1000,
} as const;

const DETAILS_MAX_DEPTH = 8;

/** `value` as PostgreSQL can store it, at most `limit` code points (see above); null stays null. */
export function auditText(value: string | null | undefined, limit: number): string | null {
  if (value === null || value === undefined) return null;
  const text = storableText(String(value));
  if (text.length <= limit) return text; // UTF-16 length ≥ code points: short enough either way
  const points = Array.from(text);
  return points.length <= limit ? text : points.slice(0, limit - 1).join('') + ELLIPSIS;
}

/** A UUID for a uuid column, or null. */
export function auditUuid(value: string | null | undefined): string | null {
  return isUuid(value) ? value : null;
}

/** `details` with every key and string storable; deeper than 8 levels is cut to the string "…". */
export function auditDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return auditText(value, AUDIT_TEXT_LIMITS.detail);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  if (depth >= DETAILS_MAX_DEPTH) return ELLIPSIS;
  if (Array.isArray(value)) return value.map((item) => auditDetails(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [auditText(key, AUDIT_TEXT_LIMITS.name), auditDetails(item, depth + 1)]),
  );
}
