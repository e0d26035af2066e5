import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  ValidateIf,
} from 'class-validator';
import {
  CONSENT_METHODS,
  CONSENT_SIGNATORIES,
  FIELD_GROUPS,
  type FieldGroup,
  GRANT_PERMISSIONS,
  type GrantPermission,
  LEGAL_BASES,
  type LegalBasis,
} from '#libs/contracts/index.js';
import { IsIsoDate, IsIsoTimestamp, JstDayAsInstant, Length, MaxLength, PageQueryDto } from '#libs/platform/index.js';


export class CreateGrantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  granteeOrganisationId: string;

  @ApiProperty({ enum: FIELD_GROUPS, isArray: true, description: 'must include basic' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(FIELD_GROUPS, { each: true })
  fieldGroups: FieldGroup[];

  @ApiPropertyOptional({ enum: GRANT_PERMISSIONS, isArray: true, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(GRANT_PERMISSIONS, { each: true })
  permissions?: GrantPermission[];

  @ApiProperty({ enum: LEGAL_BASES })
  @IsIn(LEGAL_BASES)
  legalBasis: LegalBasis;

  @ApiPropertyOptional({ format: 'uuid', description: 'required with legalBasis consent' })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({ description: 'required for every basis but consent: meeting date, contract number, article' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  basisReference?: string;

  @ApiPropertyOptional({ description: 'defaults to now' })
  @IsOptional()
  @IsIsoTimestamp()
  validFrom?: string;

  @ApiPropertyOptional({
    description: 'required for vital_interest (≤ 72 h after validFrom); a bare date YYYY-MM-DD means until the end of that day in Japan time',
  })
  @IsOptional()
  @JstDayAsInstant('end')
  @IsIsoTimestamp()
  validUntil?: string;
}

export class RevokeGrantDto {
  @ApiProperty()
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class GrantRegistryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  granteeOrganisationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  recipientId?: string;
}

export class CreateConsentDto {
  @ApiProperty({ type: String, format: 'uuid', isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  organisationIds: string[];

  @ApiProperty({ enum: FIELD_GROUPS, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(FIELD_GROUPS, { each: true })
  fieldGroups: FieldGroup[];

  @ApiProperty()
  @IsString()
  @Length(1, 2000)
  purpose: string;

  @ApiProperty({ example: '2026-11-20' })
  @IsIsoDate()
  obtainedOn: string;

  @ApiPropertyOptional({ description: 'who obtained it; defaults to the calling user' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  obtainedBy?: string;

  @ApiProperty({ enum: CONSENT_METHODS })
  @IsIn(CONSENT_METHODS)
  method: (typeof CONSENT_METHODS)[number];

  @ApiProperty({ enum: CONSENT_SIGNATORIES })
  @IsIn(CONSENT_SIGNATORIES)
  signatory: (typeof CONSENT_SIGNATORIES)[number];

  @ApiPropertyOptional({ description: 'required when signatory is proxy' })
  @ValidateIf((o: CreateConsentDto) => o.signatory === 'proxy' || o.proxyRelationship !== undefined)
  @IsString()
  @Length(1, 200)
  proxyRelationship?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  documentReference?: string;

  @ApiPropertyOptional({ description: 'a timestamp with offset, or a bare date YYYY-MM-DD: until the end of that day in Japan time' })
  @IsOptional()
  @JstDayAsInstant('end')
  @IsIsoTimestamp()
  validUntil?: string;
}

export class WithdrawConsentDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}
