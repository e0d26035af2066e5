import type { ContactType, NoteJson, NoteSensitivity } from '#libs/contracts/index.js';

/** A case_notes row as the notes queries select it (camelCase aliases; see NOTE_COLUMNS). */
export interface NoteRow {
  id: string;
  recipientId: string;
  authorUserId: string;
  authorOrganisationId: string;
  occurredAt: Date;
  contactType: ContactType;
  counterpart: string | null;
  title: string | null;
  body: string;
  sensitivity: NoteSensitivity;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  retractedAt: Date | null;
  retractReason: string | null;
}

export type { NoteJson };

export const NOTE_COLUMNS = (a: string) =>
  `${a}.id, ${a}.recipient_id AS "recipientId", ${a}.author_user_id AS "authorUserId",
   ${a}.author_organisation_id AS "authorOrganisationId", ${a}.occurred_at AS "occurredAt", ${a}.contact_type AS "contactType",
   ${a}.counterpart, ${a}.title, ${a}.body, ${a}.sensitivity, ${a}.version, ${a}.created_at AS "createdAt",
   ${a}.updated_at AS "updatedAt", ${a}.retracted_at AS "retractedAt", ${a}.retract_reason AS "retractReason"`;

export function noteJson(row: NoteRow): NoteJson {
  return {
    id: row.id,
    recipientId: row.recipientId,
    authorUserId: row.authorUserId,
    authorOrganisationId: row.authorOrganisationId,
    occurredAt: row.occurredAt.toISOString(),
    contactType: row.contactType,
    counterpart: row.counterpart,
    title: row.title,
    body: row.body,
    sensitivity: row.sensitivity,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(row.retractedAt ? { retractedAt: row.retractedAt.toISOString(), retractReason: row.retractReason ?? '' } : {}),
  };
}

/** One version of a note in its history: its content then, who wrote that version and what kind of change it was. */
export interface NoteRevisionJson {
  version: number;
  change: 'create' | 'update' | 'retract';
  writtenAt: string;
  writtenBy: string;
  writtenByOrganisationId: string;
  occurredAt: string;
  contactType: ContactType;
  counterpart: string | null;
  title: string | null;
  body: string;
  sensitivity: NoteSensitivity;
  retractedAt?: string;
  retractReason?: string;
}

export const REVISION_COLUMNS = (a: string) =>
  `${a}.version, ${a}.change, ${a}.written_at AS "writtenAt", ${a}.written_by AS "writtenBy",
   ${a}.written_by_organisation_id AS "writtenByOrganisationId", ${a}.occurred_at AS "occurredAt",
   ${a}.contact_type AS "contactType", ${a}.counterpart, ${a}.title, ${a}.body, ${a}.sensitivity,
   ${a}.retracted_at AS "retractedAt", ${a}.retract_reason AS "retractReason"`;

export function noteRevisionJson(row: Record<string, any>): NoteRevisionJson {
  return {
    version: row.version,
    change: row.change,
    writtenAt: (row.writtenAt as Date).toISOString(),
    writtenBy: row.writtenBy,
    writtenByOrganisationId: row.writtenByOrganisationId,
    occurredAt: (row.occurredAt as Date).toISOString(),
    contactType: row.contactType,
    counterpart: row.counterpart,
    title: row.title,
    body: row.body,
    sensitivity: row.sensitivity,
    ...(row.retractedAt ? { retractedAt: (row.retractedAt as Date).toISOString(), retractReason: row.retractReason ?? '' } : {}),
  };
}
