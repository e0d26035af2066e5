import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { ROLES, type Role } from '#libs/contracts/index.js';
import { IsOptionalNotNull, MaxLength, MinLength, PageQueryDto } from '#libs/platform/index.js';

export class CreateUserDto {
  @ApiProperty({ example: 'sato.kaigo', pattern: '^[A-Za-z0-9._@-]{3,64}$' })
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{3,64}$/, { message: 'loginId must be 3 to 64 letters, digits or . _ @ -' })
  loginId: string;

  @ApiProperty({ example: '佐藤 花子' }) @IsString() @MinLength(1) @MaxLength(100) displayName: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() organisationId: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;
  @ApiProperty({ minLength: 12 }) @IsString() @MaxLength(1024) password: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(100) displayName?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptionalNotNull() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ format: 'uuid', description: 'system_admin only: moves the user to another organisation' })
  @IsOptionalNotNull()
  @IsUUID()
  organisationId?: string;
  @ApiPropertyOptional({ description: 'false ends every session and live connection of the user at once' })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'an administrator resets the password; the user\'s sessions end' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}
