import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { HealthController } from './health.controller.js';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { LOGGER } from './logger.js';
import { APP_CONFIG } from './tokens.js';

/** Configuration, logger, the error filter, health and metrics: what every other module may rely on. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [APP_CONFIG, LOGGER],
    };
  }
}
