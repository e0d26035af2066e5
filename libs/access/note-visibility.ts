import type { NoteSensitivity } from '#libs/contracts/index.js';
import type { SqlParams } from '#libs/platform/index.js';
import type { ResolvedAccess } from './access.service.js';

/** The facts about a note that decide who reads it. */
export interface NoteFacts {
  sensitivity: NoteSensitivity;
  authorOrganisationId: string;
}

/** Column expressions (over the caller's aliases) holding those facts, for the SQL form of the rule. */
export interface NoteFactColumns {
  sensitivity: string;
  authorOrganisationId: string;
}

/**
 * Which notes of a recipient one organisation reads, derived from its access to that recipient (shared/API.md
 * "Notes"), in the two forms the code needs and from one statement of the rule:
 *
 * - its own organisation's notes, always (while it sees the recipient);
 * - `normal` notes of others with notes.read (the lead organisation has every permission);
 * - `sensitive` notes of others with notes.read and the `health` group;
 * - `author_org_only` notes of others, never;
 * - nothing at all of a recipient it does not see.
 *
 * `sql` is the condition lists and single reads put in their WHERE clause; `mayRead` is the same test on a note in
 * memory (live delivery). A table test runs both over every combination and requires them to agree.
 */
export class NoteVisibility {
  /** notes.read (or lead): `normal` notes of every organisation. */
  readonly readsShared: boolean;
  /** …and the `health` field group as well: `sensitive` notes too. */
  readonly readsSensitive: boolean;
  /** notes.write (or lead): may write notes, and edit or retract its own. */
  readonly writes: boolean;
  /** The sensitivities of other organisations' notes this organisation reads. */
  private readonly shared: NoteSensitivity[];
  private readonly visible: boolean;

  constructor(
    readonly organisationId: string,
    access: Pick<ResolvedAccess, 'visible' | 'isLead' | 'fieldGroups' | 'permissions'>,
  ) {
    this.visible = access.visible;
    this.readsShared = access.visible && (access.isLead || access.permissions.includes('notes.read'));
    this.readsSensitive = this.readsShared && (access.isLead || access.fieldGroups.includes('health'));
    this.writes = access.visible && (access.isLead || access.permissions.includes('notes.write'));
    this.shared = [...(this.readsShared ? ['normal' as const] : []), ...(this.readsSensitive ? ['sensitive' as const] : [])];
  }

  mayRead(note: NoteFacts): boolean {
    return this.visible && (note.authorOrganisationId === this.organisationId || this.shared.includes(note.sensitivity));
  }

  sql(columns: NoteFactColumns, params: SqlParams): string {
    if (!this.visible) return 'false';
    return `(${columns.authorOrganisationId} = ${params.add(this.organisationId)}::uuid OR ${columns.sensitivity} = ANY (${params.add(this.shared)}::text[]))`;
  }
}
