import { formatJst, isBareDate, jstDayRange, jstToday } from './jst.js';

describe('JST days', () => {
  it('today is the Tokyo date, which turns at 15:00 UTC', () => {
    expect(jstToday(new Date('2026-04-01T14:59:59.999Z'))).toBe('2026-04-01');
    expect(jstToday(new Date('2026-04-01T15:00:00.000Z'))).toBe('2026-04-02');
  });

  it('a bare date is the Tokyo day as [start, end)', () => {
    const [start, end] = jstDayRange('2026-04-01');
    expect(start.toISOString()).toBe('2026-03-31T15:00:00.000Z');
    expect(end.toISOString()).toBe('2026-04-01T15:00:00.000Z');
    expect(jstDayRange('2026-12-31')[1].toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it('refuses what is not a calendar date', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-4-1', '2026-04-01T00:00:00Z', '']) expect(isBareDate(bad)).toBe(false);
    expect(isBareDate('2028-02-29')).toBe(true);
    expect(() => jstDayRange('2026-02-30')).toThrow(RangeError);
  });

  it('formats an instant in Tokyo time', () => {
    expect(formatJst('2026-04-01T14:59:59.999Z')).toBe('2026-04-01 23:59:59.999');
    expect(formatJst(new Date('2026-04-01T15:00:00.000Z'))).toBe('2026-04-02 00:00:00.000');
  });
});
