import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import {
  CARE_LEVELS,
  CERTIFICATE_TYPES,
  DEMENTIA_INDEPENDENCE,
  DISABILITY_SUPPORT_CATEGORIES,
  PUBLIC_ASSISTANCE,
  RECIPIENT_STATUSES,
  SEXES,
  SUPPORT_CATEGORIES,
} from '#libs/contracts/index.js';
import { IsIsoDate, IsOptionalNotNull, Length, MaxLength, PageQueryDto } from '#libs/platform/index.js';


export class EmergencyContactDto {
  @ApiProperty({ example: '山田 一郎' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '長男' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  relationship?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  phone?: string | null;

  @ApiPropertyOptional({ description: 'キーパーソン' })
  @IsOptional()
  @IsBoolean()
  isKeyPerson?: boolean;
}

export class DisabilityCertificateDto {
  @ApiProperty({ enum: CERTIFICATE_TYPES })
  @IsIn(CERTIFICATE_TYPES)
  type: (typeof CERTIFICATE_TYPES)[number];

  @ApiProperty({ description: 'physical: 1…7, intellectual: A or B, mental: 1…3', example: '2' })
  @IsString()
  @Length(1, 2)
  grade: string;
}

/**
 * The recipient body of POST (familyName and givenName required there) and of PATCH (JSON Merge Patch: an absent key
 * is unchanged, null clears, arrays are replaced whole). leadOrganisationId, caseNumber and openedOn are accepted by
 * the schema so that a PATCH naming them gets 403 FIELD_NOT_WRITABLE rather than a generic 400.
 */
export class RecipientBodyDto {
  // basic
  @ApiPropertyOptional({ description: 'assigned when not given (POST only)' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 50)
  caseNumber?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 100)
  familyName?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 100)
  givenName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  familyNameKana?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  givenNameKana?: string | null;

  @ApiPropertyOptional({ example: '1948-04-01' })
  @IsOptional()
  @IsIsoDate()
  birthDate?: string | null;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptionalNotNull()
  @IsIn(SEXES)
  sex?: (typeof SEXES)[number];

  @ApiPropertyOptional({ enum: RECIPIENT_STATUSES })
  @IsOptionalNotNull()
  @IsIn(RECIPIENT_STATUSES)
  status?: (typeof RECIPIENT_STATUSES)[number];

  @ApiPropertyOptional({ enum: SUPPORT_CATEGORIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(SUPPORT_CATEGORIES, { each: true })
  supportCategories?: (typeof SUPPORT_CATEGORIES)[number][] | null;

  @ApiPropertyOptional({ description: 'not writable: set to the creating organisation' })
  @IsOptional()
  leadOrganisationId?: unknown;

  @ApiPropertyOptional({ description: 'defaults to today (POST only)' })
  @IsOptionalNotNull()
  @IsIsoDate()
  openedOn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIsoDate()
  closedOn?: string | null;

  // contact
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10)
  postalCode?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(30)
  phone?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: [EmergencyContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => EmergencyContactDto)
  emergencyContacts?: EmergencyContactDto[] | null;

  // care
  @ApiPropertyOptional({ enum: CARE_LEVELS })
  @IsOptional()
  @IsIn(CARE_LEVELS)
  careLevel?: (typeof CARE_LEVELS)[number] | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  careManagerOrganisationId?: string | null;

  @ApiPropertyOptional({ enum: DEMENTIA_INDEPENDENCE })
  @IsOptional()
  @IsIn(DEMENTIA_INDEPENDENCE)
  dementiaIndependence?: (typeof DEMENTIA_INDEPENDENCE)[number] | null;

  // disability
  @ApiPropertyOptional({ type: [DisabilityCertificateDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => DisabilityCertificateDto)
  disabilityCertificates?: DisabilityCertificateDto[] | null;

  @ApiPropertyOptional({ enum: DISABILITY_SUPPORT_CATEGORIES })
  @IsOptional()
  @IsIn(DISABILITY_SUPPORT_CATEGORIES)
  disabilitySupportCategory?: (typeof DISABILITY_SUPPORT_CATEGORIES)[number] | null;

  // assistance
  @ApiPropertyOptional({ enum: PUBLIC_ASSISTANCE })
  @IsOptional()
  @IsIn(PUBLIC_ASSISTANCE)
  publicAssistance?: (typeof PUBLIC_ASSISTANCE)[number] | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  assistanceCaseworker?: string | null;

  // health
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  healthNotes?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  primaryPhysician?: string | null;
}

export class RecipientListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'name or kana' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: RECIPIENT_STATUSES })
  @IsOptional()
  @IsIn(RECIPIENT_STATUSES)
  status?: (typeof RECIPIENT_STATUSES)[number];

  @ApiPropertyOptional({ enum: SUPPORT_CATEGORIES })
  @IsOptional()
  @IsIn(SUPPORT_CATEGORIES)
  category?: (typeof SUPPORT_CATEGORIES)[number];

  @ApiPropertyOptional({ enum: ['updated', 'kana'], default: 'updated' })
  @IsOptional()
  @IsIn(['updated', 'kana'])
  sort?: 'updated' | 'kana';
}
