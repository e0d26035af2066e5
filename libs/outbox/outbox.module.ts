import { Global, Module } from '@nestjs/common';
import { LiveOutbox } from './live-outbox.js';

/** The outbox every library that changes recipient data writes to (global: no library imports the live layer). */
@Global()
@Module({ providers: [LiveOutbox], exports: [LiveOutbox] })
export class OutboxModule {}
