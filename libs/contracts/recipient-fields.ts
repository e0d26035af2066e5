import type { FieldGroup } from './enums.js';

/** Which recipient fields make up each field group (shared/API.md "Recipient field groups"): grants are made of groups. */
export const RECIPIENT_FIELD_GROUPS = {
  basic: [
    'caseNumber',
    'familyName',
    'givenName',
    'familyNameKana',
    'givenNameKana',
    'birthDate',
    'sex',
    'status',
    'supportCategories',
    'leadOrganisationId',
    'openedOn',
    'closedOn',
  ],
  contact: ['postalCode', 'address', 'phone', 'email', 'emergencyContacts'],
  care: ['careLevel', 'careManagerOrganisationId', 'dementiaIndependence'],
  disability: ['disabilityCertificates', 'disabilitySupportCategory'],
  assistance: ['publicAssistance', 'assistanceCaseworker'],
  health: ['healthNotes', 'primaryPhysician'],
} as const satisfies Record<FieldGroup, readonly string[]>;

export type RecipientField = (typeof RECIPIENT_FIELD_GROUPS)[FieldGroup][number];

/** field name → its group. */
export const RECIPIENT_FIELD_GROUP: Record<RecipientField, FieldGroup> = Object.fromEntries(
  Object.entries(RECIPIENT_FIELD_GROUPS).flatMap(([group, fields]) => fields.map((field) => [field, group])),
) as Record<RecipientField, FieldGroup>;

/** Fields no PATCH may change: they are set once when the recipient is opened. */
export const RECIPIENT_IMMUTABLE_FIELDS: readonly RecipientField[] = ['leadOrganisationId', 'caseNumber', 'openedOn'];
