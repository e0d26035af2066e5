import { ApiProperty } from '@nestjs/swagger';
import {
  CONSENT_METHODS,
  CONSENT_SIGNATORIES,
  FIELD_GROUPS,
  type FieldGroup,
  GRANT_PERMISSIONS,
  type GrantPermission,
  LEGAL_BASES,
  type LegalBasis,
} from '#libs/contracts/index.js';

// Response bodies of the grant and consent routes, for the OpenAPI document only (see libs/platform/api-answers.ts).

const uuid = { type: String, format: 'uuid' } as const;
const nullableUuid = { ...uuid, nullable: true } as const;
const instant = { type: String, format: 'date-time' } as const;
const nullableInstant = { ...instant, nullable: true } as const;
const text = { type: String, nullable: true } as const;

/** A grant: one organisation's access to field groups of one recipient (shared/API.md "Grants"). */
export class GrantResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) recipientId: string;
  @ApiProperty(uuid) granteeOrganisationId: string;
  @ApiProperty({ enum: FIELD_GROUPS, isArray: true }) fieldGroups: FieldGroup[];
  @ApiProperty({ enum: GRANT_PERMISSIONS, isArray: true }) permissions: GrantPermission[];
  @ApiProperty({ enum: LEGAL_BASES }) legalBasis: LegalBasis;
  @ApiProperty({ ...nullableUuid, description: 'the consent a `consent` grant rests on' }) consentId: string | null;
  @ApiProperty({ ...text, description: 'meeting date, contract number, article (every basis but consent)' })
  basisReference: string | null;
  @ApiProperty(instant) validFrom: string;
  @ApiProperty(nullableInstant) validUntil: string | null;
  @ApiProperty({ ...uuid, nullable: true, description: 'the user who granted it (null for the grantee organisation, which sees only its own grant)' }) grantedBy: string | null;
  @ApiProperty(instant) grantedAt: string;
  @ApiProperty(nullableInstant) revokedAt: string | null;
  @ApiProperty(nullableUuid) revokedBy: string | null;
  @ApiProperty(text) revokeReason: string | null;
  @ApiProperty({ description: 'in force right now: not revoked and inside its validity window' }) active: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
}

/** A recorded consent (本人同意) (shared/API.md "Consents"). */
export class ConsentResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) recipientId: string;
  @ApiProperty({ ...uuid, isArray: true, description: 'the organisations the consent names' }) organisationIds: string[];
  @ApiProperty({ enum: FIELD_GROUPS, isArray: true }) fieldGroups: FieldGroup[];
  @ApiProperty() purpose: string;
  @ApiProperty({ type: String, format: 'date' }) obtainedOn: string;
  @ApiProperty({ ...uuid, description: 'the user who obtained it' }) obtainedBy: string;
  @ApiProperty({ enum: CONSENT_METHODS }) method: (typeof CONSENT_METHODS)[number];
  @ApiProperty({ enum: CONSENT_SIGNATORIES }) signatory: (typeof CONSENT_SIGNATORIES)[number];
  @ApiProperty(text) proxyRelationship: string | null;
  @ApiProperty(text) documentReference: string | null;
  @ApiProperty(nullableInstant) validUntil: string | null;
  @ApiProperty(nullableInstant) withdrawnAt: string | null;
  @ApiProperty(nullableUuid) withdrawnBy: string | null;
  @ApiProperty(text) withdrawReason: string | null;
  @ApiProperty(instant) createdAt: string;
  @ApiProperty({ type: 'integer' }) version: number;
}
