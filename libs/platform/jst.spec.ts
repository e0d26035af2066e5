import { jstDate, jstDayRange, jstYear } from './jst.js';

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
});
