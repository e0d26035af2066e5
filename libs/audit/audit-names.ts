import type { EntityManager } from 'typeorm';
import type { AuditEventJson } from './audit-chain.js';

/**
 * Names beside an event, for people reading the log (`?expand=names`). Never hashed and never part of the event:
 * they are looked up when the list is read, so they show today's names (a renamed user shows the new name), and
 * the chain and its verification are exactly as without them.
 */
export interface AuditEventNames {
  actorDisplayName: string | null;
  actorLoginId: string | null;
  actorOrganisationName: string | null;
  recipientCaseNumber: string | null;
  /** One per `recipientIds` entry, in the same order (null for an id that names no recipient). */
  recipientCaseNumbers: (string | null)[] | null;
}

export type AuditEventWithNames = AuditEventJson & { names: AuditEventNames };

/** Looks up, in three queries whatever the number of events, the names of everyone and everything the events name. */
export async function addNames(db: Pick<EntityManager, 'query'>, events: AuditEventJson[]): Promise<AuditEventWithNames[]> {
  const users = new Set<string>();
  const organisations = new Set<string>();
  const recipients = new Set<string>();
  for (const e of events) {
    if (e.actorUserId) users.add(e.actorUserId);
    if (e.actorOrganisationId) organisations.add(e.actorOrganisationId);
    if (e.recipientId) recipients.add(e.recipientId);
    for (const id of e.recipientIds ?? []) recipients.add(id);
  }
  const lookup = async (sql: string, ids: Set<string>) =>
    ids.size === 0 ? [] : ((await db.query(sql, [[...ids]])) as { id: string; a: string; b?: string }[]);
  const [userRows, orgRows, recipientRows] = await Promise.all([
    lookup(`SELECT id::text AS id, display_name AS a, login_id AS b FROM users WHERE id = ANY($1::uuid[])`, users),
    lookup(`SELECT id::text AS id, name AS a FROM organisations WHERE id = ANY($1::uuid[])`, organisations),
    lookup(`SELECT id::text AS id, case_number AS a FROM recipients WHERE id = ANY($1::uuid[])`, recipients),
  ]);
  const user = new Map(userRows.map((r) => [r.id, r]));
  const org = new Map(orgRows.map((r) => [r.id, r.a]));
  const caseNumber = new Map(recipientRows.map((r) => [r.id, r.a]));
  return events.map((e) => ({
    ...e,
    names: {
      actorDisplayName: (e.actorUserId && user.get(e.actorUserId)?.a) || null,
      actorLoginId: (e.actorUserId && user.get(e.actorUserId)?.b) || null,
      actorOrganisationName: (e.actorOrganisationId && org.get(e.actorOrganisationId)) || null,
      recipientCaseNumber: (e.recipientId && caseNumber.get(e.recipientId)) || null,
      recipientCaseNumbers: e.recipientIds ? e.recipientIds.map((id) => caseNumber.get(id) ?? null) : null,
    },
  }));
}
