import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, ValidateIf } from 'class-validator';
import { CONTACT_TYPES, type ContactType, NOTE_SENSITIVITIES, type NoteSensitivity } from '#libs/contracts/index.js';
import { IsIsoDateOrTimestamp, IsIsoTimestamp, IsOptionalNotNull, MaxLength, MinLength, PageQueryDto } from '#libs/platform/index.js';

export const NOTE_BODY_MAX = 20_000;
export const NOTE_TITLE_MAX = 200;
export const NOTE_COUNTERPART_MAX = 200;
export const RETRACT_REASON_MAX = 1_000;


export class CreateNoteDto {
  @ApiProperty({ example: '2026-11-20T10:30:00+09:00' }) @IsIsoTimestamp() occurredAt: string;
  @ApiProperty({ enum: CONTACT_TYPES }) @IsIn(CONTACT_TYPES) contactType: ContactType;
  @ApiPropertyOptional({ example: '本人、長女' })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE_COUNTERPART_MAX)
  counterpart?: string | null;
  @ApiPropertyOptional({ example: '定期訪問' }) @IsOptional() @IsString() @MaxLength(NOTE_TITLE_MAX) title?: string | null;
  @ApiProperty({ example: '自宅を訪問。食事は取れている様子。' }) @IsString() @MinLength(1) @MaxLength(NOTE_BODY_MAX) body: string;
  @ApiProperty({ enum: NOTE_SENSITIVITIES }) @IsIn(NOTE_SENSITIVITIES) sensitivity: NoteSensitivity;
}

/** JSON Merge Patch of a note: `counterpart` and `title` may be cleared with null, the rest may not. */
export class UpdateNoteDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsIsoTimestamp() occurredAt?: string;
  @ApiPropertyOptional({ enum: CONTACT_TYPES }) @IsOptionalNotNull() @IsIn(CONTACT_TYPES) contactType?: ContactType;
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(NOTE_COUNTERPART_MAX)
  counterpart?: string | null;
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(NOTE_TITLE_MAX)
  title?: string | null;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(NOTE_BODY_MAX) body?: string;
  @ApiPropertyOptional({ enum: NOTE_SENSITIVITIES }) @IsOptionalNotNull() @IsIn(NOTE_SENSITIVITIES) sensitivity?: NoteSensitivity;
}

export class RetractNoteDto {
  @ApiProperty({ example: '別の対象者の記録と取り違えたため' }) @IsString() @MinLength(1) @MaxLength(RETRACT_REASON_MAX) reason: string;
}

export class ListNotesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CONTACT_TYPES }) @IsOptional() @IsIn(CONTACT_TYPES) contactType?: ContactType;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() authorOrganisationId?: string;
  @ApiPropertyOptional({ description: 'occurredAt ≥ from; a bare date means 00:00 Japan time that day' })
  @IsOptional()
  @IsIsoDateOrTimestamp()
  from?: string;
  @ApiPropertyOptional({ description: 'occurredAt ≤ to; a bare date includes that whole day (Japan time)' })
  @IsOptional()
  @IsIsoDateOrTimestamp()
  to?: string;
  @ApiPropertyOptional({ description: 'also list retracted notes' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeRetracted?: boolean;
}

export class NotesPageQueryDto extends PageQueryDto {}
