import { FIELD_GROUPS, type FieldGroup, RECIPIENT_FIELD_GROUP, RECIPIENT_FIELD_GROUPS, type RecipientField, type RecipientJson } from '#libs/contracts/index.js';
import type { ResolvedAccess } from '#libs/access/index.js';

type Kind = 'text' | 'date' | 'uuid' | 'textArray' | 'json';

/** Storage of each recipient field: column and how it is read and written. */
export const RECIPIENT_COLUMNS: Record<RecipientField, { column: string; kind: Kind }> = {
  caseNumber: { column: 'case_number', kind: 'text' },
  familyName: { column: 'family_name', kind: 'text' },
  givenName: { column: 'given_name', kind: 'text' },
  familyNameKana: { column: 'family_name_kana', kind: 'text' },
  givenNameKana: { column: 'given_name_kana', kind: 'text' },
  birthDate: { column: 'birth_date', kind: 'date' },
  sex: { column: 'sex', kind: 'text' },
  status: { column: 'status', kind: 'text' },
  supportCategories: { column: 'support_categories', kind: 'textArray' },
  leadOrganisationId: { column: 'lead_organisation_id', kind: 'uuid' },
  openedOn: { column: 'opened_on', kind: 'date' },
  closedOn: { column: 'closed_on', kind: 'date' },
  postalCode: { column: 'postal_code', kind: 'text' },
  address: { column: 'address', kind: 'text' },
  phone: { column: 'phone', kind: 'text' },
  email: { column: 'email', kind: 'text' },
  emergencyContacts: { column: 'emergency_contacts', kind: 'json' },
  careLevel: { column: 'care_level', kind: 'text' },
  careManagerOrganisationId: { column: 'care_manager_organisation_id', kind: 'uuid' },
  dementiaIndependence: { column: 'dementia_independence', kind: 'text' },
  disabilityCertificates: { column: 'disability_certificates', kind: 'json' },
  disabilitySupportCategory: { column: 'disability_support_category', kind: 'text' },
  publicAssistance: { column: 'public_assistance', kind: 'text' },
  assistanceCaseworker: { column: 'assistance_caseworker', kind: 'text' },
  healthNotes: { column: 'health_notes', kind: 'text' },
  primaryPhysician: { column: 'primary_physician', kind: 'text' },
};

export const ALL_RECIPIENT_FIELDS = Object.keys(RECIPIENT_COLUMNS) as RecipientField[];

/** Fields that read back as [] rather than null when cleared. */
export const ARRAY_FIELDS: readonly RecipientField[] = ['supportCategories', 'emergencyContacts', 'disabilityCertificates'];

/** SELECT list of a recipient row over alias r (dates as text: a date is a calendar day, not an instant). */
export const RECIPIENT_SELECT = [
  'r.id',
  'r.version',
  'r.created_at',
  'r.updated_at',
  ...ALL_RECIPIENT_FIELDS.map((f) => {
    const { column, kind } = RECIPIENT_COLUMNS[f];
    return kind === 'date' ? `r.${column}::text AS "${f}"` : `r.${column} AS "${f}"`;
  }),
].join(', ');

export type RecipientRow = Record<RecipientField, unknown> & { id: string; version: number; created_at: Date; updated_at: Date };

export type { RecipientJson };

/** The JSON of a recipient as this caller may see it: fields of unreadable groups are absent, not null. */
export function projectRecipient(row: RecipientRow, access: Pick<ResolvedAccess, 'fieldGroups' | 'permissions'>): RecipientJson {
  const json: RecipientJson = {
    id: row.id,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    access: { fieldGroups: access.fieldGroups, permissions: access.permissions },
  };
  for (const group of FIELD_GROUPS) {
    if (!access.fieldGroups.includes(group)) continue;
    for (const field of RECIPIENT_FIELD_GROUPS[group]) json[field] = row[field] ?? null;
  }
  return json;
}

export const groupOf = (field: string): FieldGroup | undefined => RECIPIENT_FIELD_GROUP[field as RecipientField];
