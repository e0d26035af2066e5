import type { FieldGroup, GrantPermission } from '#libs/contracts/index.js';

/** What one organisation may read of one recipient right now (shared/API.md "Grants"). */
export interface LiveReadAccess {
  /** The lead organisation: every group and permission, implicitly. */
  lead: boolean;
  fieldGroups: readonly FieldGroup[];
  permissions: readonly GrantPermission[];
  /**
   * The earliest moment this answer may change by itself (the first `validUntil` among the grants it rests on,
   * or a grant's future `validFrom`); null when only an explicit change (revocation, a new grant) can change it.
   */
  changesAt: Date | null;
  /** For the audit event of a subscription: `lead_organisation` or the grants' legal bases joined by ','. */
  legalBasis?: string | null;
}

export interface LivePair {
  organisationId: string;
  recipientId: string;
}

export const pairKey = (organisationId: string, recipientId: string) => `${organisationId}/${recipientId}`;

/**
 * The one question the live layer asks the access layer, for many pairs at once (one query per batch, never one
 * per socket): access is per organisation, so every socket of an organisation shares the answer.
 * A missing key or null means "may not read this recipient" (treated like 404).
 */
export interface LiveAccessPolicy {
  readAccess(pairs: readonly LivePair[]): Promise<Map<string, LiveReadAccess | null>>;
}

export const LIVE_ACCESS = Symbol('LIVE_ACCESS');

/** Notes as the live layer sees them: only the fields the sensitivity rules need, plus the JSON to send. */
export interface LiveNoteSource {
  /** Notes by id, as the API returns them, or nothing for a note that no longer exists. */
  notesById(ids: readonly string[]): Promise<Map<string, LiveNote>>;
}

export interface LiveNote {
  json: Record<string, unknown>;
  sensitivity: 'normal' | 'sensitive' | 'author_org_only';
  authorOrganisationId: string;
}

export const LIVE_NOTES = Symbol('LIVE_NOTES');

/** Note sensitivity rules (shared/API.md): may an organisation with this access read a note? */
export function mayReadNote(organisationId: string, access: LiveReadAccess, note: LiveNote): boolean {
  if (note.authorOrganisationId === organisationId) return true;
  if (note.sensitivity === 'author_org_only') return false;
  if (!access.lead && !access.permissions.includes('notes.read')) return false;
  if (note.sensitivity === 'sensitive' && !access.lead && !access.fieldGroups.includes('health')) return false;
  return true;
}

/** Until an access library answers, nobody may read any recipient: fail closed. */
export class NoLiveAccess implements LiveAccessPolicy {
  async readAccess(): Promise<Map<string, LiveReadAccess | null>> {
    return new Map();
  }
}
