import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FIELD_GROUPS, type FieldGroup, GRANT_PERMISSIONS, type GrantPermission } from '#libs/contracts/index.js';
import { activeGrantSql } from '#libs/access/recipient-ability.js';
import { type LiveAccessPolicy, type LivePair, type LiveReadAccess, pairKey } from './live-access.js';

const ACTIVE = activeGrantSql('g');

/**
 * Access as shared/API.md defines it (lead organisation: everything; otherwise the union of the active grants),
 * answered for a whole batch of (organisation, recipient) pairs in one query over the recipients and grants tables.
 * The validity test is the same SQL every REST access query carries, so live and REST agree at every moment.
 */
@Injectable()
export class GrantAccessPolicy implements LiveAccessPolicy {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async readAccess(pairs: readonly LivePair[]): Promise<Map<string, LiveReadAccess | null>> {
    const answers = new Map<string, LiveReadAccess | null>();
    if (pairs.length === 0) return answers;
    const rows: {
      organisation_id: string;
      recipient_id: string;
      lead: boolean;
      field_groups: FieldGroup[] | null;
      permissions: GrantPermission[] | null;
      changes_at: Date | null;
      legal_basis: string | null;
    }[] = await this.dataSource.query(
      `SELECT p.organisation_id, p.recipient_id, r.lead_organisation_id = p.organisation_id AS lead,
              a.field_groups, a.permissions, a.changes_at, a.legal_basis
         FROM unnest($1::uuid[], $2::uuid[]) AS p(organisation_id, recipient_id)
         JOIN recipients r ON r.id = p.recipient_id
         LEFT JOIN LATERAL (
           SELECT array_agg(DISTINCT fg) AS field_groups,
                  array_agg(DISTINCT pm) FILTER (WHERE pm IS NOT NULL) AS permissions,
                  min(g.valid_until) AS changes_at,
                  string_agg(DISTINCT g.legal_basis, ',') AS legal_basis
             FROM grants g
             CROSS JOIN LATERAL unnest(g.field_groups) fg
             LEFT JOIN LATERAL unnest(g.permissions) pm ON true
            WHERE g.recipient_id = p.recipient_id AND g.grantee_organisation_id = p.organisation_id AND ${ACTIVE}
         ) a ON true`,
      [pairs.map((p) => p.organisationId), pairs.map((p) => p.recipientId)],
    );
    for (const row of rows) {
      const key = pairKey(row.organisation_id, row.recipient_id);
      if (row.lead) {
        answers.set(key, { lead: true, fieldGroups: FIELD_GROUPS, permissions: GRANT_PERMISSIONS, changesAt: null, legalBasis: 'lead_organisation' });
      } else if (row.field_groups && row.field_groups.length > 0) {
        answers.set(key, {
          lead: false,
          fieldGroups: FIELD_GROUPS.filter((g) => row.field_groups!.includes(g)),
          permissions: GRANT_PERMISSIONS.filter((p) => row.permissions?.includes(p)),
          changesAt: row.changes_at,
          legalBasis: row.legal_basis,
        });
      } else {
        answers.set(key, null);
      }
    }
    return answers;
  }
}
