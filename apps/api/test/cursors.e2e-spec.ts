import { type CursorPart, encodeCursor, uuidv7 } from '#libs/platform/index.js';
import { expectError, TestApp } from './harness.js';
import { createRecipient, FULL_RECIPIENT, grant } from './recipient-fixtures.js';

type Actor = Awaited<ReturnType<TestApp['actor']>>;

/** One list of the API: where it is, who may read it, and the parts of the cursors it issues. */
interface List {
  path: string;
  token: string;
  parts: CursorPart[];
}

/** A valid value of each part: a cursor of these has the right shape, so only the forged part can be refused. */
const SAMPLE: Record<CursorPart, () => string | number> = {
  timestamp: () => '2026-01-01 00:00:00+00',
  uuid: () => uuidv7(),
  text: () => 'あ',
  int: () => 1,
};

/** Values of the wrong type, or of the right JSON type but not a value the API issues, for each part. */
const WRONG: Record<CursorPart, unknown[]> = {
  timestamp: [1, null, true, [], {}, 'x', '2026-W01-1', '20260101', '2026', '2026-02-30 00:00:00+00'],
  uuid: [1, null, [], {}, 'nope', '018f0000-0000-7000-8000-00000000000', '018f0000-0000-7000-8000-00000000000g'],
  text: [1, null, false, [], {}, 'a\u0000b', 'x'.repeat(401)],
  int: ['1', null, [], {}, -1, 1.5, 2 ** 53],
};

const base64 = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors no list accepts: not base64url JSON, JSON of the wrong shape, or no parts at all. */
const MALFORMED = [
  '%%%',
  'not a cursor',
  base64('not json'),
  base64('{"a":1}'),
  base64('"text"'),
  base64('null'),
  base64('1'),
  base64('[[1],{}]'),
  encodeCursor([]),
];

/** Every cursor forged for a list of these parts: malformed, one part too many or too few, each part of a wrong type. */
function forgedFor(parts: CursorPart[]): string[] {
  const sample = parts.map((part) => SAMPLE[part]());
  const wrongParts = parts.flatMap((part, i) => WRONG[part].map((value) => base64(JSON.stringify(sample.map((v, j) => (i === j ? value : v))))));
  // JSON.stringify writes Infinity as null: a number too large for a double is only made by hand.
  const huge = parts.includes('int') ? [base64(`[${parts.map((part) => (part === 'int' ? '1e400' : JSON.stringify(SAMPLE[part]()))).join(',')}]`)] : [];
  const swapped = parts.length > 1 ? [encodeCursor([...sample].reverse())] : [];
  return [...MALFORMED, encodeCursor([...sample, sample[0]]), encodeCursor(sample.slice(0, -1)), ...swapped, ...wrongParts, ...huge];
}

const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

