import { Module } from '@nestjs/common';
import { AccessModule } from '#libs/access/index.js';
import { RecipientLookupController } from './recipient-lookup.controller.js';
import { RecipientLookupService } from './recipient-lookup.service.js';
import { NotesModule } from './notes.module.js';
import { RecipientPrintController } from './recipient-print.controller.js';
import { RecipientPrintService } from './recipient-print.service.js';
import { RecipientsController } from './recipients.controller.js';
import { RecipientsService } from './recipients.service.js';

@Module({
  imports: [AccessModule, NotesModule],
  controllers: [RecipientsController, RecipientLookupController, RecipientPrintController],
  providers: [RecipientsService, RecipientLookupService, RecipientPrintService],
  exports: [RecipientsService],
})
export class RecipientsModule {}
