import { nullTranslator } from '@jupyterlab/translation';

import type { Diagnostic } from '../api';
import { placeFindings, type ICellRef } from '../findings';
import {
  filterFindings,
  groupFindings,
  isUnfiltered,
  moveFocus,
  NO_FILTER,
  orphansOf,
  ROW_WINDOW,
  rulesPresent,
  rangeFor
} from '../panel/model';
import {
  findingTarget,
  linkCellReferences,
  nameRange,
  positionsById,
  relatedTarget,
  targetLabel
} from '../panel/labels';

import { finding } from './fakes';

const trans = nullTranslator.load('jupyterlab_nbguard');

/** Four cells: a markdown title, then three code cells. */
const CELLS: ICellRef[] = [
  { id: 'title', executionCount: null },
  { id: 'load', executionCount: 7 },
  { id: 'total', executionCount: 3 },
  { id: 'plot', executionCount: null }
];

const positions = positionsById(CELLS);

function codes(diagnostics: ReadonlyArray<{ diagnostic: Diagnostic }>) {
  return diagnostics.map(f => `${f.diagnostic.code}@${f.diagnostic.cell_id}`);
}

/** A mixed set: cells out of page order, a notebook-level and a deleted cell. */
function mixed(): Diagnostic[] {
  return [
    finding({
      cell_id: 'plot',
      code: 'NBG101',
      rule: 'use-before-def',
      severity: 'error'
    }),
    finding({ cell_id: 'total' }),
    finding({
      cell_id: null,
      code: 'NBG203',
      rule: 'deleted-but-live',
      range: null,
      names: ['old', 'tmp'],
      related: [
        { cell_id: 'gone', execution_count: 2, message: "'old' defined here" },
        { cell_id: null, execution_count: 5, message: "'tmp' defined here" }
      ]
    }),
    finding({ cell_id: 'gone', code: 'NBG203', rule: 'deleted-but-live' }),
    finding({
      cell_id: 'load',
      code: 'NBG205',
      rule: 'run-order',
      severity: 'info'
    }),
    finding({
      cell_id: 'total',
      code: 'NBG101',
      rule: 'use-before-def',
      severity: 'error',
      message: "'tax' is defined only below, in cell 4"
    })
  ];
}

describe('groupFindings', () => {
  it('groups by cell in page order: notebook first, deleted cells last', () => {
    // Given findings placed in page order
    const placed = placeFindings(mixed(), CELLS);
    // When grouping by cell
    const groups = groupFindings(placed, 'cell');
    // Then one group per cell, in page order, with counts
    expect(groups.map(g => g.key)).toEqual([
      'notebook',
      'cell:1',
      'cell:2',
      'cell:3',
      'deleted'
    ]);
    const total = groups[2];
    expect(total.cellIndex).toBe(2);
    expect(total.counts).toEqual({ error: 1, warning: 1, info: 0 });
    expect(groups.reduce((n, g) => n + g.items.length, 0)).toBe(6);
  });

  it('groups by rule in code order, each group in cell order', () => {
    const groups = groupFindings(placeFindings(mixed(), CELLS), 'rule');
    expect(groups.map(g => g.code)).toEqual([
      'NBG101',
      'NBG201',
      'NBG203',
      'NBG205'
    ]);
    // NBG101 in 'total' (cell 3) comes before NBG101 in 'plot' (cell 4)
    expect(codes(groups[0].items)).toEqual(['NBG101@total', 'NBG101@plot']);
    expect(groups[0].rule).toBe('use-before-def');
    expect(groups[0].counts.error).toBe(2);
    // the notebook-level NBG203 first, the deleted cell's after it
    expect(codes(groups[2].items)).toEqual(['NBG203@null', 'NBG203@gone']);
  });

  it('gives no group for nothing', () => {
    expect(groupFindings([], 'cell')).toEqual([]);
  });
});

describe('filterFindings', () => {
  const placed = placeFindings(mixed(), CELLS);
  const label = (f: { diagnostic: Diagnostic }) =>
    targetLabel(trans, findingTarget(f.diagnostic, positions));

  it('lets everything through without a filter', () => {
    expect(isUnfiltered(NO_FILTER)).toBe(true);
    expect(filterFindings(placed, NO_FILTER, label)).toHaveLength(6);
  });

  it('filters by severity and by rule', () => {
    const errors = filterFindings(
      placed,
      { ...NO_FILTER, severities: new Set(['error']) },
      label
    );
    expect(codes(errors)).toEqual(['NBG101@total', 'NBG101@plot']);
    const rule = { ...NO_FILTER, code: 'NBG203' };
    expect(isUnfiltered(rule)).toBe(false);
    expect(codes(filterFindings(placed, rule, label))).toEqual([
      'NBG203@null',
      'NBG203@gone'
    ]);
  });

  it('filters by text in message, names, rule and cell label', () => {
    const by = (text: string) =>
      codes(filterFindings(placed, { ...NO_FILTER, text }, label));
    expect(by('TAX')).toEqual(['NBG101@total']);
    expect(by('  Cell   3 ')).toEqual(['NBG101@total', 'NBG201@total']);
    expect(by('run-order')).toEqual(['NBG205@load']);
    expect(by('tax prices-never')).toEqual([]);
  });

  it('lists the rules present with their counts', () => {
    expect(rulesPresent(mixed())).toEqual([
      ['NBG101', 'use-before-def', 2],
      ['NBG201', 'stale-cell', 1],
      ['NBG203', 'deleted-but-live', 2],
      ['NBG205', 'run-order', 1]
    ]);
  });
});

