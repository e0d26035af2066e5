import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DENIAL_RECORDER } from '#libs/platform/index.js';
import { AuditCommitInterceptor } from './audit-context.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditController } from './audit.controller.js';
import { AuditVerifier } from './audit-verifier.js';
import { AuditVerifyJobs } from './audit-verify-jobs.service.js';
import { AuditService } from './audit.service.js';
import { AuditDenialRecorder } from './denial-recorder.service.js';

@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditService,
    AuditSealer,
    AuditLogService,
    AuditVerifier,
    AuditVerifyJobs,
    { provide: APP_INTERCEPTOR, useClass: AuditCommitInterceptor },
    { provide: DENIAL_RECORDER, useClass: AuditDenialRecorder },
  ],
  exports: [AuditService, AuditSealer, DENIAL_RECORDER],
})
export class AuditModule {}
