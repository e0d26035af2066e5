import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from 'pino';
import { CLOCK, type Clock, systemClock } from './clock.js';
import type { AppConfig } from './config.js';
import { HealthController } from './health.controller.js';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { InputCharactersInterceptor } from './input-edge.js';
import { LOGGER } from './logger.js';
import { APP_CONFIG } from './tokens.js';

/** Configuration, logger, the error filter, the input edge, health and metrics: what every other module may rely on. */
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
        // First of the interceptors (this module is imported first): nothing unstorable reaches idempotency or a handler.
        { provide: APP_INTERCEPTOR, useClass: InputCharactersInterceptor },
      ],
      exports: [APP_CONFIG, LOGGER, CLOCK],
    };
  }
}
