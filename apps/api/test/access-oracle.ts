import fc from 'fast-check';
import { FIELD_GROUPS, type FieldGroup, GRANT_PERMISSIONS } from '#libs/contracts/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import type { TestApp } from './harness.js';

/**
 * The access oracle of the property tests: shared/API.md's rule written as plainly as possible (lead sees everything;
 * otherwise the union of the grants in force; nothing else), random grants in every state, and their insertion
 * straight into the database.
 */
export type GrantState = 'active' | 'revoked' | 'expired' | 'future' | 'until_later';

export interface GrantSpec {
  recipient: number;
  grantee: number;
  groups: FieldGroup[];
  permissions: string[];
  state: GrantState;
}

export interface OracleAccess {
  lead: boolean;
  groups: FieldGroup[];
  permissions: string[];
}

export const groupsArb = fc.subarray(FIELD_GROUPS.filter((g) => g !== 'basic')).map((gs) => ['basic', ...gs] as FieldGroup[]);

export const grantArb = (recipients: number, organisations: number, states: GrantState[]): fc.Arbitrary<GrantSpec> =>
  fc.record({
    recipient: fc.nat(recipients - 1),
    grantee: fc.nat(organisations - 1),
    groups: groupsArb,
    permissions: fc.subarray([...GRANT_PERMISSIONS]),
    state: fc.constantFrom(...states),
  });

/** What organisation `org` may read of recipient `r` led by `leads[r]`, or null. */
export function oracle(leads: readonly number[], grants: readonly GrantSpec[], org: number, r: number): OracleAccess | null {
  if (leads[r] === org) return { lead: true, groups: [...FIELD_GROUPS], permissions: [...GRANT_PERMISSIONS] };
  const active = grants.filter((g) => g.recipient === r && g.grantee === org && (g.state === 'active' || g.state === 'until_later'));
  if (active.length === 0) return null;
  return {
    lead: false,
    groups: FIELD_GROUPS.filter((fg) => active.some((g) => g.groups.includes(fg))),
    permissions: GRANT_PERMISSIONS.filter((p) => active.some((g) => g.permissions.includes(p))),
  };
}

/** Writes the grants (each in its state relative to now) and returns their ids. */
export async function insertGrants(
  t: TestApp,
  orgs: readonly { id: string; userId: string }[],
  ids: readonly string[],
  leads: readonly number[],
  grants: readonly GrantSpec[],
): Promise<string[]> {
  const grantIds = grants.map(() => uuidv7());
  if (grants.length === 0) return grantIds;
  await t.ownerQuery(
    `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
       valid_from, valid_until, revoked_at, granted_by)
     SELECT x.id, x.recipient, x.grantee, x.groups, x.permissions, 'statute', 'x',
            CASE x.state WHEN 'expired' THEN now() - interval '2 hours' WHEN 'future' THEN now() + interval '1 hour'
                         ELSE now() - interval '1 hour' END,
            CASE x.state WHEN 'expired' THEN now() - interval '1 second' WHEN 'until_later' THEN now() + interval '1 hour' END,
            CASE x.state WHEN 'revoked' THEN now() - interval '1 minute' END,
            x.by
       FROM json_to_recordset($1::json) AS x(id uuid, recipient uuid, grantee uuid, groups text[], permissions text[], state text, by uuid)`,
    [
      JSON.stringify(
        grants.map((g, i) => ({
          id: grantIds[i],
          recipient: ids[g.recipient],
          grantee: orgs[g.grantee].id,
          groups: g.groups,
          permissions: g.permissions,
          state: g.state,
          by: orgs[leads[g.recipient]].userId,
        })),
      ),
    ],
  );
  return grantIds;
}
