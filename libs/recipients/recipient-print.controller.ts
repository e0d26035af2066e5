import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction, type Caller, CurrentUser, Roles, UuidPipe } from '#libs/platform/index.js';
import { RecipientPrintService } from './recipient-print.service.js';

@ApiTags('recipients')
@ApiBearerAuth()
@Controller('recipients')
@Roles('caseworker', 'org_admin')
export class RecipientPrintController {
  constructor(private readonly printouts: RecipientPrintService) {}

  @Get(':id/print')
  @AuditAction('recipient.print')
  @ApiOperation({ summary: 'The printable record: the recipient as GET /recipients/:id, its readable notes oldest first, printed by/at' })
  print(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string) {
    return this.printouts.print(caller, id);
  }
}
