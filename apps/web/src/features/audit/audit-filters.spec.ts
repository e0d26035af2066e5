import { auditParams, dateRangeError, EMPTY_FILTERS, resolveLookup } from './audit-filters';

describe('audit filters', () => {
  it('sends a picked recipient and person by id, and typed text as a case number and a login id', () => {
    expect(auditParams(EMPTY_FILTERS)).toEqual({});
    expect(
      auditParams({
        ...EMPTY_FILTERS,
        recipient: { text: '山田', id: 'r1', label: '山田 花子' },
        person: { text: 'sato', id: 'u1' },
        action: 'recipient.read',
        outcome: 'allowed',
        from: '2025-04-01',
        to: '2025-04-30',
      }),
    ).toEqual({ recipientId: 'r1', actorUserId: 'u1', action: 'recipient.read', outcome: 'allowed', from: '2025-04-01', to: '2025-04-30' });
    expect(auditParams({ ...EMPTY_FILTERS, recipient: { text: ' C-2025-0001 ' }, person: { text: 'Sato.Kaigo' }, organisationId: 'o1' })).toEqual({
      caseNumber: 'C-2025-0001',
      actorLoginId: 'Sato.Kaigo',
      organisationId: 'o1',
    });
  });

  it('resolves typed text to one match, an exact key among several, or a choice', () => {
    const key = (x: { k: string }) => x.k;
    expect(resolveLookup('a', [], key)).toEqual({ none: true });
    expect(resolveLookup('zz', [{ k: 'a' }], key)).toEqual({ pick: { k: 'a' } });
    expect(resolveLookup('ｃ－１', [{ k: 'c-1' }, { k: 'c-10' }], key)).toEqual({ pick: { k: 'c-1' } });
    expect(resolveLookup('c', [{ k: 'c-1' }, { k: 'c-10' }], key)).toEqual({ choices: [{ k: 'c-1' }, { k: 'c-10' }] });
  });

  it('refuses an end date before the start date', () => {
    expect(dateRangeError('2025-04-02', '2025-04-01')).toBe('order');
    expect(dateRangeError('2025-04-01', '2025-04-01')).toBeNull();
    expect(dateRangeError('', '2025-04-01')).toBeNull();
  });
});
