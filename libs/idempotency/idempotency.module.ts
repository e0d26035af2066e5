import { Global, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { installAmbientTransactions } from './ambient-transaction.js';
import { IDEMPOTENCY_TTL, IdempotencyInterceptor } from './idempotency.interceptor.js';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Idempotency-Key for every route marked @Idempotent; expired keys are swept hourly. */
@Global()
@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }] })
export class IdempotencyModule implements OnModuleInit, OnModuleDestroy {
  private sweeper?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    installAmbientTransactions(this.dataSource);
    this.sweeper = setInterval(() => {
      this.dataSource
        .query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '${IDEMPOTENCY_TTL}'`)
        .catch(() => undefined);
    }, SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
