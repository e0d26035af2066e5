import { FIELD_GROUPS, type FieldGroup, GRANT_PERMISSIONS, type GrantPermission, type LiveGrantSummary } from '#libs/contracts/index.js';
import type { ResolvedAccess } from '#libs/access/index.js';
import type { LiveNote } from './live-access.js';
import { grantMessage, isGrantEvent, noteIdsOf, projectLiveEvent, type StoredLiveEvent } from './live-projection.js';

const ORG = '0193a7c4-5b6e-7f00-8a00-00000000000a';
const OTHER_ORG = '0193a7c4-5b6e-7f00-8a00-00000000000b';
const RECIPIENT = '0193a7c4-5b6e-7f00-8a00-000000000001';
const NOTE_ID = '0193a7c4-5b6e-7f00-8a00-0000000000f1';
const base = { seq: 42, recipientId: RECIPIENT, organisationIds: [], at: '2026-11-27T09:00:00.000Z', actorOrganisationId: OTHER_ORG };
const envelope = { seq: 42, recipientId: RECIPIENT, at: '2026-11-27T09:00:00.000Z', actorOrganisationId: OTHER_ORG };

/** The access authority's answer for a visible recipient (only what projection reads differs between the two). */
const answer = (isLead: boolean, fieldGroups: FieldGroup[], permissions: GrantPermission[]): ResolvedAccess => ({
  visible: true,
  isLead,
  leadOrganisationId: isLead ? ORG : OTHER_ORG,
  fieldGroups,
  permissions,
  grantIds: isLead ? [] : ['0193a7c4-5b6e-7f00-8a00-0000000000d0'],
  legalBasis: isLead ? 'lead_organisation' : 'consent',
  writableGroups: isLead ? fieldGroups : [],
  canLead: isLead,
  changesAt: null,
});
const lead = answer(true, [...FIELD_GROUPS], [...GRANT_PERMISSIONS]);
const partner = (fieldGroups: FieldGroup[], permissions: GrantPermission[] = []) => answer(false, fieldGroups, permissions);

const updated = (changedFields: string[]): StoredLiveEvent => ({
  ...base,
  type: 'recipient.updated',
  payload: { version: 7, changedFields },
});

describe('projectLiveEvent: recipient.updated', () => {
  // phone is a contact field, healthNotes a health field, careLevel a care field (libs/contracts/recipient-fields.ts).
  const event = updated(['phone', 'healthNotes', 'careLevel', 'notAField']);

  it('tells the lead about every known field that changed, never about unknown ones', () => {
    expect(projectLiveEvent(event, ORG, lead, new Map())).toEqual({
      event: 'recipient.updated',
      body: { ...envelope, version: 7, changedFields: ['phone', 'healthNotes', 'careLevel'] },
    });
  });

  it('tells a partner only about the fields of the groups it may read', () => {
    expect(projectLiveEvent(event, ORG, partner(['contact', 'health']), new Map())).toEqual({
      event: 'recipient.updated',
      body: { ...envelope, version: 7, changedFields: ['phone', 'healthNotes'] },
    });
    expect(projectLiveEvent(event, ORG, partner(['care']), new Map())?.body).toMatchObject({
      changedFields: ['careLevel'],
    });
  });

  it('sends nothing at all when nothing readable changed', () => {
    expect(projectLiveEvent(updated(['healthNotes']), ORG, partner(['contact', 'care']), new Map())).toBeNull();
    expect(projectLiveEvent(updated(['notAField']), ORG, lead, new Map())).toBeNull();
    expect(projectLiveEvent(updated([]), ORG, lead, new Map())).toBeNull();
  });
});

