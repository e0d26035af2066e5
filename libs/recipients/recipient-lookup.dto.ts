import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '#libs/platform/index.js';

export class RecipientLookupQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'name or kana (as GET /recipients?q=), or an exact case number' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'exact case number (full-width digits and letters match too)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  caseNumber?: string;
}
