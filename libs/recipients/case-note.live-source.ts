import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LiveNote, LiveNoteSource } from '#libs/live/index.js';
import { NOTE_COLUMNS, noteJson, type NoteRow } from './note.entity.js';

/**
 * The notes library as the live layer's note source: loads notes for note.* events at delivery time, the note as it
 * is now, in the JSON that GET returns.
 */
@Injectable()
export class CaseNoteLiveSource implements LiveNoteSource {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async notesById(ids: readonly string[]): Promise<Map<string, LiveNote>> {
    const rows: NoteRow[] = await this.dataSource.query(
      `SELECT ${NOTE_COLUMNS('n')} FROM case_notes n WHERE n.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        { json: noteJson(row) as unknown as Record<string, unknown>, sensitivity: row.sensitivity, authorOrganisationId: row.authorOrganisationId },
      ]),
    );
  }
}
