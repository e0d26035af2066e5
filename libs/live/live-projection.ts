import type { FieldGroup, LiveEnvelope, LiveGrantSummary } from '#libs/contracts/index.js';
import type { ResolvedAccess } from '#libs/access/index.js';
import { type LiveNote, mayReadNote } from './live-access.js';
import type { LiveMessage } from './live-socket.js';
import { fieldGroupOf } from './recipient-field-groups.js';

/** A sequenced row of live_events, its payload as LiveOutbox's writers publish it for that type. */
export type StoredLiveEvent = {
  seq: number;
  recipientId: string;
  /** Organisation rooms that get the event whether or not they subscribed (grant.*). */
  organisationIds: string[];
  at: string;
  actorOrganisationId: string | null;
} & (
  | { type: 'recipient.updated'; payload: { version: number; changedFields: string[] } }
  | { type: 'note.created' | 'note.updated'; payload: { noteId: string } }
  | { type: 'grant.created' | 'grant.revoked'; payload: { grant: LiveGrantSummary } }
);

export type StoredGrantEvent = Extract<StoredLiveEvent, { type: 'grant.created' | 'grant.revoked' }>;

export const isGrantEvent = (event: StoredLiveEvent): event is StoredGrantEvent =>
  event.type === 'grant.created' || event.type === 'grant.revoked';

/** The note ids a list of events refers to, each once. */
export const noteIdsOf = (events: readonly StoredLiveEvent[]): string[] => [
  ...new Set(events.flatMap((e) => (e.type === 'note.created' || e.type === 'note.updated' ? [e.payload.noteId] : []))),
];

const envelope = (event: StoredLiveEvent): LiveEnvelope => ({
  seq: event.seq,
  recipientId: event.recipientId,
  at: event.at,
  actorOrganisationId: event.actorOrganisationId,
});

/** A grant.* event as its organisation rooms get it: the same for every receiver (no per-organisation projection). */
export const grantMessage = (event: StoredGrantEvent) =>
  ({ event: event.type, body: { ...envelope(event), grant: event.payload.grant } }) satisfies LiveMessage;

/**
 * A subscribed recipient's event as this organisation may see it now, or null when it may see nothing of it.
 * `notes` holds the notes note.* events refer to, as they are now (a missing one was deleted: nothing is sent).
 */
export function projectLiveEvent(
  event: StoredLiveEvent,
  organisationId: string,
  access: ResolvedAccess,
  notes: ReadonlyMap<string, LiveNote>,
): LiveMessage | null {
  switch (event.type) {
    case 'recipient.updated': {
      const readable = new Set<FieldGroup>(access.fieldGroups);
      const changedFields = event.payload.changedFields.filter((field) => {
        const group = fieldGroupOf(field);
        return group !== undefined && (access.isLead || readable.has(group));
      });
      // Nothing it may read changed: the receiver learns nothing, not even that something changed.
      if (changedFields.length === 0) return null;
      return { event: event.type, body: { ...envelope(event), version: event.payload.version, changedFields } };
    }
    case 'note.created':
    case 'note.updated': {
      const note = notes.get(event.payload.noteId);
      if (!note || !mayReadNote(organisationId, access, note)) return null;
      return { event: event.type, body: { ...envelope(event), note: note.json } };
    }
    default:
      // grant.* go to organisation rooms (grantMessage), not to subscriptions.
      return null;
  }
}
