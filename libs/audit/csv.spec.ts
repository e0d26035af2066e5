import { canonicalJson } from './audit-chain.js';
import { csvCell, csvRow } from './csv.js';

describe('csvCell', () => {
  it('quotes per RFC 4180 only when needed', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell('')).toBe('""');
    expect(csvCell([])).toBe('""');
    expect(csvCell(['basic', 'health'])).toBe('basic health');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('neutralises cells a spreadsheet would evaluate', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(hostile).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("a","b")')).toBe(`"'=HYPERLINK(""a"",""b"")"`);
    expect(csvCell('a=1')).toBe('a=1');
    // reversible: an apostrophe at the start is escaped too
    expect(csvCell("'quoted")).toBe("''quoted");
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson([{ y: 'ー', x: '高橋' }])).toBe('[{"x":"高橋","y":"ー"}]');
  });
});
