import { Module } from '@nestjs/common';
import { ConsentsController, GrantsController } from './access.controller.js';
import { RecipientRules } from './access-rules.js';
import { AccessService } from './access.service.js';
import { ConsentsService } from './consents.service.js';
import { GrantsService } from './grants.service.js';

@Module({
  controllers: [GrantsController, ConsentsController],
  providers: [AccessService, GrantsService, ConsentsService, RecipientRules],
  exports: [AccessService, GrantsService, RecipientRules],
})
export class AccessModule {}
