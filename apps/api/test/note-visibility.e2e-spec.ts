import pg from 'pg';
import { AccessService, NoteVisibility } from '#libs/access/index.js';
import { type GrantPermission, NOTE_SENSITIVITIES, ROLES } from '#libs/contracts/index.js';
import { createTestDatabase } from '#libs/database/testing/index.js';
import { SqlParams } from '#libs/platform/index.js';

/**
 * The note-visibility rule has two forms, a SQL condition (REST lists and reads) and an in-memory test (live delivery).
 * Over every combination of role, lead or partner, field groups, permissions, sensitivity and authorship, both forms
 * must give the answer of shared/API.md, written out here as plainly as possible.
 */
const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const PERMISSION_SETS: GrantPermission[][] = [[], ['notes.read'], ['notes.write'], ['notes.read', 'notes.write'], ['profile.write']];
const GROUP_SETS = [['basic'], ['basic', 'health'], ['basic', 'contact']] as const;

/** shared/API.md "Notes": the caller's organisation wrote it, or it reads others' notes of that sensitivity. */
function expected(role: string, lead: boolean, groups: readonly string[], permissions: readonly string[], sensitivity: string, own: boolean) {
  const seesRecipient = (role === 'caseworker' || role === 'org_admin') && (lead || groups.length > 0);
  if (!seesRecipient) return false;
  if (own) return true;
  const readsNotes = lead || permissions.includes('notes.read');
  if (sensitivity === 'normal') return readsNotes;
  if (sensitivity === 'sensitive') return readsNotes && (lead || groups.includes('health'));
  return false;
}

describe('note visibility: the SQL form and the in-memory form agree with the rule', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: (await createTestDatabase()).url });
    await client.connect();
  });
  afterAll(() => client.end());

  it('every combination (role × lead/partner × groups × permissions × sensitivity × author)', async () => {
    const authority = new AccessService();
    const notes = NOTE_SENSITIVITIES.flatMap((sensitivity) => [ME, OTHER].map((author) => ({ sensitivity, authorOrganisationId: author })));
    let cases = 0;
    for (const role of ROLES) {
      for (const lead of [true, false]) {
        for (const groups of lead ? [[]] : [[], ...GROUP_SETS]) {
          for (const permissions of lead ? [[]] : PERMISSION_SETS) {
            // The authority's answer for a recipient led by ME (lead) or by OTHER with these grants to ME (partner).
            const grants = groups.length === 0 ? [] : [{ id: 'g', fieldGroups: [...groups], permissions, legalBasis: 'consent' }];
            const access = authority.callerAccessOf(
              { organisationId: ME, role },
              { id: 'r', leadOrganisationId: lead ? ME : OTHER, access: { grants, changesAt: null } },
            );
            const rule = new NoteVisibility(ME, access);
            const params = new SqlParams();
            const rows = notes.map((n, i) => `(${params.add(n.sensitivity)}::text, ${params.add(n.authorOrganisationId)}::uuid, ${i})`);
            const condition = rule.sql({ sensitivity: 'n.sensitivity', authorOrganisationId: 'n.author' }, params);
            const { rows: hits } = await client.query(
              `SELECT n.i FROM (VALUES ${rows.join(', ')}) AS n(sensitivity, author, i) WHERE ${condition}`,
              params.values,
            );
            const inSql = new Set(hits.map((h: { i: number }) => h.i));
            notes.forEach((note, i) => {
              const want = expected(role, lead, groups, permissions, note.sensitivity, note.authorOrganisationId === ME);
              const label = `${role} ${lead ? 'lead' : `partner [${groups}] [${permissions}]`} ${note.sensitivity} ${note.authorOrganisationId === ME ? 'own' : 'other'}`;
              expect({ label, memory: rule.mayRead(note), sql: inSql.has(i) }).toEqual({ label, memory: want, sql: want });
              cases++;
            });
          }
        }
      }
    }
    // 4 roles × (1 lead + 4 × 5 partner shapes) × 3 sensitivities × 2 authors
    expect(cases).toBe(ROLES.length * 21 * 6);
  });
});
