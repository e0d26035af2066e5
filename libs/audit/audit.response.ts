import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_OUTCOMES, type AuditOutcome, FIELD_GROUPS, type FieldGroup } from '#libs/contracts/index.js';

// Response bodies of the auditor routes, for the OpenAPI document only (see libs/platform/api-answers.ts).

const uuid = { type: String, format: 'uuid', nullable: true } as const;
const text = { type: String, nullable: true } as const;

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
}

/** GET /audit-events/verify: the hash chain recomputed. */
export class AuditVerifyResponse {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer', description: 'events checked' }) checked: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) firstBrokenId: string | null;
  @ApiProperty({ type: 'integer', description: 'the seq of the last sealed event: anchor it outside the database' }) lastSeq: number;
  @ApiProperty({ description: 'the hash of the last sealed event' }) lastHash: string;
  @ApiPropertyOptional({ enum: ['seq_gap', 'event_missing', 'prev_hash_mismatch', 'hash_mismatch', 'unsealed'] })
  reason?: 'seq_gap' | 'event_missing' | 'prev_hash_mismatch' | 'hash_mismatch' | 'unsealed';
}
