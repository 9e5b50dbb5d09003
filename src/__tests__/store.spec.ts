import { FindingsStore } from '../store';

import { finding } from './fakes';

describe('FindingsStore', () => {
  it('names the cells whose findings changed and keeps unchanged arrays', () => {
    const store = new FindingsStore();
    const stale = finding({ cell_id: 'total' });
    const ubd = finding({ cell_id: 'plot', code: 'NBG101' });
    const sources = new Map([
      ['total', 'total = sum(prices)'],
      ['plot', 'plot(total)']
    ]);
    expect([...store.update([stale, ubd], sources)].sort()).toEqual([
      'plot',
      'total'
    ]);
    const all = store.diagnostics;
    const forTotal = store.forCell('total');
    // The same answer again: nothing touched, the same arrays
    expect(
      store.update([{ ...stale }, { ...ubd }], new Map(sources)).size
    ).toBe(0);
    expect(store.diagnostics).toBe(all);
    expect(store.forCell('total')).toBe(forTotal);
    // A finding added to one cell: the other cell's finding is the same object
    const extra = finding({ cell_id: 'plot', code: 'NBG102' });
    store.update([{ ...stale }, { ...ubd }, extra], new Map(sources));
    expect(store.diagnostics[0]).toBe(all[0]);
    expect(store.diagnostics[1]).not.toBe(all[1]);
    expect(store.diagnostics[2]).toBe(extra);
    // One finding gone: only its cell is touched
    expect([...store.update([stale], new Map(sources))]).toEqual(['plot']);
    expect(store.forCell('plot')).toEqual([]);
    expect(store.diagnostics).not.toBe(all);
  });

  it('touches a cell with findings whose checked source changed, not one without', () => {
    const store = new FindingsStore();
    const stale = finding({ cell_id: 'total' });
    store.update(
      [stale],
      new Map([
        ['total', 'total = sum(prices)'],
        ['plot', 'plot(total)']
      ])
    );
    const touched = store.update(
      [stale],
      new Map([
        ['total', 'total = sum(prices)  # edited'],
        ['plot', 'plot(total)  # edited']
      ])
    );
    expect([...touched]).toEqual(['total']);
    expect(store.checkedSource('total')).toBe('total = sum(prices)  # edited');
    expect(store.checkedSource('gone')).toBeNull();
  });
});
