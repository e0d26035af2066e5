import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { AppError } from './app-error.js';
import type { AppConfig } from './config.js';
import { HealthResponse } from './health.response.js';
import { metricsRegistry } from './metrics.js';
import { Public } from './route-metadata.js';
import { APP_CONFIG } from './tokens.js';

/** Compares in constant time, so that the token cannot be guessed byte by byte from response times. */
function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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

  /**
   * Route patterns, timings and process figures are for the operator's scraper only: served with METRICS_TOKEN as a
   * bearer token, and not at all (404, as an unknown route) when no token is configured.
   */
  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('content-type', metricsRegistry.contentType)
  metrics(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const expected = this.config.metricsToken;
    if (!expected) throw new AppError('ROUTE_NOT_FOUND', { message: 'No route GET /metrics' });
    const sent = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!sent || !sameToken(sent, expected)) throw new AppError('UNAUTHENTICATED', { message: 'GET /metrics needs the metrics bearer token' });
    return metricsRegistry.metrics();
  }
}