describe('keyboard model', () => {
  it('moves by one, by a page and to the ends, stopping at the ends', () => {
    expect(moveFocus(-1, 'ArrowDown', 5)).toBe(0);
    expect(moveFocus(-1, 'ArrowUp', 5)).toBe(4);
    expect(moveFocus(2, 'ArrowDown', 5)).toBe(3);
    expect(moveFocus(4, 'ArrowDown', 5)).toBe(4);
    expect(moveFocus(0, 'ArrowUp', 5)).toBe(0);
    expect(moveFocus(1, 'PageDown', 30)).toBe(11);
    expect(moveFocus(25, 'PageDown', 30)).toBe(29);
    expect(moveFocus(5, 'PageUp', 30)).toBe(0);
    expect(moveFocus(3, 'Home', 5)).toBe(0);
    expect(moveFocus(0, 'End', 5)).toBe(4);
  });

  it('ignores other keys and empty lists', () => {
    expect(moveFocus(1, 'Enter', 5)).toBeNull();
    expect(moveFocus(1, 'a', 5)).toBeNull();
    expect(moveFocus(-1, 'ArrowDown', 0)).toBeNull();
  });

  it('renders a window of rows around the focus', () => {
    const w = ROW_WINDOW;
    const first = { start: 0, end: w };
    // Inside the window: unchanged
    expect(rangeFor(first, 5, 2000)).toEqual(first);
    // Stepping down near its end: extended
    expect(rangeFor(first, w - 5, 2000)).toEqual({ start: 0, end: 2 * w });
    // ... up to three windows, then the far side is dropped
    expect(rangeFor({ start: 0, end: 3 * w }, 3 * w - 1, 2000)).toEqual({
      start: w,
      end: 4 * w
    });
    // End: one window at the end
    expect(rangeFor(first, 1999, 2000)).toEqual({ start: 2000 - w, end: 2000 });
    // Stepping up from there: extended upwards
    expect(rangeFor({ start: 1800, end: 2000 }, 1800, 2000)).toEqual({
      start: 1600,
      end: 2000
    });
    // Home from the end: the first window again
    expect(rangeFor({ start: 1800, end: 2000 }, 0, 2000)).toEqual(first);
    // Short lists: everything
    expect(rangeFor(first, -1, 50)).toEqual({ start: 0, end: 50 });
    expect(rangeFor(first, 49, 50)).toEqual({ start: 0, end: 50 });
  });
});

describe('orphansOf', () => {
  it('lists each orphan of the notebook-level NBG203 with its own related', () => {
    const orphans = orphansOf(mixed());
    expect(orphans.map(o => o.name)).toEqual(['old', 'tmp']);
    expect(orphans[0].diagnostic.names).toEqual(['old']);
    expect(orphans[0].diagnostic.related.map(r => r.message)).toEqual([
      "'old' defined here"
    ]);
    expect(orphans[1].diagnostic.cell_id).toBeNull();
  });

  it('has none without a notebook-level NBG203', () => {
    expect(orphansOf([finding({ code: 'NBG203' })])).toEqual([]);
  });
});

describe('cell labels', () => {
  it('names cells by page position among all cells, never by count', () => {
    // 'load' has execution count 7 and is the second cell (after markdown)
    const target = findingTarget(finding({ cell_id: 'load' }), positions);
    expect(targetLabel(trans, target)).toBe('cell 2');
    expect(targetLabel(trans, target)).not.toContain('[');
    expect(
      targetLabel(trans, findingTarget(finding({ cell_id: null }), positions))
    ).toBe('notebook');
    expect(
      targetLabel(trans, findingTarget(finding({ cell_id: 'gone' }), positions))
    ).toBe('a deleted cell');
    const outside = { cell_id: null, execution_count: 9, message: '' };
    expect(targetLabel(trans, relatedTarget(outside, positions))).toBe(
      'outside the notebook'
    );
  });

  it('turns cell references of a message into links', () => {
    const related = [{ cell_id: 'total', execution_count: 3, message: '' }];
    const parts = linkCellReferences(
      "'x' changed in cell [3] and is defined in cell 4, not cell 9",
      related,
      positions,
      CELLS.length
    );
    expect(parts).toEqual([
      { text: "'x' changed in " },
      { text: 'cell [3]', cellIndex: 2 },
      { text: ' and is defined in ' },
      { text: 'cell 4', cellIndex: 3 },
      { text: ', not cell 9' }
    ]);
    expect(parts.map(p => p.text).join('')).toContain('not cell 9');
  });

  it('selects where a related cell binds the name, else where it names it', () => {
    const source = 'print(prices)\nprices = [1, 2]\nsubprices = 3';
    expect(nameRange(source, ['prices'])).toEqual({
      start: { line: 1, column: 0 },
      end: { line: 1, column: 6 }
    });
    expect(nameRange('df.head()', ['df.x'])).toEqual({
      start: { line: 0, column: 0 },
      end: { line: 0, column: 2 }
    });
    expect(nameRange('  total += prices', ['total'])?.start).toEqual({
      line: 0,
      column: 2
    });
    expect(nameRange('subprices = 1', ['prices'])).toBeNull();
  });
});
