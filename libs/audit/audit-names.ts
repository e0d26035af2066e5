import type { EntityManager } from 'typeorm';
import type { AuditEventJson, AuditEventNames, AuditEventWithNames } from '#libs/contracts/index.js';

export type { AuditEventNames, AuditEventWithNames };

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
