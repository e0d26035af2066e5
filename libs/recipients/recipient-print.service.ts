import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RecipientPrintJson } from '#libs/contracts/index.js';
import type { Caller } from '#libs/platform/index.js';
import { NotesService } from './notes.service.js';
import { RecipientsService } from './recipients.service.js';

export type { RecipientPrintJson };

/**
 * The printable record (支援経過記録): the recipient and its notes, read and projected by the same services as the
 * screen in one transaction, with one `recipient.print` event in that transaction naming the field groups and
 * note ids that were printed.
 */
@Injectable()
export class RecipientPrintService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recipients: RecipientsService,
    private readonly notes: NotesService,
  ) {}

  print(caller: Caller, id: string): Promise<RecipientPrintJson> {
    return this.dataSource.transaction(async (em) => {
      const { recipient, access } = await this.recipients.readProjected(em, caller, id);
      const notes = await this.notes.readableNotes(em, caller, id);
      const userIds = new Set([caller.userId, ...notes.map((n) => n.authorUserId)]);
      const orgIds = new Set(
        [caller.organisationId, ...notes.map((n) => n.authorOrganisationId), recipient.leadOrganisationId, recipient.careManagerOrganisationId].filter(
          (v): v is string => typeof v === 'string',
        ),
      );
      const [users, organisations, [{ now }]] = await Promise.all([
        em.query(`SELECT id::text AS id, display_name AS name FROM users WHERE id = ANY($1::uuid[])`, [[...userIds]]),
        em.query(`SELECT id::text AS id, name FROM organisations WHERE id = ANY($1::uuid[])`, [[...orgIds]]),
        em.query(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`),
      ]);
      const names = {
        users: Object.fromEntries((users as { id: string; name: string }[]).map((u) => [u.id, u.name])),
        organisations: Object.fromEntries((organisations as { id: string; name: string }[]).map((o) => [o.id, o.name])),
      };
      await this.recipients.recordRead(em, caller, 'recipient.print', id, access, { noteIds: notes.map((n) => n.id) });
      return {
        recipient,
        notes,
        printedAt: now as string,
        printedBy: {
          userId: caller.userId,
          displayName: names.users[caller.userId],
          organisationId: caller.organisationId,
          organisationName: names.organisations[caller.organisationId],
        },
        names,
      };
    });
  }
}
