import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { CLOCK, type Clock, systemClock } from './clock.js';
import type { AppConfig } from './config.js';
import { HealthController } from './health.controller.js';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { LOGGER } from './logger.js';
import { APP_CONFIG } from './tokens.js';

/** Configuration, logger, the error filter, health and metrics: what every other module may rely on. */
@Global()
@Module({})
export class PlatformModule {
  /** `clock`: the system clock but in tests that fix the instant. */
  static forRoot(config: AppConfig, logger: Logger, clock: Clock = systemClock): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: clock },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [APP_CONFIG, LOGGER, CLOCK],
    };
  }
}
