import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import { Idempotent, type RecheckContext } from '#libs/idempotency/index.js';
import {
  AuditAction,
  type Caller,
  CurrentUser,
  PageQueryDto,
  Roles,
  UuidPipe,
  ApiErrors,
  BODY_ERRORS,
  PageOf,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { CreateConsentDto, CreateGrantDto, GrantRegistryQueryDto, RevokeGrantDto, WithdrawConsentDto } from './access.dto.js';
import { ConsentsService } from './consents.service.js';
import { GrantsService } from './grants.service.js';
import { ConsentResponse, GrantResponse } from './access.response.js';

/**
 * Before a remembered grant or consent creation is replayed: the caller must still be the recipient's lead
 * organisation (404 / 403 as a fresh request), and the replayed record is audited as read.
 */
const leadRecheck =
  (resourceType: 'grant' | 'consent') =>
  ({ get, caller, params, replayed }: RecheckContext) =>
    get(DataSource).transaction(async (em) => {
      await get(GrantsService).requireLead(em, caller, params.id);
      await get(AuditService).record(em, caller, {
        action: `${resourceType}.read`,
        resourceType,
        resourceId: (replayed as { id?: string } | null)?.id ?? null,
        recipientId: params.id,
        legalBasis: 'lead_organisation',
        details: { idempotentReplay: true },
      });
    });

@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get('recipients/:id/grants')
  @Roles('caseworker', 'org_admin')
  @AuditAction('grant.list')
  @ApiOperation({ summary: 'Grants of a recipient: all for the lead organisation, its own for a grantee' })
  @ApiOkResponse({ type: PageOf(GrantResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'NOT_FOUND')
  list(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Query() query: PageQueryDto) {
    return this.grants.listForRecipient(caller, id, query);
  }

  @Post('recipients/:id/grants')
  @Roles('caseworker', 'org_admin')
  @AuditAction('grant.create')
  @Idempotent({ recheck: leadRecheck('grant') })
  @ApiOperation({ summary: 'Grant an organisation access to field groups of a recipient (lead organisation only)' })
  @ApiCreatedResponse({ type: GrantResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    'ROLE_FORBIDDEN',
    'NOT_LEAD_ORGANISATION',
    'NOT_FOUND',
    'REFERENCE_NOT_FOUND',
    'CONSENT_NOT_COVERING',
    'UNPROCESSABLE',
  )
  create(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Body() dto: CreateGrantDto) {
    return this.grants.create(caller, id, dto);
  }

  @Post('recipients/:id/grants/:grantId/revoke')
  @HttpCode(200)
  @Roles('caseworker', 'org_admin')
  @AuditAction('grant.revoke')
  @ApiOperation({ summary: 'Revoke a grant at once (lead organisation only); a revoked grant → 409' })
  @ApiOkResponse({ type: GrantResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'ROLE_FORBIDDEN', 'NOT_LEAD_ORGANISATION', 'NOT_FOUND', 'ALREADY_REVOKED')
  revoke(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) id: string,
    @Param('grantId', UuidPipe) grantId: string,
    @Body() dto: RevokeGrantDto,
  ) {
    return this.grants.revoke(caller, id, grantId, dto);
  }

  @Get('grants')
  @Roles('caseworker', 'org_admin', 'auditor')
  @AuditAction('grant.registry_read')
  @ApiOperation({ summary: 'The grant registry: own organisation’s grants (caseworker, org_admin), all (auditor)' })
  @ApiOkResponse({ type: PageOf(GrantResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'ORGANISATION_FORBIDDEN')
  registry(@CurrentUser() caller: Caller, @Query() query: GrantRegistryQueryDto) {
    return this.grants.registry(caller, query);
  }
}

@ApiTags('consents')
@ApiBearerAuth()
@Controller('recipients/:id/consents')
@Roles('caseworker', 'org_admin')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Get()
  @AuditAction('consent.list')
  @ApiOperation({ summary: 'Consents of a recipient (lead organisation only)' })
  @ApiOkResponse({ type: PageOf(ConsentResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'NOT_LEAD_ORGANISATION', 'NOT_FOUND')
  list(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Query() query: PageQueryDto) {
    return this.consents.list(caller, id, query);
  }

  @Post()
  @AuditAction('consent.create')
  @Idempotent({ recheck: leadRecheck('consent') })
  @ApiOperation({ summary: 'Record a consent (lead organisation only)' })
  @ApiCreatedResponse({ type: ConsentResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'ROLE_FORBIDDEN', 'NOT_LEAD_ORGANISATION', 'NOT_FOUND', 'REFERENCE_NOT_FOUND')
  create(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Body() dto: CreateConsentDto) {
    return this.consents.create(caller, id, dto);
  }

  @Post(':consentId/withdraw')
  @HttpCode(200)
  @AuditAction('consent.withdraw')
  @ApiOperation({ summary: 'Withdraw a consent; every grant based on it is revoked in the same transaction' })
  @ApiOkResponse({ type: ConsentResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'ROLE_FORBIDDEN', 'NOT_LEAD_ORGANISATION', 'NOT_FOUND', 'ALREADY_WITHDRAWN')
  withdraw(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) id: string,
    @Param('consentId', UuidPipe) consentId: string,
    @Body() dto: WithdrawConsentDto,
  ) {
    return this.consents.withdraw(caller, id, consentId, dto);
  }
}
