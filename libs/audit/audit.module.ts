import { Global, Module } from '@nestjs/common';
import { DENIAL_RECORDER } from '#libs/platform/index.js';
import { AuditService } from './audit.service.js';
import { AuditDenialRecorder } from './denial-recorder.service.js';

@Global()
@Module({
  providers: [AuditService, { provide: DENIAL_RECORDER, useClass: AuditDenialRecorder }],
  exports: [AuditService, DENIAL_RECORDER],
})
export class AuditModule {}
