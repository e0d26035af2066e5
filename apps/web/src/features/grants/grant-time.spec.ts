import { grantState, parseValidUntil } from './grant-time';

describe('grant validity as typed and shown', () => {
  it('reads a date as the end of that day in Japan, a date and time as Japan time', () => {
    expect(parseValidUntil('2027-03-31')).toBe('2027-03-31T14:59:59.000Z');
    expect(parseValidUntil('2027/3/31')).toBe('2027-03-31T14:59:59.000Z');
    expect(parseValidUntil('2027-03-31T09:30')).toBe('2027-03-31T00:30:00.000Z');
    expect(parseValidUntil('')).toBeUndefined();
    expect(parseValidUntil('来月まで')).toBeNull();
  });

  it('tells active, pending, expired and revoked grants apart', () => {
    const now = Date.parse('2026-11-27T00:00:00Z');
    const g = { revokedAt: null, validFrom: '2026-11-01T00:00:00Z', validUntil: null };
    expect(grantState(g, now)).toBe('active');
    expect(grantState({ ...g, validUntil: '2026-11-26T00:00:00Z' }, now)).toBe('expired');
    expect(grantState({ ...g, validFrom: '2026-12-01T00:00:00Z' }, now)).toBe('pending');
    expect(grantState({ ...g, revokedAt: '2026-11-20T00:00:00Z' }, now)).toBe('revoked');
  });
});
