import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ORGANISATION_KINDS, type OrganisationKind } from '#libs/contracts/index.js';
import { IsOptionalNotNull, PageQueryDto } from '#libs/platform/index.js';

export class CreateOrganisationDto {
  @ApiProperty({ example: '三条市 高齢介護課' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) @IsIn(ORGANISATION_KINDS) kind: OrganisationKind;
}

export class UpdateOrganisationDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS }) @IsOptionalNotNull() @IsIn(ORGANISATION_KINDS) kind?: OrganisationKind;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsBoolean() active?: boolean;
}

export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only active (true) or only deactivated (false) organisations; default both' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}
