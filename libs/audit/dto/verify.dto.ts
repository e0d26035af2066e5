import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { VerifyMode } from '../audit-verifier.js';

const MODES: VerifyMode[] = ['full', 'incremental'];

export class VerifyQueryDto {
  @ApiPropertyOptional({ enum: MODES, default: 'full', description: 'incremental: only what is new since the last checkpoint' })
  @IsOptional()
  @IsIn(MODES)
  mode?: VerifyMode;
}

export class StartVerifyJobDto {
  @ApiPropertyOptional({
    enum: MODES,
    default: 'incremental',
    description: 'incremental (default): from the last checkpoint, falling back to full when there is none or the verified part changed',
  })
  @IsOptional()
  @IsIn(MODES)
  mode?: VerifyMode;
}
