import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig, Caller } from '#libs/platform/index.js';
import { APP_CONFIG, uuidv7 } from '#libs/platform/index.js';
import type { AuditActor, AuditInput } from './audit-event.js';
import { AuditSealer } from './audit-sealer.service.js';

/** Reads: what BENCH_SKIP_READ_AUDIT leaves out to measure the cost of auditing them. */
const READ_ACTION = /\.(read|list)$/;

export function actorOf(caller: Caller): AuditActor {
  return {
    userId: caller.userId,
    organisationId: caller.organisationId,
    requestId: caller.requestId,
    ip: caller.ip,
    userAgent: caller.userAgent,
  };
}

/**
 * The one way anything writes to the audit log. `record` joins the caller's transaction, so a change or a read
 * and its event commit together or not at all; `recordAlone` commits an event on its own (denials, failed logins).
 */
@Injectable()
export class AuditService {
  private readonly skipReads: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.skipReads = config.benchSkipReadAudit;
  }

  /**
   * Writes the event and queues it for sealing, in one statement of the caller's transaction: if either fails,
   * the transaction fails (fail closed). The seal (seq, hash) follows within a second of the commit.
   */
  async record(em: EntityManager, actor: AuditActor | Caller, input: AuditInput): Promise<string> {
    const who = 'userId' in actor && 'sessionId' in actor ? actorOf(actor as Caller) : (actor as AuditActor);
    const id = uuidv7();
    if (this.skipReads && READ_ACTION.test(input.action)) return id;
    await em.query(
      `WITH e AS (
         INSERT INTO audit_events (id, at, actor_user_id, actor_organisation_id, action, resource_type, resource_id,
           recipient_id, recipient_ids, outcome, field_groups, legal_basis, grant_id, ip, user_agent, request_id, details)
         VALUES ($1, date_trunc('milliseconds', clock_timestamp()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
           $14, $15, $16)
         RETURNING id)
       INSERT INTO audit_pending (event_id) SELECT id FROM e`,
      [
        id,
        who.userId ?? null,
        who.organisationId ?? null,
        input.action,
        input.resourceType,
        input.resourceId ?? null,
        input.recipientId ?? null,
        input.recipientIds ?? null,
        input.outcome ?? 'allowed',
        input.fieldGroups ?? null,
        input.legalBasis ?? null,
        input.grantId ?? null,
        who.ip,
        who.userAgent,
        who.requestId,
        input.details ? JSON.stringify(input.details) : null,
      ],
    );
    this.sealer.wake();
    return id;
  }

  recordAlone(actor: AuditActor | Caller, input: AuditInput): Promise<string> {
    return this.dataSource.transaction((em) => this.record(em, actor, input));
  }
}
