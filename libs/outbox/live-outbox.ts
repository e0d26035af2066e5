import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LiveEventType, LiveGrantSummary } from '#libs/contracts/index.js';
import { prepared } from '#libs/database/index.js';

/** Written by the writer's transaction (delivered on its commit): wakes the sequencer on every instance. */
export const LIVE_NEW_CHANNEL = 'live_new';
/** Written by the sequencer's transaction: wakes the relay on every instance. */
export const LIVE_SEQ_CHANNEL = 'live_seq';

export interface LiveEventInput {
  type: LiveEventType;
  /** The recipient the event is about. */
  recipientId: string;
  /** Organisation rooms that get the event whether or not they subscribed (grant.*: lead and grantee). */
  organisationIds?: string[];
  actorOrganisationId: string | null;
  /**
   * Ids, versions and field names only: never personal values. The relay projects it per receiver and loads
   * anything richer (a note) at delivery time, under the receiver's access of that moment.
   */
  payload?: Record<string, unknown>;
}

/**
 * The transactional outbox: `publish` joins the caller's transaction, so an event exists exactly when the change
 * it describes commits. The libraries that change recipient data write here; the live layer reads the table and
 * delivers (libs/live), so neither side imports the other.
 */
@Injectable()
export class LiveOutbox {
  async publish(em: EntityManager, event: LiveEventInput): Promise<void> {
    // One round trip: the row, and the wake-up delivered when the transaction commits (PostgreSQL folds identical
    // notifications of one transaction into one).
    await em.query(
      prepared(`WITH e AS (INSERT INTO live_events (recipient_id, organisation_ids, type, payload, actor_organisation_id)
                  VALUES ($1, $2::uuid[], $3, $4::jsonb, $5) RETURNING 1)
       SELECT pg_notify('${LIVE_NEW_CHANNEL}', '') FROM e`),
      [
        event.recipientId,
        event.organisationIds ?? [],
        event.type,
        JSON.stringify(event.payload ?? {}),
        event.actorOrganisationId,
      ],
    );
  }
}

/** A grant.* event for the lead organisation's and the grantee organisation's rooms. */
export function grantLiveEvent(
  type: 'grant.created' | 'grant.revoked',
  // Only this subset travels (no free text: the basis reference and the revocation reason stay in REST).
  grant: LiveGrantSummary,
  leadOrganisationId: string,
  actorOrganisationId: string,
): LiveEventInput {
  const { id, recipientId, granteeOrganisationId, fieldGroups, permissions, legalBasis, validFrom, validUntil, revokedAt } =
    grant;
  return {
    type,
    recipientId,
    organisationIds: [leadOrganisationId, granteeOrganisationId],
    actorOrganisationId,
    payload: {
      grant: { id, recipientId, granteeOrganisationId, fieldGroups, permissions, legalBasis, validFrom, validUntil, revokedAt },
    },
  };
}
