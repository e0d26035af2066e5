import { Readable } from 'node:stream';
import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ApiErrors, ApiOkJsonOrCsv, AuditAction, type Caller, CurrentUser, LOGGER, PageOf, Roles, SESSION_ERRORS } from '#libs/platform/index.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditEventResponse, AuditVerifyResponse } from './audit.response.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly log: AuditLogService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @AuditAction('audit.read')
  @ApiOkJsonOrCsv(PageOf(AuditEventResponse), 'a page of events; as CSV every matching event, streamed')
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN')
  async list(
    @CurrentUser() caller: Caller,
    @Query() query: AuditQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const csv = query.format === 'csv' || (query.format === undefined && /(^|,)\s*text\/csv\b/i.test(accept ?? ''));
    if (!csv) {
      await reply.header('content-type', 'application/json; charset=utf-8').send(await this.log.list(caller, query));
      return;
    }
    const rows = await this.log.export(caller, query);
    const stamp = new Date().toISOString().replaceAll(/[:.]/g, '-');
    const body = Readable.from(rows, { objectMode: false });
    body.on('error', (err) => this.logger.error({ err, requestId: caller.requestId }, 'audit export failed mid-stream'));
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-events-${stamp}.csv"`)
      .send(body);
  }

  @Get('verify')
  @AuditAction('audit.verify')
  @ApiOkResponse({ type: AuditVerifyResponse })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN')
  verify(@CurrentUser() caller: Caller) {
    return this.log.verify(caller);
  }
}
