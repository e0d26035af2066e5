import type { FieldGroup, GrantPermission, LegalBasis } from '#libs/contracts/index.js';
import type { TestApp } from './harness.js';

export const FULL_RECIPIENT = {
  familyName: '髙橋',
  givenName: '幸子',
  familyNameKana: 'たかはし',
  givenNameKana: 'さちこ',
  birthDate: '1941-03-09',
  sex: 'female',
  status: 'active',
  supportCategories: ['elderly'],
  postalCode: '955-0071',
  address: '新潟県三条市本町1-2-3',
  phone: '0256-00-0000',
  email: 'sachiko@example.jp',
  emergencyContacts: [{ name: '髙橋 一郎', relationship: '長男', phone: '090-0000-0000', isKeyPerson: true }],
  careLevel: 'care_2',
  dementiaIndependence: 'IIa',
  disabilityCertificates: [{ type: 'physical', grade: '3' }],
  disabilitySupportCategory: '2',
  publicAssistance: 'receiving',
  assistanceCaseworker: '福祉課 渡辺',
  healthNotes: '高血圧の服薬あり',
  primaryPhysician: '三条中央クリニック',
};

export const GROUP_PROBE: Record<FieldGroup, string> = {
  basic: 'familyName',
  contact: 'address',
  care: 'careLevel',
  disability: 'disabilityCertificates',
  assistance: 'publicAssistance',
  health: 'healthNotes',
};

/** Which field groups a recipient body shows (by every field of each group: all present or all absent). */
export function groupsIn(body: Record<string, unknown>): FieldGroup[] {
  return (Object.keys(GROUP_PROBE) as FieldGroup[]).filter((g) => GROUP_PROBE[g] in body);
}

export async function createRecipient(t: TestApp, token: string, body: Record<string, unknown> = FULL_RECIPIENT) {
  const res = await t.post('/recipients', token, body);
  if (res.status !== 201) throw new Error(`create recipient: ${res.status} ${res.text}`);
  return res.body as { id: string; version: number; caseNumber: string; [k: string]: any };
}

export async function grant(
  t: TestApp,
  token: string,
  recipientId: string,
  granteeOrganisationId: string,
  fieldGroups: FieldGroup[] = ['basic'],
  permissions: GrantPermission[] = [],
  extra: { legalBasis?: LegalBasis; basisReference?: string; validUntil?: string; consentId?: string } = {},
) {
  const res = await t.post(`/recipients/${recipientId}/grants`, token, {
    granteeOrganisationId,
    fieldGroups,
    permissions,
    legalBasis: extra.legalBasis ?? 'support_meeting',
    ...(extra.legalBasis === 'consent' ? {} : { basisReference: extra.basisReference ?? '支援会議 2026-11-01' }),
    ...extra,
  });
  if (res.status !== 201) throw new Error(`grant: ${res.status} ${res.text}`);
  return res.body as { id: string; [k: string]: any };
}
