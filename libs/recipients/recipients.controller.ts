import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AuditAction,
  type Caller,
  CurrentUser,
  PageQueryDto,
  Roles,
  UuidPipe,
  withEtag,
  ApiErrors,
  BODY_ERRORS,
  IF_MATCH_ERRORS,
  PageOf,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { Idempotent } from '#libs/idempotency/index.js';
import { RecipientBodyDto, RecipientListQueryDto } from './recipient.dto.js';
import { RecipientsService } from './recipients.service.js';
import { RecipientHistoryEntryResponse, RecipientResponse } from './recipient.response.js';

@ApiTags('recipients')
@ApiBearerAuth()
@Controller('recipients')
@Roles('caseworker', 'org_admin')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get()
  @AuditAction('recipient.list')
  @ApiOperation({ summary: 'Recipients the caller may read, projected per recipient; updatedAt desc or ?sort=kana' })
  @ApiOkResponse({ type: PageOf(RecipientResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN')
  list(@CurrentUser() caller: Caller, @Query() query: RecipientListQueryDto) {
    return this.recipients.list(caller, query);
  }

  @Post()
  @AuditAction('recipient.create')
  // A replay reads the recipient again through the normal read path: access re-checked, projection and audit as a GET.
  @Idempotent({
    recheck: ({ get, caller, replayed }) => get(RecipientsService).get(caller, (replayed as { id: string }).id),
  })
  @ApiOperation({ summary: 'Open a recipient (caseworkers of municipal departments and welfare offices); the org becomes lead' })
  @ApiCreatedResponse({ type: RecipientResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    'ROLE_FORBIDDEN',
    'ORGANISATION_FORBIDDEN',
    'FIELD_NOT_WRITABLE',
    'REFERENCE_NOT_FOUND',
    'CONFLICT_DUPLICATE',
  )
  create(@CurrentUser() caller: Caller, @Body() dto: RecipientBodyDto) {
    return this.recipients.create(caller, dto);
  }

  @Get(':id')
  @AuditAction('recipient.read')
  @ApiOperation({ summary: 'One recipient, projected to the field groups the caller may read; ETag' })
  @ApiOkResponse({ type: RecipientResponse })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN', 'NOT_FOUND')
  async get(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.recipients.get(caller, id));
  }

  @Patch(':id')
  @AuditAction('recipient.update')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
  @ApiOperation({
    summary: 'JSON Merge Patch of writable field groups; leadOrganisationId, caseNumber, openedOn → 403 FIELD_NOT_WRITABLE',
  })
  @ApiOkResponse({ type: RecipientResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    ...IF_MATCH_ERRORS,
    'ROLE_FORBIDDEN',
    'FIELD_NOT_WRITABLE',
    'GRANT_SCOPE_MISSING',
    'NOT_FOUND',
    'REFERENCE_NOT_FOUND',
  )
  async update(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: RecipientBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.recipients.update(caller, id, ifMatch, dto));
  }

  @Get(':id/history')
  @AuditAction('recipient.history_read')
  @ApiOperation({ summary: 'Field-level change history, newest first; changes to unreadable groups are omitted' })
  @ApiOkResponse({ type: PageOf(RecipientHistoryEntryResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'NOT_FOUND')
  history(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Query() query: PageQueryDto) {
    return this.recipients.history(caller, id, query);
  }
}
