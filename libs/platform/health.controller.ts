import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { HealthResponse } from './health.response.js';
import { metricsRegistry } from './metrics.js';
import { Public } from './route-metadata.js';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Public()
  @Get('health')
  @ApiOkResponse({ type: HealthResponse, description: 'the API and its database answer' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'the database is unreachable (status error, db unavailable)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return { status: 'ok', db: 'ok' };
    } catch {
      void reply.status(503);
      return { status: 'error', db: 'unavailable' };
    }
  }

  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
