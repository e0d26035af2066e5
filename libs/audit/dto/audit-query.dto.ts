import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { AUDIT_OUTCOMES, type AuditOutcome } from '#libs/contracts/index.js';
import { IsIsoDateOrTimestamp, MaxLength, PageQueryDto } from '#libs/platform/index.js';

/** Filters of GET /audit-events. Only their names are ever written into the audit.read / audit.export event. */
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorUserId?: string;
  @ApiPropertyOptional({ description: "the actor's login id (case-insensitive), instead of actorUserId" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorLoginId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the acting organisation' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'events about this recipient, lists that returned it included' })
  @IsOptional()
  @IsUUID()
  recipientId?: string;

  @ApiPropertyOptional({ description: "the recipient's case number, instead of recipientId (lists that returned it included)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  caseNumber?: string;

  @ApiPropertyOptional({ example: 'recipient.read' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/, { message: 'action must look like recipient.read' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: AuditOutcome;
  @ApiPropertyOptional({
    description: 'events at or after: an ISO 8601 timestamp with offset, or a date YYYY-MM-DD meaning 00:00 of that day in Japan time',
  })
  @IsOptional()
  @IsIsoDateOrTimestamp()
  from?: string;

  @ApiPropertyOptional({
    description: 'events before this timestamp (with offset), or up to the end of this date YYYY-MM-DD in Japan time (the whole day included)',
  })
  @IsOptional()
  @IsIsoDateOrTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: same as Accept: text/csv' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'by seq: oldest first (default) or newest first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({
    enum: ['names'],
    description: 'names: add display names, login ids, organisation names and case numbers beside each event (not hashed)',
  })
  @IsOptional()
  @IsIn(['names'])
  expand?: 'names';

  @ApiPropertyOptional({ enum: ['en', 'ja'], description: 'CSV column headings; default from Accept-Language (ja → Japanese), else en' })
  @IsOptional()
  @IsIn(['en', 'ja'])
  headers?: 'en' | 'ja';
}

/** The filter keys, as named in the query string. */
export const AUDIT_FILTERS = [
  'actorUserId',
  'actorLoginId',
  'organisationId',
  'recipientId',
  'caseNumber',
  'action',
  'outcome',
  'from',
  'to',
] as const;
