import { NoteResponse } from './note.response.js';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  CARE_LEVELS,
  DEMENTIA_INDEPENDENCE,
  DISABILITY_SUPPORT_CATEGORIES,
  FIELD_GROUPS,
  type FieldGroup,
  GRANT_PERMISSIONS,
  type GrantPermission,
  PUBLIC_ASSISTANCE,
  RECIPIENT_STATUSES,
  SEXES,
  SUPPORT_CATEGORIES,
} from '#libs/contracts/index.js';
import { DisabilityCertificateDto, EmergencyContactDto } from './recipient.dto.js';

// Response bodies of the recipient routes, for the OpenAPI document only (see libs/platform/api-answers.ts).

/** A field of a field group: absent from the JSON when the caller may not read its group, never null for that. */
const inGroup = (group: FieldGroup, options: ApiPropertyOptions = {}) =>
  ApiPropertyOptional({ description: `field group \`${group}\`: absent unless the caller may read it`, ...options } as ApiPropertyOptions);
const text = { type: String, nullable: true } as const;
const date = { type: String, format: 'date', example: '1948-04-01' } as const;
const uuid = { type: String, format: 'uuid' } as const;

export class RecipientAccessResponse {
  @ApiProperty({ enum: FIELD_GROUPS, isArray: true, description: 'the groups the caller may read' }) fieldGroups: FieldGroup[];
  @ApiProperty({ enum: GRANT_PERMISSIONS, isArray: true }) permissions: GrantPermission[];
}

/** A support recipient as the caller may see it (shared/API.md "Recipient field groups"). */
export class RecipientResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty({ type: 'integer', description: 'also the ETag; send it back in If-Match' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: RecipientAccessResponse, description: "the caller's effective access" }) access: RecipientAccessResponse;

  @inGroup('basic', { example: '2026-0001' }) caseNumber?: string;
  @inGroup('basic') familyName?: string;
  @inGroup('basic') givenName?: string;
  @inGroup('basic', text) familyNameKana?: string | null;
  @inGroup('basic', text) givenNameKana?: string | null;
  @inGroup('basic', { ...date, nullable: true }) birthDate?: string | null;
  @inGroup('basic', { enum: SEXES }) sex?: (typeof SEXES)[number];
  @inGroup('basic', { enum: RECIPIENT_STATUSES }) status?: (typeof RECIPIENT_STATUSES)[number];
  @inGroup('basic', { enum: SUPPORT_CATEGORIES, isArray: true }) supportCategories?: (typeof SUPPORT_CATEGORIES)[number][];
  @inGroup('basic', uuid) leadOrganisationId?: string;
  @inGroup('basic', date) openedOn?: string;
  @inGroup('basic', { ...date, nullable: true }) closedOn?: string | null;

  @inGroup('contact', text) postalCode?: string | null;
  @inGroup('contact', text) address?: string | null;
  @inGroup('contact', text) phone?: string | null;
  @inGroup('contact', text) email?: string | null;
  @inGroup('contact', { type: [EmergencyContactDto] }) emergencyContacts?: EmergencyContactDto[];

  @inGroup('care', { enum: CARE_LEVELS, nullable: true }) careLevel?: (typeof CARE_LEVELS)[number] | null;
  @inGroup('care', { ...uuid, nullable: true }) careManagerOrganisationId?: string | null;
  @inGroup('care', { enum: DEMENTIA_INDEPENDENCE, nullable: true }) dementiaIndependence?: (typeof DEMENTIA_INDEPENDENCE)[number] | null;

  @inGroup('disability', { type: [DisabilityCertificateDto] }) disabilityCertificates?: DisabilityCertificateDto[];
  @inGroup('disability', { enum: DISABILITY_SUPPORT_CATEGORIES, nullable: true })
  disabilitySupportCategory?: (typeof DISABILITY_SUPPORT_CATEGORIES)[number] | null;

  @inGroup('assistance', { enum: PUBLIC_ASSISTANCE, nullable: true }) publicAssistance?: (typeof PUBLIC_ASSISTANCE)[number] | null;
  @inGroup('assistance', text) assistanceCaseworker?: string | null;

  @inGroup('health', text) healthNotes?: string | null;
  @inGroup('health', text) primaryPhysician?: string | null;
}

/** One changed field of a history entry; its values are of the field's own type (text, list or null). */
export class RecipientChangeResponse {
  @ApiProperty({ example: 'phone' }) field: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'array', items: {} }], description: 'the value before' })
  from: unknown;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'array', items: {} }], description: 'the value after' })
  to: unknown;
}

/** One change of GET /recipients/{id}/history: changes to groups the caller may not read are left out. */
export class RecipientHistoryEntryResponse {
  @ApiProperty({ type: 'integer', description: 'the version this change made' }) version: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ ...uuid, description: 'the user who made the change' }) by: string;
  @ApiProperty(uuid) organisationId: string;
  @ApiProperty({ type: [RecipientChangeResponse] }) changes: RecipientChangeResponse[];
}

/** GET /audit/recipients: who a recipient is, for an auditor, and nothing of its record. */
export class RecipientIdentityResponse {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
  @ApiProperty() caseNumber: string;
  @ApiProperty() familyName: string;
  @ApiProperty() givenName: string;
  @ApiProperty({ type: String, nullable: true }) familyNameKana: string | null;
  @ApiProperty({ type: String, nullable: true }) givenNameKana: string | null;
}

class PrintedByResponse {
  @ApiProperty({ type: String, format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: String, format: 'uuid' }) organisationId: string;
  @ApiProperty() organisationName: string;
}

class PrintNamesResponse {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) users: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) organisations: Record<string, string>;
}

/** GET /recipients/:id/print: the record as GET /recipients/:id, its readable notes oldest first, printed by/at. */
export class RecipientPrintResponse {
  @ApiProperty({ type: () => RecipientResponse }) recipient: RecipientResponse;
  @ApiProperty({ type: () => NoteResponse, isArray: true }) notes: NoteResponse[];
  @ApiProperty({ type: String, format: 'date-time' }) printedAt: string;
  @ApiProperty({ type: () => PrintedByResponse }) printedBy: PrintedByResponse;
  @ApiProperty({ type: () => PrintNamesResponse }) names: PrintNamesResponse;
}
