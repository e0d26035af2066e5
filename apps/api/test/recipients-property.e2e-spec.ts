import fc from 'fast-check';
import { kanaSortKey } from '#libs/japanese-names/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { type GrantSpec, grantArb, insertGrants, oracle } from './access-oracle.js';
import { TestApp } from './harness.js';
import { groupsIn } from './recipient-fixtures.js';

/**
 * Random organisations, recipients and grants (active, revoked, expired, not yet valid), written straight into the
 * database; then GET /recipients (followed through every page) and single GETs must agree exactly with a deliberately
 * simple oracle on which recipients each organisation sees, with which field groups and permissions, in which order.
 */
const ORGS = 3;

interface Scenario {
  recipients: { lead: number; minutesAgo: number }[];
  grants: GrantSpec[];
  limit: number;
  probes: [number, number][];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .array(fc.record({ lead: fc.nat(ORGS - 1), minutesAgo: fc.nat(3) }), { minLength: 0, maxLength: 7 })
  .chain((recipients) =>
    fc.record({
      recipients: fc.constant(recipients),
      grants:
        recipients.length === 0
          ? fc.constant([])
          : fc.array(grantArb(recipients.length, ORGS, ['active', 'active', 'until_later', 'revoked', 'expired', 'future']), { maxLength: 10 }),
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
        const leads = s.recipients.map((r) => r.lead);
        await insertGrants(t, orgs, ids, leads, s.grants);
        const access = (org: number, r: number) => oracle(leads, s.grants, org, r);
        for (let o = 0; o < ORGS; o++) {
          const expected = s.recipients
            .map((_, r) => r)
            .filter((r) => access(o, r) !== null)
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
            const want = access(o, ids.indexOf(item.id))!;
            expect(groupsIn(item)).toEqual(want.groups);
            expect(item.access).toEqual({ fieldGroups: want.groups, permissions: want.permissions });
          }
        }
        for (const [o, r] of s.probes) {
          const res = await t.get(`/recipients/${ids[r]}`, orgs[o].token);
          const want = access(o, r);
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
