import fc from 'fast-check';
import { isIsoDate, isIsoTimestamp, isStoredTimestamp } from './dates.js';
import { jsonDepth, unstorableAt } from './input-edge.js';
import { codePoints } from './lengths.js';
import { hasUnstorableChars, storableText } from './text.js';

describe('the input edge', () => {
  it('measures JSON nesting, ignoring brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('"[[[[["')).toBe(0);
    expect(jsonDepth('{"a":"\\"[[[["}')).toBe(1);
    expect(jsonDepth('['.repeat(100_000), 32)).toBe(33); // stops counting past the limit
    fc.assert(fc.property(fc.jsonValue(), (v) => jsonDepth(JSON.stringify(v), 1000) === depthOf(v)));
  });

  it('finds NUL and lone surrogates anywhere and names where', () => {
    expect(unstorableAt({ a: [1, { b: 'x\u0000' }] }, 'body')).toBe('body.a[1].b');
    expect(unstorableAt({ ['k\ud800']: 1 }, 'body')).toBe('body.k\\ud800');
    expect(unstorableAt({ a: '😀', b: ['\ud83d\ude00'] }, 'body')).toBeNull();
    expect(hasUnstorableChars('a\udc00')).toBe(true);
    expect(storableText('\ud800x\u0000\udfff')).toBe('\uFFFDx\uFFFD\uFFFD');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => hasUnstorableChars(s) === s.includes('\u0000') && storableText(s) === s.replaceAll('\u0000', '\uFFFD')),
    );
  });

  it('counts code points as PostgreSQL length() does', () => {
    expect(codePoints('a\uFE0F')).toBe(2);
    expect(codePoints('𠮷')).toBe(1);
    expect(codePoints('\ud800')).toBe(1);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => codePoints(s) === Array.from(s).length));
  });

  it('accepts exactly YYYY-MM-DD and ISO 8601 timestamps with an offset', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        return isIsoTimestamp(iso) && isIsoDate(iso.slice(0, 10)) && isStoredTimestamp(iso.replace('T', ' ').replace('Z', '+00'));
      }),
    );
    for (const bad of ['2026-W01-1', '20260101', '2026', '+020260-01-01', '2026-02-29', '2026-02-30', '0000-01-01', '2026-1-01']) {
      expect(isIsoDate(bad)).toBe(false);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const bad of ['2026-01-01T10:00:00', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:00+14:01', '2026-01-01T10:00:00+0900', '2026-01-01T10:00:00.1234567Z']) {
      expect(isIsoTimestamp(bad)).toBe(false);
    }
    expect(isIsoTimestamp('2026-01-01T10:00:00.123456-14:00')).toBe(true);
    expect(isIsoTimestamp('2026-01-01T10:00+09:00')).toBe(true);
  });
});

function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...children.map(depthOf));
}
