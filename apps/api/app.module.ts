import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AccessModule, RecipientRules } from '#libs/access/index.js';
import { AuditModule } from '#libs/audit/index.js';
import { dataSourceOptions } from '#libs/database/index.js';
import { IdempotencyModule } from '#libs/idempotency/index.js';
import { IdentityModule, IdentityRules } from '#libs/identity/index.js';
import { LiveModule, type LiveOptions } from '#libs/live/index.js';
import { CaseNoteLiveSource, NotesModule, RecipientsModule } from '#libs/recipients/index.js';
import { OutboxModule } from '#libs/outbox/index.js';
import { type AppConfig, type Clock, PlatformModule, RULES_CONTRIBUTORS, type RulesContributor } from '#libs/platform/index.js';

/** Composition only: each library is one module and one vertical slice. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, live?: Partial<LiveOptions>, clock?: Clock): DynamicModule {
    if (!config.databaseUrl) throw new Error('AppModule needs a database URL (the embedded database sets one)');
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot(config, logger, clock),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
        AuditModule,
        OutboxModule,
        IdempotencyModule,
        IdentityModule,
        AccessModule,
        RecipientsModule,
        NotesModule,
        LiveModule.forRoot({ notes: CaseNoteLiveSource, options: live }),
      ],
      providers: [
        {
          provide: RULES_CONTRIBUTORS,
          useFactory: (...contributors: RulesContributor[]) => contributors,
          inject: [IdentityRules, RecipientRules],
        },
      ],
      exports: [RULES_CONTRIBUTORS],
    };
  }
}
