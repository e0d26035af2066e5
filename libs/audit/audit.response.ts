import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_OUTCOMES, type AuditOutcome, FIELD_GROUPS, type FieldGroup } from '#libs/contracts/index.js';

// Response bodies of the auditor routes, for the OpenAPI document only (see libs/platform/api-answers.ts).

const uuid = { type: String, format: 'uuid', nullable: true } as const;
const text = { type: String, nullable: true } as const;

/** `?expand=names`: today's names of what the event names by id (outside the hashed event). */
export class AuditEventNamesResponse {
  @ApiProperty(text) actorDisplayName: string | null;
  @ApiProperty(text) actorLoginId: string | null;
  @ApiProperty(text) actorOrganisationName: string | null;
  @ApiProperty(text) recipientCaseNumber: string | null;
  @ApiProperty({ ...text, isArray: true, description: 'one per recipientIds entry, in the same order' }) recipientCaseNumbers: (string | null)[] | null;
}

/** One audit event (shared/API.md "Audit events"): names of fields and groups, never personal values. */
export class AuditEventResponse {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'strictly increasing; null until the event is sealed' }) seq: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
  @ApiProperty(uuid) actorUserId: string | null;
  @ApiProperty(uuid) actorOrganisationId: string | null;
  @ApiProperty({ example: 'recipient.read' }) action: string;
  @ApiProperty({ example: 'recipient' }) resourceType: string;
  @ApiProperty(text) resourceId: string | null;
  @ApiProperty(uuid) recipientId: string | null;
  @ApiProperty({ ...uuid, isArray: true, description: 'a list read: the recipients it returned' }) recipientIds: string[] | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: AuditOutcome;
  @ApiProperty({ enum: FIELD_GROUPS, isArray: true, nullable: true }) fieldGroups: FieldGroup[] | null;
  @ApiProperty({ ...text, example: 'lead_organisation' }) legalBasis: string | null;
  @ApiProperty(uuid) grantId: string | null;
  @ApiProperty(text) ip: string | null;
  @ApiProperty(text) userAgent: string | null;
  @ApiProperty(text) requestId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details: Record<string, unknown> | null;
  @ApiProperty({ ...text, description: 'SHA-256 of the event and prevHash, hex; null until sealed' }) hash: string | null;
  @ApiProperty(text) prevHash: string | null;
  @ApiPropertyOptional({ type: AuditEventNamesResponse, description: 'with expand=names: names beside the event, never hashed' })
  names?: AuditEventNamesResponse;
}


const BREAK_REASONS = ['seq_gap', 'event_missing', 'prev_hash_mismatch', 'hash_mismatch', 'unsealed', 'checkpoint_mismatch'];
const MODES = ['full', 'incremental'];

/** GET /audit-events/verify: the hash chain recomputed. */
export class AuditVerifyResponse {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer', description: 'events checked' }) checked: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) firstBrokenId: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the seq of the first broken event' }) firstBrokenSeq: number | null;
  @ApiProperty({ type: 'integer', description: 'the seq of the last sealed event: anchor it outside the database' }) lastSeq: number;
  @ApiProperty({ description: 'the hash of the last sealed event' }) lastHash: string;
  @ApiPropertyOptional({ enum: BREAK_REASONS }) reason?: string;
  @ApiProperty({ enum: MODES }) mode: string;
  @ApiProperty({ type: 'integer', description: 'the first seq this run recomputed (1 for a full run)' }) fromSeq: number;
  @ApiPropertyOptional({ description: 'why an incremental run checked the whole chain' }) fullReason?: string;
}

/** A verification running in the background: progress, then its result. */
export class AuditVerifyJobResponse {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['running', 'done', 'failed'] }) state: string;
  @ApiProperty({ enum: MODES }) requestedMode: string;
  @ApiProperty({ enum: MODES, nullable: true }) mode: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) fromSeq: number | null;
  @ApiProperty({ type: 'integer' }) checked: number;
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: Boolean, nullable: true }) ok: boolean | null;
  @ApiProperty(uuid) firstBrokenId: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) firstBrokenSeq: number | null;
  @ApiProperty({ enum: BREAK_REASONS, nullable: true }) reason: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) lastSeq: number | null;
  @ApiProperty(text) lastHash: string | null;
  @ApiProperty(text) fullReason: string | null;
  @ApiProperty({ ...text, enum: ['interrupted', 'error', 'abandoned'] }) error: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}
