import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessService, NoteVisibility, type ResolvedAccess } from '#libs/access/index.js';
import { AuditService } from '#libs/audit/index.js';
import { prepared } from '#libs/database/index.js';
import { LiveOutbox } from '#libs/outbox/index.js';
import type { AuditActionName, FieldGroup } from '#libs/contracts/index.js';
import {
  AppError,
  type Caller,
  SqlParams,
  decodeCursor,
  isIsoDate,
  jstDayRange,
  notFound,
  type Page,
  pageLimit,
  toPage,
  uuidv7,
  versionConflict,
} from '#libs/platform/index.js';
import type { CreateNoteDto, ListNotesQueryDto, NotesPageQueryDto, UpdateNoteDto } from './note.dto.js';
import { NOTE_COLUMNS, type NoteJson, noteJson, type NoteRevisionJson, noteRevisionJson, type NoteRow, REVISION_COLUMNS } from './note.entity.js';

/** The caller's access to a recipient and, derived from it, to its notes. */
interface NoteAccess {
  access: ResolvedAccess;
  notes: NoteVisibility;
}

/** Which notes (or note revisions, whose sensitivity is their own) the rule reads from. */
const NOTE_FACTS = { sensitivity: 'n.sensitivity', authorOrganisationId: 'n.author_organisation_id' };
const REVISION_FACTS = { sensitivity: 'v.sensitivity', authorOrganisationId: 'n.author_organisation_id' };

const noteNotFound = () => notFound('Note not found');

/**
 * Case notes (支援経過記録). Which notes an organisation reads is the note-visibility rule of the access library
 * (NoteVisibility), applied in SQL to every query that returns notes.
 */
