import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '#libs/contracts/index.js';
import { type AppRequest, type DenialRecorder, isUuid, requestMeta } from '#libs/platform/index.js';
import { AuditService } from './audit.service.js';

const DENIED = new Set([401, 403, 404, 429]);

/** Writes the audit event of a refused or failed request, committed on its own before the error is answered. */
@Injectable()
export class AuditDenialRecorder implements DenialRecorder {
  constructor(private readonly audit: AuditService) {}

  async recordFailure(req: AppRequest, status: number, code: ErrorCode): Promise<void> {
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const route = req.routeOptions?.url ?? null;
    const isRecipientRoute = route?.includes('/recipients/:id') ?? false;
    const recipientId = isRecipientRoute && isUuid(params.id) ? params.id : null;
    const resourceId = Object.entries(params)
      .filter(([name]) => name !== 'id' || !isRecipientRoute)
      .map(([, value]) => value)
      .pop();
    const caller = req.caller;
    await this.audit.recordAlone(
      { ...requestMeta(req), userId: caller?.userId ?? null, organisationId: caller?.organisationId ?? null },
      {
        action: req.auditAction ?? (status === 401 ? 'auth.denied' : 'request.denied'),
        resourceType: route ? resourceTypeOf(route) : 'unknown',
        resourceId: resourceId ?? recipientId,
        recipientId,
        outcome: DENIED.has(status) ? 'denied' : 'error',
        details: { status, code, method: req.method, route },
      },
    );
  }
}

/** The last fixed segment of the route: `/api/v1/recipients/:id/notes/:noteId` → `notes`. */
export function resourceTypeOf(route: string): string {
  const fixed = route
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .filter((segment) => segment && !segment.startsWith(':'));
  let last = fixed.at(-1) ?? 'unknown';
  // One-way actions (…/revoke, …/withdraw, …/retract) name the resource before them.
  if (['revoke', 'withdraw', 'retract', 'history', 'verify', 'verify-jobs', 'print', 'logout', 'password', 'refresh'].includes(last) && fixed.length > 1) {
    last = fixed.at(-2)!;
  }
  return RESOURCE_TYPES[last] ?? last;
}

/** Route segments to the resource types the services record (singular). */
const RESOURCE_TYPES: Record<string, string> = {
  recipients: 'recipient',
  notes: 'note',
  grants: 'grant',
  consents: 'consent',
  users: 'user',
  organisations: 'organisation',
  'audit-events': 'audit_event',
  auth: 'session',
  me: 'user',
};
