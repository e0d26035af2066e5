import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { IdentityModule } from '#libs/identity/index.js';
import { LIVE_ACCESS, LIVE_NOTES, type LiveAccessPolicy, type LiveNoteSource } from './live-access.js';
import { LiveOutbox } from './live-outbox.js';
import { LiveGateway } from './live.gateway.js';
import { DEFAULT_LIVE_OPTIONS, LIVE_OPTIONS, type LiveOptions } from './live.options.js';
import { LiveService } from './live.service.js';

export interface LiveModuleOptions {
  /** Answers "what may organisation X read of recipient Y" (the access library). */
  access: Type<LiveAccessPolicy>;
  /** Loads notes for note.* events (the notes library), when there are notes. */
  notes?: Type<LiveNoteSource>;
  options?: Partial<LiveOptions>;
}

/** Live updates: outbox (global, for every library that changes recipient data), sequencer, relay, gateway. */
@Global()
@Module({})
export class LiveModule {
  static forRoot(options: LiveModuleOptions): DynamicModule {
    return {
      module: LiveModule,
      imports: [IdentityModule],
      providers: [
        LiveOutbox,
        LiveService,
        LiveGateway,
        { provide: LIVE_OPTIONS, useValue: { ...DEFAULT_LIVE_OPTIONS, ...options.options } },
        { provide: LIVE_ACCESS, useClass: options.access },
        ...(options.notes ? [{ provide: LIVE_NOTES, useClass: options.notes }] : []),
      ],
      exports: [LiveOutbox, LiveService],
    };
  }
}
