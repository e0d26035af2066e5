import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MaxLength, MinLength } from '#libs/platform/index.js';

export class LoginDto {
  @ApiProperty({ example: 'kaigo.cw' }) @IsString() @MinLength(1) @MaxLength(100) loginId: string;
  @ApiProperty({ example: 'correct horse battery' }) @IsString() @MinLength(1) @MaxLength(1024) password: string;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'required unless the browser session cookie is used (X-Session-Transport: cookie)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(1024) currentPassword: string;
  @ApiProperty({ minLength: 12 }) @IsString() @MinLength(1) @MaxLength(1024) newPassword: string;
}
