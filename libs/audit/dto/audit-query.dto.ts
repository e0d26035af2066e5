import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { AUDIT_OUTCOMES, type AuditOutcome } from '#libs/contracts/index.js';
import { IsIsoDateOrTimestamp, PageQueryDto } from '#libs/platform/index.js';

/** Filters of GET /audit-events. Only their names are ever written into the audit.read / audit.export event. */
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorUserId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the acting organisation' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'events about this recipient, lists that returned it included' })
  @IsOptional()
  @IsUUID()
  recipientId?: string;

  @ApiPropertyOptional({ example: 'recipient.read' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/, { message: 'action must look like recipient.read' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: AuditOutcome;
  @ApiPropertyOptional({ description: 'events at or after this instant (ISO 8601 with offset; a date means 00:00 Japan time)' })
  @IsOptional()
  @IsIsoDateOrTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'events before this instant (ISO 8601 with offset; a date means 00:00 Japan time)' })
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
}

/** The filter keys, as named in the query string. */
export const AUDIT_FILTERS = ['actorUserId', 'organisationId', 'recipientId', 'action', 'outcome', 'from', 'to'] as const;
