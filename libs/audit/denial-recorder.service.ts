import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '#libs/contracts/index.js';
import { type AppRequest, type DenialRecorder, requestMeta } from '#libs/platform/index.js';
import { AuditService } from './audit.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DENIED = new Set([401, 403, 404, 429]);

/** Writes the audit event of a refused or failed request, committed on its own before the error is answered. */
@Injectable()
export class AuditDenialRecorder implements DenialRecorder {
  constructor(private readonly audit: AuditService) {}

  async recordFailure(req: AppRequest, status: number, code: ErrorCode): Promise<void> {
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const route = req.routeOptions?.url ?? null;
    const isRecipientRoute = route?.includes('/recipients/:id') ?? false;
    const recipientId = isRecipientRoute && params.id && UUID.test(params.id) ? params.id : null;
    const resourceId = Object.entries(params)
      .filter(([name]) => name !== 'id' || !isRecipientRoute)
      .map(([, value]) => value)
      .pop();
    const caller = req.caller;
    await this.audit.recordAlone(
      { ...requestMeta(req), userId: caller?.userId ?? null, organisationId: caller?.organisationId ?? null },
      {
        action: req.auditAction ?? (status === 401 ? 'auth.denied' : 'request.denied'),
        resourceType: route ? route.replace(/^\/api\/v1\//, '').split('/')[0] : 'unknown',
        resourceId: resourceId ?? recipientId,
        recipientId,
        outcome: DENIED.has(status) ? 'denied' : 'error',
        details: { status, code, method: req.method, route },
      },
    );
  }
}
