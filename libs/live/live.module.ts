import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { AccessModule } from '#libs/access/index.js';
import { IdentityModule } from '#libs/identity/index.js';
import { LIVE_NOTES, type LiveNoteSource } from './live-access.js';
import { LiveGateway } from './live.gateway.js';
import { DEFAULT_LIVE_OPTIONS, LIVE_OPTIONS, type LiveOptions } from './live.options.js';
import { LiveService } from './live.service.js';

export interface LiveModuleOptions {
  /** Loads notes for note.* events (the notes library), when there are notes. */
  notes?: Type<LiveNoteSource>;
  options?: Partial<LiveOptions>;
}

/** Live updates: sequencer, relay, gateway (the outbox they read is libs/outbox). */
@Global()
@Module({})
export class LiveModule {
  static forRoot(options: LiveModuleOptions): DynamicModule {
    return {
      module: LiveModule,
      imports: [IdentityModule, AccessModule],
      providers: [
        LiveService,
        LiveGateway,
        { provide: LIVE_OPTIONS, useValue: { ...DEFAULT_LIVE_OPTIONS, ...options.options } },
        ...(options.notes ? [{ provide: LIVE_NOTES, useClass: options.notes }] : []),
      ],
      exports: [LiveService],
    };
  }
}
