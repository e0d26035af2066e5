// Value sets of the public contract (shared/API.md), shared by the API and the web app.

export const ORGANISATION_KINDS = [
  'municipal_department',
  'welfare_office',
  'social_welfare_council',
  'community_support_center',
  'disability_consultation',
  'disability_facility',
  'care_management_office',
  'medical',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Organisation kinds whose caseworkers may open (create) a recipient and so become its lead organisation. */
export const LEAD_CAPABLE_KINDS: readonly OrganisationKind[] = ['municipal_department', 'welfare_office'];

export const ROLES = ['caseworker', 'org_admin', 'auditor', 'system_admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may ever see recipient content. */
export const CASE_ROLES: readonly Role[] = ['caseworker', 'org_admin'];

export const FIELD_GROUPS = ['basic', 'contact', 'care', 'disability', 'assistance', 'health'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

export const GRANT_PERMISSIONS = ['notes.read', 'notes.write', 'profile.write'] as const;
export type GrantPermission = (typeof GRANT_PERMISSIONS)[number];

export const LEGAL_BASES = [
  'consent',
  'support_meeting',
  'care_meeting',
  'child_council',
  'entrustment',
  'vital_interest',
  'statute',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const RECIPIENT_STATUSES = ['intake', 'active', 'monitoring', 'closed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const SUPPORT_CATEGORIES = ['elderly', 'disability', 'poverty', 'child', 'other'] as const;
export type SupportCategory = (typeof SUPPORT_CATEGORIES)[number];

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export const CARE_LEVELS = ['none', 'support_1', 'support_2', 'care_1', 'care_2', 'care_3', 'care_4', 'care_5'] as const;
export const DEMENTIA_INDEPENDENCE = ['independent', 'I', 'IIa', 'IIb', 'IIIa', 'IIIb', 'IV', 'M'] as const;
export const CERTIFICATE_TYPES = ['physical', 'intellectual', 'mental'] as const;
export const DISABILITY_SUPPORT_CATEGORIES = ['none', '1', '2', '3', '4', '5', '6'] as const;
export const PUBLIC_ASSISTANCE = ['none', 'applied', 'receiving', 'suspended', 'ended'] as const;

export const CONTACT_TYPES = ['visit', 'phone', 'office_visit', 'accompany', 'meeting', 'document', 'liaison', 'other'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];
export const NOTE_SENSITIVITIES = ['normal', 'sensitive', 'author_org_only'] as const;
export type NoteSensitivity = (typeof NOTE_SENSITIVITIES)[number];

export const CONSENT_METHODS = ['written', 'verbal', 'electronic'] as const;
export const CONSENT_SIGNATORIES = ['self', 'proxy'] as const;

export const AUDIT_OUTCOMES = ['allowed', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
