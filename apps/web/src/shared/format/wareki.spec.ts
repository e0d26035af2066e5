import { formatDate, formatDateTime, fromTokyoInput, toTokyoInput, toWareki } from './wareki';

describe('和暦', () => {
  it('turns at the era boundaries: 昭和64年1月7日 → 平成元年1月8日, 平成31年4月30日 → 令和元年5月1日', () => {
    expect(toWareki('1989-01-07')).toBe('昭和64年1月7日');
    expect(toWareki('1989-01-08')).toBe('平成元年1月8日');
    expect(toWareki('2019-04-30')).toBe('平成31年4月30日');
    expect(toWareki('2019-05-01')).toBe('令和元年5月1日');
  });

  it('counts years from the era start and writes the first year as 元年', () => {
    expect(toWareki('2025-04-01')).toBe('令和7年4月1日');
    expect(toWareki('2020-01-01')).toBe('令和2年1月1日');
    expect(toWareki('1926-12-25')).toBe('昭和元年12月25日');
    expect(toWareki('1926-12-24')).toBe('大正15年12月24日');
    expect(toWareki('1800-01-01')).toBeNull();
    expect(toWareki('2025-4-1')).toBeNull();
  });

  it('shows the Western date beside it in Japanese only', () => {
    expect(formatDate('2025-04-01', 'ja')).toBe('令和7年4月1日 (2025-04-01)');
    expect(formatDate('2025-04-01', 'en')).toBe('2025-04-01');
  });

  it('gives times in Asia/Tokyo whatever the instant’s zone, across the date line', () => {
    expect(formatDateTime('2019-04-30T15:30:00.000Z', 'ja')).toBe('令和元年5月1日 (2019-05-01) 00:30');
    expect(formatDateTime('2019-04-30T14:59:00.000Z', 'en')).toBe('2019-04-30 23:59 JST');
    expect(toTokyoInput('2025-03-31T15:00:00.000Z')).toBe('2025-04-01T00:00');
    expect(fromTokyoInput('2025-04-01T00:00')).toBe('2025-03-31T15:00:00.000Z');
  });
});
