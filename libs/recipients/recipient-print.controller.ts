import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AuditAction, type Caller, CurrentUser, SESSION_ERRORS, Roles, UuidPipe } from '#libs/platform/index.js';
import { RecipientPrintResponse } from './recipient.response.js';
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
  @ApiOkResponse({ type: RecipientPrintResponse })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN', 'NOT_FOUND')
  print(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string) {
    return this.printouts.print(caller, id);
  }
}
