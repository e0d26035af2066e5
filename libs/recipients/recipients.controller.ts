import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditAction, type Caller, CurrentUser, PageQueryDto, Roles, UuidPipe, withEtag } from '#libs/platform/index.js';
import { Idempotent } from '#libs/idempotency/index.js';
import { RecipientBodyDto, RecipientListQueryDto } from './recipient.dto.js';
import { RecipientsService } from './recipients.service.js';

@ApiTags('recipients')
@ApiBearerAuth()
@Controller('recipients')
@Roles('caseworker', 'org_admin')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get()
  @AuditAction('recipient.list')
  @ApiOperation({ summary: 'Recipients the caller may read, projected per recipient; updatedAt desc or ?sort=kana' })
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
  create(@CurrentUser() caller: Caller, @Body() dto: RecipientBodyDto) {
    return this.recipients.create(caller, dto);
  }

  @Get(':id')
  @AuditAction('recipient.read')
  @ApiOperation({ summary: 'One recipient, projected to the field groups the caller may read; ETag' })
  async get(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.recipients.get(caller, id));
  }

  @Patch(':id')
  @AuditAction('recipient.update')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
  @ApiOperation({
    summary: 'JSON Merge Patch of writable field groups; leadOrganisationId, caseNumber, openedOn → 403 FIELD_NOT_WRITABLE',
  })
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
  history(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Query() query: PageQueryDto) {
    return this.recipients.history(caller, id, query);
  }
}