describe('projectLiveEvent: note.created and note.updated', () => {
  const json = { id: NOTE_ID, body: 'visited at home' };
  const note = (sensitivity: LiveNote['sensitivity'], authorOrganisationId: string): LiveNote => ({
    json,
    sensitivity,
    authorOrganisationId,
  });

  // shared/API.md: an organisation reads its own notes; author_org_only notes nobody else; otherwise the lead, or
  // notes.read, and for sensitive notes the health group as well (the lead has both implicitly).
  const readable = (c: { sensitivity: LiveNote['sensitivity']; isLead: boolean; notesRead: boolean; health: boolean; own: boolean }) =>
    c.own || (c.sensitivity !== 'author_org_only' && (c.isLead || (c.notesRead && (c.sensitivity === 'normal' || c.health))));

  const cases = (['normal', 'sensitive', 'author_org_only'] as const).flatMap((sensitivity) =>
    [true, false].flatMap((isLead) =>
      [true, false].flatMap((notesRead) =>
        [true, false].flatMap((health) => [true, false].map((own) => ({ sensitivity, isLead, notesRead, health, own }))),
      ),
    ),
  );

  it.each(cases)('$sensitivity note: lead $isLead, notes.read $notesRead, health $health, own organisation $own', (c) => {
    const access = c.isLead
      ? lead
      : partner(c.health ? ['basic', 'health'] : ['basic'], c.notesRead ? ['notes.read'] : ['notes.write']);
    const notes = new Map([[NOTE_ID, note(c.sensitivity, c.own ? ORG : OTHER_ORG)]]);
    for (const type of ['note.created', 'note.updated'] as const) {
      const message = projectLiveEvent({ ...base, type, payload: { noteId: NOTE_ID } }, ORG, access, notes);
      expect(message).toEqual(readable(c) ? { event: type, body: { ...envelope, note: json } } : null);
    }
  });

  it('covers every combination once, readable and not', () => {
    expect(cases).toHaveLength(48);
    expect(cases.filter(readable).length).toBeGreaterThan(0);
    expect(cases.filter((c) => !readable(c)).length).toBeGreaterThan(0);
  });

  it('sends nothing about a note that no longer exists', () => {
    const event: StoredLiveEvent = { ...base, type: 'note.created', payload: { noteId: NOTE_ID } };
    expect(projectLiveEvent(event, ORG, lead, new Map())).toBeNull();
    expect(projectLiveEvent(event, ORG, lead, new Map([['0193a7c4-5b6e-7f00-8a00-0000000000ee', note('normal', ORG)]]))).toBeNull();
  });
});

describe('grant.*', () => {
  const grant: LiveGrantSummary = {
    id: '0193a7c4-5b6e-7f00-8a00-0000000000d1',
    recipientId: RECIPIENT,
    granteeOrganisationId: ORG,
    fieldGroups: ['basic'],
    permissions: ['notes.read'],
    legalBasis: 'consent',
    validFrom: '2026-11-01T00:00:00.000Z',
    validUntil: null,
    revokedAt: null,
  };
  const created: StoredLiveEvent = { ...base, organisationIds: [ORG, OTHER_ORG], type: 'grant.created', payload: { grant } };
  const revoked: StoredLiveEvent = { ...created, type: 'grant.revoked' };

  it('are never projected for a subscription (they go to organisation rooms)', () => {
    for (const event of [created, revoked]) {
      expect(projectLiveEvent(event, ORG, lead, new Map())).toBeNull();
      expect(projectLiveEvent(event, ORG, partner(['basic'], ['notes.read']), new Map())).toBeNull();
    }
  });

  it('grant.* reach their organisation rooms as the envelope and the grant', () => {
    const updated: StoredLiveEvent = { ...base, type: 'recipient.updated', payload: { version: 2, changedFields: ['phone'] } };
    expect([created, revoked, updated].map(isGrantEvent)).toEqual([true, true, false]);
    if (!isGrantEvent(revoked)) throw new Error('unreachable');
    expect(grantMessage(revoked)).toEqual({ event: 'grant.revoked', body: { ...envelope, grant } });
  });
});

describe('noteIdsOf', () => {
  it('lists the notes of note.* events once each, nothing else', () => {
    const other = '0193a7c4-5b6e-7f00-8a00-0000000000e2';
    const events: StoredLiveEvent[] = [
      { ...base, type: 'note.created', payload: { noteId: NOTE_ID } },
      updated(['phone']),
      { ...base, type: 'note.updated', payload: { noteId: NOTE_ID } },
      { ...base, type: 'note.updated', payload: { noteId: other } },
    ];
    expect(noteIdsOf(events)).toEqual([NOTE_ID, other]);
    expect(noteIdsOf([updated(['phone'])])).toEqual([]);
  });
});
