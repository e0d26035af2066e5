import { type AccessPair, type NoteFacts, NoteVisibility, type ResolvedAccess } from '#libs/access/index.js';

/**
 * The live layer asks the access authority (libs/access, `AccessService.readAccess`) what an organisation may read of a
 * recipient: the same answer a REST read gets, for many pairs in one statement. Access is per organisation, so every
 * socket of an organisation shares the answer.
 */
export type LivePair = AccessPair;

/** Notes as the live layer sees them: the facts the visibility rule needs, plus the JSON to send. */
export interface LiveNote extends NoteFacts {
  json: Record<string, unknown>;
}

export interface LiveNoteSource {
  /** Notes by id, as the API returns them, or nothing for a note that no longer exists. */
  notesById(ids: readonly string[]): Promise<Map<string, LiveNote>>;
}

export const LIVE_NOTES = Symbol('LIVE_NOTES');

/** The note-visibility rule of the access library, in its in-memory form. */
export function mayReadNote(organisationId: string, access: ResolvedAccess, note: NoteFacts): boolean {
  return new NoteVisibility(organisationId, access).mayRead(note);
}
