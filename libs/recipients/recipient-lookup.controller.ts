import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction, type Caller, CurrentUser, Roles } from '#libs/platform/index.js';
import { RecipientLookupQueryDto } from './recipient-lookup.dto.js';
import { RecipientLookupService } from './recipient-lookup.service.js';

/** Auditor look-ups live with the data they look up; the audit library cannot depend on recipients. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit/recipients')
export class RecipientLookupController {
  constructor(private readonly lookups: RecipientLookupService) {}

  @Get()
  @AuditAction('audit.lookup')
  @ApiOperation({ summary: 'Auditors: recipients by case number or name, identity only (id, case number, name, kana)' })
  lookup(@CurrentUser() caller: Caller, @Query() query: RecipientLookupQueryDto) {
    return this.lookups.lookup(caller, query);
  }
}