@Injectable()
export class NotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly live: LiveOutbox,
  ) {}

  /** Resolves the caller's access to the recipient; a recipient it cannot see does not exist for it (404). */
  async noteAccess(em: EntityManager, caller: Caller, recipientId: string): Promise<NoteAccess> {
    const access = await this.access.resolve(em, caller, recipientId);
    if (!access.visible) throw notFound('Recipient not found');
    return { access, notes: new NoteVisibility(caller.organisationId, access) };
  }

  async list(caller: Caller, recipientId: string, query: ListNotesQueryDto): Promise<Page<NoteJson>> {
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    return this.dataSource.transaction(async (em) => {
      const na = await this.noteAccess(em, caller, recipientId);
      if (!na.notes.readsShared && !na.notes.writes) await this.assertWroteAny(em, caller, recipientId);
      const params = new SqlParams([recipientId]);
      const where = [`n.recipient_id = $1`, na.notes.sql(NOTE_FACTS, params)];
      if (!query.includeRetracted) where.push(`n.retracted_at IS NULL`);
      if (query.contactType) where.push(`n.contact_type = ${params.add(query.contactType)}`);
      if (query.authorOrganisationId) where.push(`n.author_organisation_id = ${params.add(query.authorOrganisationId)}::uuid`);
      // A bare date is a day as the city's staff see it: the whole Japanese day, from its first instant to its last.
      if (query.from) {
        where.push(`n.occurred_at >= ${params.add(isIsoDate(query.from) ? jstDayRange(query.from).start.toISOString() : query.from)}::timestamptz`);
      }
      if (query.to) {
        where.push(
          isIsoDate(query.to)
            ? `n.occurred_at < ${params.add(jstDayRange(query.to).end.toISOString())}::timestamptz`
            : `n.occurred_at <= ${params.add(query.to)}::timestamptz`,
        );
      }
      // Keyset on (created_at, id): a note inserted meanwhile lands above the cursor, never shifts a later page.
      if (after) where.push(`(n.created_at, n.id) < (${params.add(after[0])}::timestamptz, ${params.add(after[1])}::uuid)`);
      const rows: NoteRow[] = await em.query(
        `SELECT ${NOTE_COLUMNS('n')} FROM case_notes n WHERE ${where.join(' AND ')}
          ORDER BY n.created_at DESC, n.id DESC LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], noteJson);
      await this.auditNote(em, caller, na.access, 'note.list', recipientId, {
        recipientIds: [recipientId],
        notes: page.items,
        details: { noteIds: page.items.map((n) => n.id) },
      });
      return page;
    });
  }

  /**
   * Every note the caller may read on the recipient (as the default list: retracted ones left out), oldest first by
   * when it happened, inside the caller's transaction and without an audit event of its own (the printout records
   * one for the record and its notes together). Invisible recipient → 404.
   */
  async readableNotes(em: EntityManager, caller: Caller, recipientId: string): Promise<NoteJson[]> {
    const na = await this.noteAccess(em, caller, recipientId);
    const params = new SqlParams([recipientId]);
    const rows: NoteRow[] = await em.query(
      `SELECT ${NOTE_COLUMNS('n')} FROM case_notes n
        WHERE n.recipient_id = $1 AND n.retracted_at IS NULL AND ${na.notes.sql(NOTE_FACTS, params)}
        ORDER BY n.occurred_at, n.created_at, n.id`,
      params.values,
    );
    return rows.map(noteJson);
  }

  async get(caller: Caller, recipientId: string, noteId: string): Promise<NoteJson> {
    return this.dataSource.transaction(async (em) => {
      const { na, row } = await this.findVisible(em, caller, recipientId, noteId);
      const note = noteJson(row);
      await this.auditNote(em, caller, na.access, 'note.read', recipientId, { resourceId: noteId, notes: [note] });
      return note;
    });
  }

  /** Every version of a note, newest first; versions the caller could not read under their sensitivity are left out. */
  async history(caller: Caller, recipientId: string, noteId: string, query: NotesPageQueryDto): Promise<Page<NoteRevisionJson>> {
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, ['int']);
    return this.dataSource.transaction(async (em) => {
      const { na } = await this.findVisible(em, caller, recipientId, noteId);
      const params = new SqlParams([noteId]);
      const where = [`v.note_id = $1`, na.notes.sql(REVISION_FACTS, params)];
      if (after) where.push(`v.version < ${params.add(after[0])}`);
      const rows = await em.query(
        `SELECT ${REVISION_COLUMNS('v')} FROM case_note_revisions v JOIN case_notes n ON n.id = v.note_id
          WHERE ${where.join(' AND ')} ORDER BY v.version DESC LIMIT ${params.add(limit + 1)}`,
        params.values,
      );
      const page = toPage(rows, limit, (r: { version: number }) => [r.version], noteRevisionJson);
      await this.auditNote(em, caller, na.access, 'note.read', recipientId, {
        resourceId: noteId,
        notes: page.items,
        details: { view: 'history', versions: page.items.map((v) => v.version) },
      });
      return page;
    });
  }

  async create(caller: Caller, recipientId: string, dto: CreateNoteDto): Promise<NoteJson> {
    return this.dataSource.transaction(async (em) => {
      const na = await this.noteAccess(em, caller, recipientId);
      if (!na.notes.writes) throw new AppError('GRANT_SCOPE_MISSING', { message: 'Writing notes needs the notes.write permission' });
      const id = uuidv7();
      const params = new SqlParams([
        id,
        recipientId,
        caller.userId,
        caller.organisationId,
        dto.occurredAt,
        dto.contactType,
        dto.counterpart ?? null,
        dto.title ?? null,
        dto.body,
        dto.sensitivity,
      ]);
      const row = (await this.writeWithRevision(
        em,
        caller,
        'create',
        `INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type,
           counterpart, title, body, sensitivity)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7, $8, $9, $10)`,
        params,
        true,
      ))!;
      await this.auditNote(em, caller, na.access, 'note.create', recipientId, {
        resourceId: id,
        notes: [dto],
        details: { sensitivity: dto.sensitivity, contactType: dto.contactType },
      });
      await this.publish(em, caller, 'note.created', recipientId, id);
      return noteJson(row);
    });
  }

  /**
   * Before a remembered POST is replayed: the caller must still be allowed to write notes on the recipient
   * (404 / 403 as a fresh request), and the replayed note is recorded as read.
   */
  async recheckCreate(caller: Caller, recipientId: string, replayed: unknown): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const na = await this.noteAccess(em, caller, recipientId);
      if (!na.notes.writes) throw new AppError('GRANT_SCOPE_MISSING', { message: 'Writing notes needs the notes.write permission' });
      const id = (replayed as { id?: string } | null)?.id;
      await this.auditNote(em, caller, na.access, 'note.read', recipientId, { resourceId: id ?? null, details: { idempotentReplay: true } });
    });
  }

  async update(caller: Caller, recipientId: string, noteId: string, expectedVersion: number, dto: UpdateNoteDto): Promise<NoteJson> {
    return this.dataSource.transaction(async (em) => {
      const { na, row } = await this.findOwn(em, caller, recipientId, noteId);
      if (row.retractedAt) throw new AppError('ALREADY_RETRACTED', { message: 'A retracted note cannot be edited' });
      if (row.version !== expectedVersion) throw versionConflict(row.version);
      const columns: Record<keyof UpdateNoteDto, string> = {
        occurredAt: 'occurred_at',
        contactType: 'contact_type',
        counterpart: 'counterpart',
        title: 'title',
        body: 'body',
        sensitivity: 'sensitivity',
      };
      const params = new SqlParams([noteId, expectedVersion]);
      const sets: string[] = [];
      const changed: string[] = [];
      for (const [field, column] of Object.entries(columns) as [keyof UpdateNoteDto, string][]) {
        const value = dto[field];
        if (value === undefined) continue;
        const current = field === 'occurredAt' ? row.occurredAt.toISOString() : row[field];
        const next = field === 'occurredAt' ? new Date(value as string).toISOString() : value;
        if (current === next) continue;
        sets.push(`${column} = ${params.add(value)}${field === 'occurredAt' ? '::timestamptz' : ''}`);
        changed.push(field);
      }
      if (sets.length === 0) return noteJson(row);
      const updated = await this.writeWithRevision(
        em,
        caller,
        'update',
        `UPDATE case_notes SET ${sets.join(', ')}, version = version + 1,
           updated_at = date_trunc('milliseconds', clock_timestamp())
         WHERE id = $1 AND version = $2`,
        params,
      );
      if (!updated) throw versionConflict(row.version);
      await this.auditNote(em, caller, na.access, 'note.update', recipientId, {
        resourceId: noteId,
        notes: [row, noteJson(updated)],
        details: { fields: changed },
      });
      await this.publish(em, caller, 'note.updated', recipientId, noteId);
      return noteJson(updated);
    });
  }

  async retract(caller: Caller, recipientId: string, noteId: string, reason: string): Promise<NoteJson> {
    return this.dataSource.transaction(async (em) => {
      const { na, row } = await this.findOwn(em, caller, recipientId, noteId);
      if (row.retractedAt) throw new AppError('ALREADY_RETRACTED', { message: 'This note is already retracted' });
      const retracted = (await this.writeWithRevision(
        em,
        caller,
        'retract',
        `UPDATE case_notes SET retracted_at = date_trunc('milliseconds', clock_timestamp()), retracted_by = $2,
           retract_reason = $3, version = version + 1, updated_at = date_trunc('milliseconds', clock_timestamp())
         WHERE id = $1`,
        new SqlParams([noteId, caller.userId, reason]),
        true,
      ))!;
      await this.auditNote(em, caller, na.access, 'note.retract', recipientId, { resourceId: noteId });
      await this.publish(em, caller, 'note.updated', recipientId, noteId);
      return noteJson(retracted);
    });
  }

  /** Live event in the same transaction: only the note id travels; each receiver gets the note if it may read it. */
  private publish(em: EntityManager, caller: Caller, type: 'note.created' | 'note.updated', recipientId: string, noteId: string) {
    return this.live.publish(em, { type, recipientId, actorOrganisationId: caller.organisationId, payload: { noteId } });
  }

  /** A note the caller may read: 404 when it is not there for the caller; 403 when the caller reads no notes at all. */
  private async findVisible(em: EntityManager, caller: Caller, recipientId: string, noteId: string, lock = false) {
    const na = await this.noteAccess(em, caller, recipientId);
    const params = new SqlParams([noteId, recipientId]);
    const [row]: NoteRow[] = await em.query(
      `SELECT ${NOTE_COLUMNS('n')} FROM case_notes n
        WHERE n.id = $1 AND n.recipient_id = $2 AND ${na.notes.sql(NOTE_FACTS, params)}
        ${lock ? 'FOR UPDATE' : ''}`,
      params.values,
    );
    if (!row) {
      // Without notes.read the answer is the same whether the note exists or not: no existence is revealed.
      if (!na.notes.readsShared) throw new AppError('GRANT_SCOPE_MISSING', { message: 'Reading notes needs the notes.read permission' });
      throw noteNotFound();
    }
    return { na, row };
  }

  /** A note the caller wrote and may still change (locked for the change): author and notes.write, else 403. */
  private async findOwn(em: EntityManager, caller: Caller, recipientId: string, noteId: string) {
    const found = await this.findVisible(em, caller, recipientId, noteId, true);
    if (found.row.authorUserId !== caller.userId) {
      throw new AppError('NOT_AUTHOR', { message: "Only the note's author may change it" });
    }
    if (!found.na.notes.writes) throw new AppError('GRANT_SCOPE_MISSING', { message: 'Changing notes needs the notes.write permission' });
    return found;
  }

  /** Listing without notes.read or notes.write is for an organisation that wrote notes here (it reads its own). */
  private async assertWroteAny(em: EntityManager, caller: Caller, recipientId: string): Promise<void> {
    const own = await em.query(`SELECT 1 FROM case_notes WHERE recipient_id = $1 AND author_organisation_id = $2 LIMIT 1`, [
      recipientId,
      caller.organisationId,
    ]);
    if (own.length === 0) throw new AppError('GRANT_SCOPE_MISSING', { message: 'Reading notes needs the notes.read permission' });
  }

  /**
   * One statement for a note's change and the revision it leaves: `change` is the INSERT or UPDATE of case_notes
   * (without RETURNING), and every version the note has is copied as it was written. The note as it is now, or
   * undefined when the change touched no row. `fixed`: the text never changes (create, retract), so it is prepared.
   */
  private async writeWithRevision(
    em: EntityManager,
    caller: Caller,
    kind: 'create' | 'update' | 'retract',
    change: string,
    params: SqlParams,
    fixed = false,
  ): Promise<NoteRow | undefined> {
    const sql = `WITH n AS (${change} RETURNING *),
            v AS (INSERT INTO case_note_revisions (note_id, version, occurred_at, contact_type, counterpart, title, body,
                    sensitivity, retracted_at, retract_reason, written_by, written_by_organisation_id, change)
                  SELECT id, version, occurred_at, contact_type, counterpart, title, body, sensitivity, retracted_at,
                         retract_reason, ${params.add(caller.userId)}::uuid, ${params.add(caller.organisationId)}::uuid, ${params.add(kind)}
                    FROM n)
       SELECT ${NOTE_COLUMNS('n')} FROM n`;
    const rows: NoteRow[] = await em.query(fixed ? prepared(sql) : sql, params.values);
    return rows[0];
  }

  /**
   * The audit event of a note action, in the caller's transaction: the legal basis and grant the access rests on, and
   * the `health` group when a sensitive note (health information) was returned or written.
   */
  private auditNote(
    em: EntityManager,
    caller: Caller,
    access: ResolvedAccess,
    action: AuditActionName,
    recipientId: string,
    event: { resourceId?: string | null; recipientIds?: string[]; notes?: { sensitivity: string }[]; details?: Record<string, unknown> },
  ): Promise<string> {
    const sensitive = event.notes?.some((n) => n.sensitivity === 'sensitive') ?? false;
    return this.audit.record(em, caller, {
      action,
      resourceType: 'note',
      resourceId: event.resourceId,
      recipientId,
      recipientIds: event.recipientIds,
      legalBasis: access.legalBasis ?? undefined,
      grantId: access.grantIds[0] ?? undefined,
      fieldGroups: sensitive ? (['health'] satisfies FieldGroup[]) : undefined,
      details: event.details,
    });
  }
}
