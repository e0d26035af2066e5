import { changedFields, mergeConflict, mergePatch } from './conflict';

const FIELDS = ['phone', 'address', 'status', 'supportCategories', 'healthNotes'];

describe('the conflict merge', () => {
  const base = { phone: '0256-00-0000', address: '三条市元町1-1', status: 'intake', supportCategories: ['elderly'] };

  it('shows what the other person changed and re-applies the user’s own edits on top of their version', () => {
    const draft = { ...base, phone: '0256-11-1111' };
    const current = { ...base, address: '三条市本町2-2', status: 'active' };
    const result = mergeConflict(base, draft, current, FIELDS);
    expect(result.theirs).toEqual([
      { field: 'address', value: '三条市本町2-2' },
      { field: 'status', value: 'active' },
    ]);
    expect(result.merged).toEqual({ phone: '0256-11-1111', address: '三条市本町2-2', status: 'active', supportCategories: ['elderly'] });
    expect(result.clashes).toEqual([]);
  });

  it('reports a field both changed differently as a clash (the user’s value kept), and one both set alike as none', () => {
    const draft = { ...base, status: 'monitoring', address: '三条市本町2-2' };
    const current = { ...base, status: 'closed', address: '三条市本町2-2' };
    const result = mergeConflict(base, draft, current, FIELDS);
    expect(result.clashes).toEqual(['status']);
    expect(result.merged.status).toBe('monitoring');
  });

  it('compares arrays by value and never mentions fields the caller cannot read (absent from the answer)', () => {
    const draft = { ...base, supportCategories: ['elderly', 'poverty'] };
    const current = { ...base, supportCategories: ['elderly'] }; // no healthNotes: not readable
    const result = mergeConflict({ ...base, healthNotes: undefined }, draft, current, FIELDS);
    expect(result.theirs).toEqual([]);
    expect(result.merged.supportCategories).toEqual(['elderly', 'poverty']);
    expect('healthNotes' in result.merged).toBe(false);
  });

  it('builds the merge patch from the changed fields only, an emptied text clearing the value', () => {
    const draft = { ...base, phone: '', status: 'active' };
    expect(changedFields(base, draft, FIELDS)).toEqual(['phone', 'status']);
    expect(mergePatch(base, draft, FIELDS)).toEqual({ phone: null, status: 'active' });
    expect(mergePatch(base, { ...base }, FIELDS)).toEqual({});
  });
});
