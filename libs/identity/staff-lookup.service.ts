import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import type { StaffIdentityJson } from '#libs/contracts/index.js';
import { type Caller, decodeCursor, invalidField, type Page, PageQueryDto, pageLimit, SqlParams, toPage } from '#libs/platform/index.js';

export class StaffLookupQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'part of a login id (any case) or of a display name (any width, spaces ignored)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'exact login id (any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  loginId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organisationId?: string;
}

export type { StaffIdentityJson };

/** Display names are typed freely: compared after NFKC (full and half width alike), without spaces. */
const fold = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * The auditor's staff look-up (for the person filter of the audit screen): staff identities are what an audit
 * names, so an auditor may find any user by login id or name, in any organisation. Each look-up is an audit event
 * with the user ids returned; the search text is not written anywhere.
 */
@Injectable()
export class StaffLookupService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  lookup(caller: Caller, query: StaffLookupQueryDto): Promise<Page<StaffIdentityJson>> {
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, ['text', 'uuid']);
    const params = new SqlParams();
    const where: string[] = ['true'];
    if (query.q !== undefined) {
      const q = fold(query.q);
      if (q === '') throw invalidField('q', 'searchable', 'q must contain something to search for');
      const p = params.add(q);
      where.push(`(strpos(lower(u.login_id), ${p}) > 0
                   OR strpos(lower(regexp_replace(normalize(u.display_name, NFKC), '\\s', '', 'g')), ${p}) > 0)`);
    }
    if (query.loginId !== undefined) where.push(`lower(u.login_id) = lower(${params.add(query.loginId.trim())})`);
    if (query.organisationId) where.push(`u.organisation_id = ${params.add(query.organisationId)}::uuid`);
    if (after) where.push(`(lower(u.login_id), u.id::text) > (${params.add(after[0])}, ${params.add(after[1])})`);
    return this.dataSource.transaction(async (em) => {
      const rows: (StaffIdentityJson & { key: string })[] = await em.query(
        `SELECT u.id::text AS id, u.login_id AS "loginId", u.display_name AS "displayName",
                u.organisation_id::text AS "organisationId", o.name AS "organisationName", u.role, u.active,
                lower(u.login_id) AS key
           FROM users u JOIN organisations o ON o.id = u.organisation_id
          WHERE ${where.join(' AND ')}
          ORDER BY lower(u.login_id), u.id::text LIMIT ${limit + 1}`,
        params.values,
      );
      const page = toPage(rows, limit, (r) => [r.key, r.id], ({ key: _key, ...user }) => user);
      await this.audit.record(em, caller, {
        action: 'audit.lookup',
        resourceType: 'user',
        details: {
          by: (['q', 'loginId', 'organisationId'] as const).filter((name) => query[name] !== undefined),
          count: page.items.length,
          userIds: page.items.map((u) => u.id),
        },
      });
      return page;
    });
  }
}
