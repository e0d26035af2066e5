import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import type { RecipientIdentityJson } from '#libs/contracts/index.js';
import { type Caller, decodeCursor, invalidField, type Page, pageLimit, SqlParams, toPage } from '#libs/platform/index.js';
import type { RecipientLookupQueryDto } from './recipient-lookup.dto.js';
import { nameSearchSql, searchQueryKey } from '#libs/japanese-names/index.js';

export type { RecipientIdentityJson };

/**
 * The auditor's recipient look-up: from a case number or a name to the recipient's identity, so that "who read
 * 山田花子さん's record" can be asked by name. Any recipient, whatever organisation leads it (auditors audit them
 * all), but only the identity columns. Each look-up is an audit event naming the recipients it returned; the
 * search text is not written anywhere.
 */
@Injectable()
export class RecipientLookupService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  lookup(caller: Caller, query: RecipientLookupQueryDto): Promise<Page<RecipientIdentityJson>> {
    if (query.q === undefined && query.caseNumber === undefined) throw invalidField('q', 'searchable', 'Give q or caseNumber');
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, ['text', 'uuid']);
    const params = new SqlParams();
    const where: string[] = [];
    if (query.caseNumber !== undefined) where.push(`r.case_number = ${params.add(query.caseNumber.normalize('NFKC').trim())}`);
    if (query.q !== undefined) {
      const key = searchQueryKey(query.q);
      if (key === '' && query.q.normalize('NFKC').trim() === '') throw invalidField('q', 'searchable', 'q must contain something to search for');
      const caseNumber = `r.case_number = ${params.add(query.q.normalize('NFKC').trim())}`;
      where.push(key === '' ? caseNumber : `(${nameSearchSql('r', key, params)} OR ${caseNumber})`);
    }
    if (after) where.push(`(r.case_number, r.id) > (${params.add(after[0])}, ${params.add(after[1])}::uuid)`);
    return this.dataSource.transaction(async (em) => {
      const rows: RecipientIdentityJson[] = await em.query(
        `SELECT r.id::text AS id, r.case_number AS "caseNumber", r.family_name AS "familyName", r.given_name AS "givenName",
                r.family_name_kana AS "familyNameKana", r.given_name_kana AS "givenNameKana"
           FROM recipients r WHERE ${where.join(' AND ')}
          ORDER BY r.case_number, r.id LIMIT ${limit + 1}`,
        params.values,
      );
      const page = toPage(rows, limit, (r) => [r.caseNumber, r.id], (r) => r);
      await this.audit.record(em, caller, {
        action: 'audit.lookup',
        resourceType: 'recipient',
        recipientIds: page.items.map((r) => r.id),
        details: { by: [...(query.q !== undefined ? ['q'] : []), ...(query.caseNumber !== undefined ? ['caseNumber'] : [])], count: page.items.length },
      });
      return page;
    });
  }
}
