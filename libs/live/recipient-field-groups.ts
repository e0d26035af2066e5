import type { FieldGroup } from '#libs/contracts/index.js';

/** shared/API.md "Recipient field groups": which group a changed field belongs to (unknown fields are never sent). */
const GROUPS: Record<FieldGroup, readonly string[]> = {
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
};

const GROUP_OF = new Map<string, FieldGroup>(
  Object.entries(GROUPS).flatMap(([group, fields]) => fields.map((field) => [field, group as FieldGroup] as const)),
);

export const fieldGroupOf = (field: string): FieldGroup | undefined => GROUP_OF.get(field);
