import { ApiProperty } from '@nestjs/swagger';

/** GET /health: 200 with ok/ok, 503 with error/unavailable while the database cannot be reached. */
export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] }) status: 'ok' | 'error';
  @ApiProperty({ enum: ['ok', 'unavailable'] }) db: 'ok' | 'unavailable';
}
