import { createHash } from 'node:crypto';
import type { AuditEventJson } from '#libs/contracts/index.js';

/** prevHash of the first sealed event. */
export const GENESIS_HASH = '0'.repeat(64);

/** One advisory-lock key for the sealer: one sealing transaction at a time across every instance. */
const SEALER_LOCK = 727_201;

/**
 * The columns of an event as the API shows them, selected so that every value arrives as a string, a string array
 * or null (no driver-side parsing that could hide a changed byte). `e` is audit_events; the time is rendered in
 * SQL because the column is millisecond-precise by constraint and JS dates would be too.
 */
export const EVENT_COLUMNS = `
  e.id::text AS id,
  to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  e.actor_user_id::text AS actor_user_id,
  e.actor_organisation_id::text AS actor_organisation_id,
  e.action, e.resource_type, e.resource_id,
  e.recipient_id::text AS recipient_id,
  e.recipient_ids::text[] AS recipient_ids,
  e.outcome, e.field_groups, e.legal_basis,
  e.grant_id::text AS grant_id,
  e.ip, e.user_agent, e.request_id,
  e.details::text AS details`;

export interface EventRow {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  recipient_id: string | null;
  recipient_ids: string[] | null;
  outcome: string;
  field_groups: string[] | null;
  legal_basis: string | null;
  grant_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: string | null;
}

export type { AuditEventJson };

/** JSON with object keys sorted at every depth: one text per value, whatever order the keys were stored in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * What is hashed for one event: every column in a fixed order, as the API shows it (camelCase JSON values), so an
 * auditor can recompute the chain from an export alone: hash = SHA-256(prevHash "\n" seq "\n" canonical event).
 */
export function canonicalEvent(row: EventRow): string {
  return canonicalJson([
    row.id,
    row.at,
    row.actor_user_id,
    row.actor_organisation_id,
    row.action,
    row.resource_type,
    row.resource_id,
    row.recipient_id,
    row.recipient_ids,
    row.outcome,
    row.field_groups,
    row.legal_basis,
    row.grant_id,
    row.ip,
    row.user_agent,
    row.request_id,
    row.details === null ? null : JSON.parse(row.details),
  ]);
}

export function chainHash(prevHash: string, seq: number | string, row: EventRow): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${canonicalEvent(row)}`, 'utf8').digest('hex');
}

export interface Seal {
  seq: string;
  eventId: string;
  hash: string;
  prevHash: string;
}

/** Chains events after the last seal (none: the genesis), in the order given. */
export function sealEvents(last: LastSeal | undefined, rows: EventRow[]): Seal[] {
  let seq = last ? BigInt(last.seq) : 0n;
  let prev = last ? last.hash : GENESIS_HASH;
  return rows.map((row) => {
    seq += 1n;
    const hash = chainHash(prev, seq.toString(), row);
    const seal = { seq: seq.toString(), eventId: row.id, hash, prevHash: prev };
    prev = hash;
    return seal;
  });
}

const SEAL_VALUE = /^(\d+)\|([0-9a-f-]{36})\|([0-9a-f]{64})\|([0-9a-f]{64})$/;

/**
 * The seals as an INSERT with literal values, so that it can share one round trip with the COMMIT. Every value is
 * produced here (digits, a UUID from PostgreSQL, hex digests) and checked against its format before it is inlined.
 */
export function insertSealsSql(seals: Seal[]): string {
  const values = seals.map((s) => {
    const m = SEAL_VALUE.exec(`${s.seq}|${s.eventId}|${s.hash}|${s.prevHash}`);
    if (!m) throw new Error('refusing to inline a malformed seal');
    return `(${m[1]}, '${m[2]}', '${m[3]}', '${m[4]}')`;
  });
  return `INSERT INTO audit_seals (seq, event_id, hash, prev_hash) VALUES ${values.join(', ')}`;
}

export interface LastSeal {
  seq: string;
  hash: string;
}

/** Opens a sealing transaction: one sealer at a time across instances; the last seal as of the lock. */
const SEALING_STATEMENTS = [
  'BEGIN',
  `SELECT pg_advisory_xact_lock(${SEALER_LOCK})`,
  'SELECT s.seq::text AS seq, s.hash FROM audit_seals s ORDER BY s.seq DESC LIMIT 1',
] as const;

/**
 * Opens a sealing transaction and runs `then` (one more statement, if any) in the same simple query, whose
 * statements run in order, each with a fresh snapshot: what `then` reads after the lock includes everything
 * committed before it, other instances' seals too. Answers the last seal and the rows `then` selected.
 */
export async function beginSealing<R = never>(
  client: { query(sql: string): Promise<unknown> },
  then?: string,
): Promise<{ last: LastSeal | undefined; rows: R[] }> {
  const statements = then === undefined ? SEALING_STATEMENTS : [...SEALING_STATEMENTS, then];
  const results = (await client.query(statements.join(';\n'))) as { rows: unknown[] }[];
  return {
    last: results[SEALING_STATEMENTS.length - 1].rows[0] as LastSeal | undefined,
    rows: (then === undefined ? [] : results[SEALING_STATEMENTS.length].rows) as R[],
  };
}

export function eventJson(row: EventRow & { seq?: string | number | null; hash?: string | null; prev_hash?: string | null }): AuditEventJson {
  return {
    id: row.id,
    seq: row.seq === null || row.seq === undefined ? null : Number(row.seq),
    at: row.at,
    actorUserId: row.actor_user_id,
    actorOrganisationId: row.actor_organisation_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    recipientId: row.recipient_id,
    recipientIds: row.recipient_ids,
    outcome: row.outcome,
    fieldGroups: row.field_groups,
    legalBasis: row.legal_basis,
    grantId: row.grant_id,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    hash: row.hash ?? null,
    prevHash: row.prev_hash ?? null,
  };
}
