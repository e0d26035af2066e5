import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AuditAction, type Caller, CurrentUser, PageOf, SESSION_ERRORS, Roles } from '#libs/platform/index.js';
import { StaffIdentityResponse } from './identity.response.js';
import { StaffLookupQueryDto, StaffLookupService } from './staff-lookup.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit/users')
export class StaffLookupController {
  constructor(private readonly staff: StaffLookupService) {}

  @Get()
  @AuditAction('audit.lookup')
  @ApiOperation({ summary: 'Auditors: staff by login id or name (login id, display name, organisation, role, active)' })
  @ApiOkResponse({ type: PageOf(StaffIdentityResponse) })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN', 'VALIDATION_FAILED', 'INVALID_CURSOR')
  lookup(@CurrentUser() caller: Caller, @Query() query: StaffLookupQueryDto) {
    return this.staff.lookup(caller, query);
  }
}
