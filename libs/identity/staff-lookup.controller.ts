import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction, type Caller, CurrentUser, Roles } from '#libs/platform/index.js';
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
  lookup(@CurrentUser() caller: Caller, @Query() query: StaffLookupQueryDto) {
    return this.staff.lookup(caller, query);
  }
}