describe('cursors: every list pages with the cursors it issues and refuses forged ones with 400 INVALID_CURSOR', () => {
  let t: TestApp;
  let lead: Actor;
  let auditor: Actor;
  let admin: Actor;
  let lists: List[];

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.actor('caseworker');
    auditor = await t.actor('auditor');
    admin = await t.actor('system_admin');
    const partners = [await t.actor('caseworker', 'community_support_center'), await t.actor('caseworker', 'medical')];
    // Two of everything, so that each list has a second page.
    await t.user(lead.organisationId, 'caseworker');
    const family = `頁${uuidv7().slice(-6)}`;
    const recipients = [
      await createRecipient(t, lead.token, { ...FULL_RECIPIENT, familyName: family }),
      await createRecipient(t, lead.token, { ...FULL_RECIPIENT, familyName: family }),
    ];
    const recipient = recipients[0];
    for (const [i, version] of [recipient.version, recipient.version + 1].entries()) {
      const res = await t.patch(`/recipients/${recipient.id}`, lead.token, { address: `新潟県三条市本町${i + 2}` }, { 'if-match': `"${version}"` });
      expect(res.status).toBe(200);
    }
    const notes = [];
    for (const body of ['訪問', '電話']) {
      const res = await t.post(`/recipients/${recipient.id}/notes`, lead.token, { occurredAt: '2026-11-20T10:30:00+09:00', contactType: 'visit', body, sensitivity: 'normal' });
      expect(res.status).toBe(201);
      notes.push(res.body.id as string);
    }
    expect((await t.patch(`/recipients/${recipient.id}/notes/${notes[0]}`, lead.token, { body: '訪問 (追記)' }, { 'if-match': '"1"' })).status).toBe(200);
    for (const partner of partners) await grant(t, lead.token, recipient.id, partner.organisationId);
    for (const partner of partners) {
      const res = await t.post(`/recipients/${recipient.id}/consents`, lead.token, {
        organisationIds: [partner.organisationId],
        fieldGroups: ['basic'],
        purpose: '情報共有',
        obtainedOn: '2026-11-20',
        method: 'written',
        signatory: 'self',
      });
      expect(res.status).toBe(201);
    }

    const timeAndId: CursorPart[] = ['timestamp', 'uuid'];
    const textAndId: CursorPart[] = ['text', 'uuid'];
    lists = [
      { path: '/organisations', token: admin.token, parts: textAndId },
      { path: '/users', token: admin.token, parts: timeAndId },
      { path: '/recipients', token: lead.token, parts: timeAndId },
      { path: '/recipients?sort=kana', token: lead.token, parts: textAndId },
      { path: `/recipients/${recipient.id}/history`, token: lead.token, parts: ['int'] },
      { path: `/recipients/${recipient.id}/notes`, token: lead.token, parts: timeAndId },
      { path: `/recipients/${recipient.id}/notes/${notes[0]}/history`, token: lead.token, parts: ['int'] },
      { path: `/recipients/${recipient.id}/grants`, token: lead.token, parts: timeAndId },
      { path: `/recipients/${recipient.id}/consents`, token: lead.token, parts: timeAndId },
      { path: '/grants', token: auditor.token, parts: timeAndId },
      { path: `/audit-events?actorUserId=${lead.id}`, token: auditor.token, parts: ['int'] },
      { path: `/audit-events?actorUserId=${lead.id}&order=desc`, token: auditor.token, parts: ['int'] },
      { path: `/audit/users?organisationId=${lead.organisationId}`, token: auditor.token, parts: textAndId },
      { path: `/audit/recipients?q=${encodeURIComponent(family)}`, token: auditor.token, parts: textAndId },
    ];
  });
  afterAll(() => t?.close());

  it('pages through every list one item at a time, each item once, in the order of the whole list', async () => {
    for (const { path, token } of lists) {
      const whole = await t.get(withQuery(path, 'limit=200'), token);
      expect({ path, status: whole.status }).toEqual({ path, status: 200 });
      const expected = (whole.body.items as { id?: string; version?: number }[]).map((item) => item.id ?? item.version);
      expect({ path, atLeastTwo: expected.length >= 2 }).toEqual({ path, atLeastTwo: true });
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? 'limit=1' : `limit=1&cursor=${encodeURIComponent(cursor)}`;
        const page = await t.get(withQuery(path, query), token);
        expect({ path, status: page.status }).toEqual({ path, status: 200 });
        paged.push(...(page.body.items as { id?: string; version?: number }[]).map((item) => item.id ?? item.version));
        cursor = page.body.nextCursor;
      } while (cursor !== null && paged.length <= expected.length);
      expect({ path, paged }).toEqual({ path, paged: expected });
    }
  });

  it('answers a cursor of the right shape that this list did not issue like any other (200), so refusals below are for the forgery', async () => {
    for (const { path, token, parts } of lists) {
      const res = await t.get(withQuery(path, `cursor=${encodeCursor(parts.map((part) => SAMPLE[part]()))}`), token);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('refuses every forged cursor on every list with 400 INVALID_CURSOR: bad JSON, wrong number of parts, wrong part types', async () => {
    for (const { path, token, parts } of lists) {
      for (const cursor of forgedFor(parts)) {
        const res = await t.get(withQuery(path, `cursor=${encodeURIComponent(cursor)}`), token);
        if (res.status !== 400 || res.body.code !== 'INVALID_CURSOR') {
          throw new Error(`${path} with cursor ${Buffer.from(cursor, 'base64url').toString()}: ${res.status} ${res.text.slice(0, 200)}`);
        }
        expectError(res, 400, 'INVALID_CURSOR');
      }
    }
  });

  it('refuses a forged cursor on the CSV export too, before any byte of the file', async () => {
    for (const cursor of forgedFor(['int'])) {
      const res = await t.get(`/audit-events?format=csv&cursor=${encodeURIComponent(cursor)}`, auditor.token);
      expectError(res, 400, 'INVALID_CURSOR');
    }
  });
});
