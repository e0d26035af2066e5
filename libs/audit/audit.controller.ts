import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { AuditAction, type Caller, CurrentUser, LOGGER, Roles, UuidPipe } from '#libs/platform/index.js';
import { csvLanguage } from './audit-csv.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditVerifyJobs } from './audit-verify-jobs.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';
import { StartVerifyJobDto, VerifyQueryDto } from './dto/verify.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly log: AuditLogService,
    private readonly jobs: AuditVerifyJobs,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @AuditAction('audit.read')
  @ApiProduces('application/json', 'text/csv')
  async list(
    @CurrentUser() caller: Caller,
    @Query() query: AuditQueryDto,
    @Headers('accept') accept: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const csv = query.format === 'csv' || (query.format === undefined && /(^|,)\s*text\/csv\b/i.test(accept ?? ''));
    if (!csv) {
      await reply.header('content-type', 'application/json; charset=utf-8').send(await this.log.list(caller, query));
      return;
    }
    const rows = await this.log.export(caller, query, csvLanguage(query.headers, acceptLanguage));
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
  @ApiOperation({ summary: 'Recompute the chain in this request (full by default); long chains: use verify-jobs' })
  verify(@CurrentUser() caller: Caller, @Query() query: VerifyQueryDto) {
    return this.log.verify(caller, query.mode);
  }

  @Post('verify-jobs')
  @HttpCode(202)
  @AuditAction('audit.verify')
  @ApiOperation({ summary: 'Start a verification in the background (or get the one running); poll GET verify-jobs/:id' })
  startVerify(@CurrentUser() caller: Caller, @Body() dto: StartVerifyJobDto) {
    return this.jobs.start(caller, dto.mode ?? 'incremental');
  }

  @Get('verify-jobs/:jobId')
  @AuditAction('audit.verify')
  @ApiOperation({ summary: 'Progress and result of a verification' })
  verifyJob(@Param('jobId', UuidPipe) jobId: string) {
    return this.jobs.get(jobId);
  }
}
