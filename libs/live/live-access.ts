import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type AccessPair, AccessService, type NoteFacts, NoteVisibility, pairKey } from '#libs/access/index.js';
import type { FieldGroup, GrantPermission } from '#libs/contracts/index.js';

export type LivePair = AccessPair;
export { pairKey };

/** What one organisation may read of one recipient right now: the access authority's answer, as delivery uses it. */
export interface LiveReadAccess {
  /** The lead organisation: every group and permission, implicitly. */
  lead: boolean;
  fieldGroups: readonly FieldGroup[];
  permissions: readonly GrantPermission[];
  /** The earliest moment this answer changes by itself (see ResolvedAccess.changesAt). */
  changesAt: Date | null;
  /** For the audit event of a subscription: `lead_organisation` or the grants' legal bases joined by ','. */
  legalBasis?: string | null;
}

/** The one question the live layer asks, for many pairs at once (one query per batch, never one per socket). */
export interface LiveAccessPolicy {
  /** A missing key or null means "may not read this recipient" (treated like 404). */
  readAccess(pairs: readonly LivePair[]): Promise<Map<string, LiveReadAccess | null>>;
}

export const LIVE_ACCESS = Symbol('LIVE_ACCESS');

/**
 * The access authority (libs/access) answering for the live layer: access is per organisation, so every socket of an
 * organisation shares the answer, and delivery, replay and expiry re-checks ask exactly what REST reads ask.
 */
@Injectable()
export class AuthorityLiveAccess implements LiveAccessPolicy {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async readAccess(pairs: readonly LivePair[]): Promise<Map<string, LiveReadAccess | null>> {
    const answers = await this.access.readAccess(this.dataSource.manager, pairs);
    const live = new Map<string, LiveReadAccess | null>();
    for (const [key, a] of answers) {
      live.set(
        key,
        a.visible ? { lead: a.isLead, fieldGroups: a.fieldGroups, permissions: a.permissions, changesAt: a.changesAt, legalBasis: a.legalBasis } : null,
      );
    }
    return live;
  }
}

/** Notes as the live layer sees them: the facts the visibility rule needs, plus the JSON to send. */
export interface LiveNote extends NoteFacts {
  json: Record<string, unknown>;
}

export interface LiveNoteSource {
  /** Notes by id, as the API returns them, or nothing for a note that no longer exists. */
  notesById(ids: readonly string[]): Promise<Map<string, LiveNote>>;
}

export const LIVE_NOTES = Symbol('LIVE_NOTES');

/** The note-visibility rule of the access library, for an organisation with this (visible) access. */
export function mayReadNote(organisationId: string, access: LiveReadAccess, note: NoteFacts): boolean {
  const { lead: isLead, fieldGroups, permissions } = access;
  return new NoteVisibility(organisationId, { visible: true, isLead, fieldGroups: [...fieldGroups], permissions: [...permissions] }).mayRead(note);
}
