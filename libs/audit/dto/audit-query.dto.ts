import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateBy } from 'class-validator';
import { AUDIT_OUTCOMES, type AuditOutcome } from '#libs/contracts/index.js';
import { isBareDate, PageQueryDto } from '#libs/platform/index.js';

/** An instant with its offset (`Z` or `±hh:mm`): without one the same text means different instants on different servers. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** `from`/`to`: a bare date (an Asia/Tokyo day) or an ISO 8601 instant with offset; anything else is a 400. */
export const isAuditTimeBound = (value: unknown): boolean =>
  typeof value === 'string' &&
  (isBareDate(value) || (INSTANT.test(value) && isBareDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value))));

const IsAuditTimeBound = () =>
  ValidateBy({
    name: 'isAuditTimeBound',
    validator: {
      validate: isAuditTimeBound,
      defaultMessage: (args) => `${args?.property} must be a date (YYYY-MM-DD, a day in Japan time) or an ISO 8601 timestamp with offset`,
    },
  });

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
  @IsAuditTimeBound()
  from?: string;

  @ApiPropertyOptional({
    description: 'events before this timestamp (with offset), or up to the end of this date YYYY-MM-DD in Japan time (the whole day included)',
  })
  @IsOptional()
  @IsAuditTimeBound()
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
