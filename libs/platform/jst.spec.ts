import { isIsoDate } from './dates.js';
import { formatJst, jstDate, jstDayRange, jstToday, jstYear } from './jst.js';

describe('Japan time', () => {
  const savedTz = process.env.TZ;
  afterAll(() => {
    process.env.TZ = savedTz;
  });

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo'])('gives the Japanese date whatever the process zone (%s)', (zone) => {
    process.env.TZ = zone;
    // 08:30 in Japan is 23:30 UTC the day before.
    expect(jstDate(new Date('2026-11-26T23:30:00Z'))).toBe('2026-11-27');
    expect(jstDate(new Date('2026-11-27T14:59:59.999Z'))).toBe('2026-11-27');
    expect(jstDate(new Date('2026-11-27T15:00:00Z'))).toBe('2026-11-28');
    expect(jstYear(new Date('2026-12-31T23:30:00Z'))).toBe(2027);
    expect(jstYear(new Date('2026-12-31T14:59:59Z'))).toBe(2026);
  });

  it('spans a bare date from 00:00 JST to 00:00 JST the next day', () => {
    const { start, end } = jstDayRange('2026-11-27');
    expect(start.toISOString()).toBe('2026-11-26T15:00:00.000Z');
    expect(end.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(jstDayRange('2028-02-29').end.toISOString()).toBe('2028-02-29T15:00:00.000Z');
    expect(() => jstDayRange('2026-11-27T00:00')).toThrow(RangeError);
    expect(() => jstDayRange('2026-13-40')).toThrow(RangeError);
    expect(() => jstDayRange('2026-02-30')).toThrow(RangeError);
  });

  it('today is the Tokyo date, which turns at 15:00 UTC', () => {
    expect(jstToday(new Date('2026-04-01T14:59:59.999Z'))).toBe('2026-04-01');
    expect(jstToday(new Date('2026-04-01T15:00:00.000Z'))).toBe('2026-04-02');
  });

  it('a bare date is the Tokyo day as [start, end)', () => {
    const { start, end } = jstDayRange('2026-04-01');
    expect(start.toISOString()).toBe('2026-03-31T15:00:00.000Z');
    expect(end.toISOString()).toBe('2026-04-01T15:00:00.000Z');
    expect(jstDayRange('2026-12-31').end.toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it('refuses what is not a calendar date', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-4-1', '2026-04-01T00:00:00Z', '']) expect(isIsoDate(bad)).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(() => jstDayRange('2026-02-30')).toThrow(RangeError);
  });

  it('formats an instant in Tokyo time', () => {
    expect(formatJst('2026-04-01T14:59:59.999Z')).toBe('2026-04-01 23:59:59.999');
    expect(formatJst(new Date('2026-04-01T15:00:00.000Z'))).toBe('2026-04-02 00:00:00.000');
  });
});
