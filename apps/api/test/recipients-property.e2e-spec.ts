import fc from 'fast-check';
import { FIELD_GROUPS, type FieldGroup, GRANT_PERMISSIONS } from '#libs/contracts/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { kanaSortKey } from '#libs/japanese-names/index.js';
import { TestApp } from './harness.js';
import { groupsIn } from './recipient-fixtures.js';

/**
 * Random organisations, recipients and grants (active, revoked, expired, not yet valid), written straight into the
 * database; then GET /recipients (followed through every page) and single GETs must agree exactly with a deliberately
 * simple oracle on which recipients each organisation sees, with which field groups and permissions, in which order.
 */
const ORGS = 3;
type GrantState = 'active' | 'revoked' | 'expired' | 'future' | 'until_later';

interface Scenario {
  recipients: { lead: number; minutesAgo: number }[];
  grants: { recipient: number; grantee: number; groups: FieldGroup[]; permissions: string[]; state: GrantState }[];
  limit: number;
  probes: [number, number][];
}

const groupsArb = fc.subarray(FIELD_GROUPS.filter((g) => g !== 'basic')).map((gs) => ['basic', ...gs] as FieldGroup[]);
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .array(fc.record({ lead: fc.nat(ORGS - 1), minutesAgo: fc.nat(3) }), { minLength: 0, maxLength: 7 })
  .chain((recipients) =>
    fc.record({
      recipients: fc.constant(recipients),
      grants:
        recipients.length === 0
          ? fc.constant([])
          : fc.array(
              fc.record({
                recipient: fc.nat(recipients.length - 1),
                grantee: fc.nat(ORGS - 1),
                groups: groupsArb,
                permissions: fc.subarray([...GRANT_PERMISSIONS]),
                state: fc.constantFrom<GrantState>('active', 'active', 'until_later', 'revoked', 'expired', 'future'),
              }),
              { maxLength: 10 },
            ),
      limit: fc.integer({ min: 2, max: 5 }),
      probes: recipients.length === 0 ? fc.constant([]) : fc.array(fc.tuple(fc.nat(ORGS - 1), fc.nat(recipients.length - 1)), { maxLength: 3 }),
    }),
  );

describe('recipient access: property test against a simple oracle', () => {
  let t: TestApp;
  const orgs: { id: string; userId: string; token: string }[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    for (let i = 0; i < ORGS; i++) {
      const a = await t.actor('caseworker', 'municipal_department');
      orgs.push({ id: a.organisationId, userId: a.id, token: a.token });
    }
  });
  afterAll(() => t.close());

  it('lists and single reads agree with the oracle (200 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await t.ownerQuery('DELETE FROM grants; DELETE FROM recipients');
        const ids = s.recipients.map(() => uuidv7());
        const rows = await t.ownerQuery(
          `INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, search_key, kana_sort_key, updated_at)
           SELECT x.id, x.by, x.lead, 'P-' || x.id, 'p', 'q', 'pq', $2, date_trunc('minute', now()) - x.m * interval '1 minute'
             FROM json_to_recordset($1::json) AS x(id uuid, by uuid, lead uuid, m int)
           RETURNING id, extract(epoch FROM updated_at) AS u`,
          [JSON.stringify(s.recipients.map((r, i) => ({ id: ids[i], by: orgs[r.lead].userId, lead: orgs[r.lead].id, m: r.minutesAgo }))), kanaSortKey(null, null)],
        );
        const updatedAt = ids.map((id) => Number(rows.find((row) => row.id === id).u));
        if (s.grants.length > 0) {
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
                s.grants.map((g) => ({
                  id: uuidv7(),
                  recipient: ids[g.recipient],
                  grantee: orgs[g.grantee].id,
                  groups: g.groups,
                  permissions: g.permissions,
                  state: g.state,
                  by: orgs[s.recipients[g.recipient].lead].userId,
                })),
              ),
            ],
          );
        }
        // The oracle: lead sees everything; otherwise the union of active grants; nothing else.
        const oracle = (org: number, r: number) => {
          if (s.recipients[r].lead === org) return { groups: [...FIELD_GROUPS], permissions: [...GRANT_PERMISSIONS] };
          const active = s.grants.filter((g) => g.recipient === r && g.grantee === org && (g.state === 'active' || g.state === 'until_later'));
          if (active.length === 0) return null;
          return {
            groups: FIELD_GROUPS.filter((fg) => active.some((g) => g.groups.includes(fg))),
            permissions: GRANT_PERMISSIONS.filter((p) => active.some((g) => g.permissions.includes(p))),
          };
        };
        for (let o = 0; o < ORGS; o++) {
          const expected = s.recipients
            .map((_, r) => r)
            .filter((r) => oracle(o, r) !== null)
            .sort((a, b) => updatedAt[b] - updatedAt[a] || (ids[b] > ids[a] ? 1 : -1));
          const seen: any[] = [];
          let cursor: string | null = null;
          do {
            const res: { status: number; body: any } = await t.get(`/recipients?limit=${s.limit}${cursor ? `&cursor=${cursor}` : ''}`, orgs[o].token);
            expect(res.status).toBe(200);
            seen.push(...res.body.items);
            cursor = res.body.nextCursor;
          } while (cursor && seen.length <= s.recipients.length);
          expect(seen.map((x) => x.id)).toEqual(expected.map((r) => ids[r]));
          for (const item of seen) {
            const want = oracle(o, ids.indexOf(item.id))!;
            expect(groupsIn(item)).toEqual(want.groups);
            expect(item.access).toEqual({ fieldGroups: want.groups, permissions: want.permissions });
          }
        }
        for (const [o, r] of s.probes) {
          const res = await t.get(`/recipients/${ids[r]}`, orgs[o].token);
          const want = oracle(o, r);
          if (want === null) {
            expect(res.status).toBe(404);
          } else {
            expect(res.status).toBe(200);
            expect(groupsIn(res.body)).toEqual(want.groups);
            expect(res.body.access).toEqual({ fieldGroups: want.groups, permissions: want.permissions });
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
