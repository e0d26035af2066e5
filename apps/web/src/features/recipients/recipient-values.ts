import type { TFunction } from 'i18next';
import {
  CARE_LEVELS,
  DEMENTIA_INDEPENDENCE,
  DISABILITY_SUPPORT_CATEGORIES,
  PUBLIC_ASSISTANCE,
  RECIPIENT_STATUSES,
  SEXES,
  SUPPORT_CATEGORIES,
} from '#libs/contracts/index.js';
import { formatDate } from '../../shared/format/wareki';

/** How each recipient field is shown and edited. */
export type FieldKind =
  | { kind: 'text'; multiline?: boolean; inputType?: 'text' | 'tel' | 'email' }
  | { kind: 'date' }
  | { kind: 'enum'; values: readonly string[]; set: string }
  | { kind: 'multi'; values: readonly string[]; set: string }
  | { kind: 'organisation' }
  | { kind: 'contacts' }
  | { kind: 'certificates' };

export const FIELD_KINDS: Record<string, FieldKind> = {
  caseNumber: { kind: 'text' },
  familyName: { kind: 'text' },
  givenName: { kind: 'text' },
  familyNameKana: { kind: 'text' },
  givenNameKana: { kind: 'text' },
  birthDate: { kind: 'date' },
  sex: { kind: 'enum', values: SEXES, set: 'sex' },
  status: { kind: 'enum', values: RECIPIENT_STATUSES, set: 'status' },
  supportCategories: { kind: 'multi', values: SUPPORT_CATEGORIES, set: 'supportCategories' },
  leadOrganisationId: { kind: 'organisation' },
  openedOn: { kind: 'date' },
  closedOn: { kind: 'date' },
  postalCode: { kind: 'text' },
  address: { kind: 'text' },
  phone: { kind: 'text', inputType: 'tel' },
  email: { kind: 'text', inputType: 'email' },
  emergencyContacts: { kind: 'contacts' },
  careLevel: { kind: 'enum', values: CARE_LEVELS, set: 'careLevel' },
  careManagerOrganisationId: { kind: 'organisation' },
  dementiaIndependence: { kind: 'enum', values: DEMENTIA_INDEPENDENCE, set: 'dementiaIndependence' },
  disabilityCertificates: { kind: 'certificates' },
  disabilitySupportCategory: { kind: 'enum', values: DISABILITY_SUPPORT_CATEGORIES, set: 'disabilitySupportCategory' },
  publicAssistance: { kind: 'enum', values: PUBLIC_ASSISTANCE, set: 'publicAssistance' },
  assistanceCaseworker: { kind: 'text' },
  healthNotes: { kind: 'text', multiline: true },
  primaryPhysician: { kind: 'text' },
};

export interface Contact {
  name: string;
  relationship?: string | null;
  phone?: string | null;
  isKeyPerson?: boolean;
}
export interface Certificate {
  type: string;
  grade: string;
}

/** A field's value as text for the screen: value sets by their Japanese (or English) names, dates with 和暦. */
export function displayValue(
  field: string,
  value: unknown,
  t: TFunction,
  lang: string,
  organisationName: (id: string) => string,
): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return t('common:notSet');
  const kind = FIELD_KINDS[field] ?? { kind: 'text' };
  switch (kind.kind) {
    case 'date':
      return formatDate(String(value), lang);
    case 'enum':
      return t(`common:values.${kind.set}.${String(value)}`, { defaultValue: String(value) });
    case 'multi':
      return (value as string[]).map((v) => t(`common:values.${kind.set}.${v}`, { defaultValue: v })).join('、');
    case 'organisation':
      return organisationName(String(value));
    case 'contacts':
      return (value as Contact[])
        .map((c) => [c.name, c.relationship && `(${c.relationship})`, c.phone, c.isKeyPerson && `［${t('common:values.keyPerson')}］`].filter(Boolean).join(' '))
        .join(' / ');
    case 'certificates':
      return (value as Certificate[])
        .map((c) => `${t(`common:values.certificateType.${c.type}`)} ${t('common:values.certificateGrade', { grade: c.grade })}`)
        .join('、');
    default:
      return String(value);
  }
}

/** 姓 名 (かな) as one line. */
export function fullName(r: Record<string, unknown>): string {
  return [r.familyName, r.givenName].filter(Boolean).join(' ');
}
export function fullKana(r: Record<string, unknown>): string {
  return [r.familyNameKana, r.givenNameKana].filter(Boolean).join(' ');
}
