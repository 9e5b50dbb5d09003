import { nullTranslator } from '@jupyterlab/translation';

import type { Diagnostic } from '../api';
import {
  countBySeverity,
  describeCounts,
  formatFinding,
  isQuiet,
  listedFindings,
  markedFindings,
  navigableFindings,
  nextFinding,
  placeFindings,
  underlinedFindings,
  worstSeverity
} from '../findings';
import { neighbourFinding } from '../navigation';
import { DEFAULT_SETTINGS, parseSettings } from '../settings';

function finding(
  cellId: string | null,
  line: number | null,
  overrides: Partial<Diagnostic> = {}
): Diagnostic {
  return {
    code: 'NBG201',
    rule: 'stale-cell',
    severity: 'warning',
    cell_id: cellId,
    message: `finding in ${cellId} at ${line}`,
    range:
      line === null
        ? null
        : { start: { line, column: 0 }, end: { line, column: 1 } },
    names: [],
    related: [],
    ...overrides
  };
}

const CELLS = [
  { id: 'a', executionCount: 2 },
  { id: 'b', executionCount: null },
  { id: 'c', executionCount: 1 }
];

describe('findings', () => {
  describe('placeFindings', () => {
    it('lists notebook-level findings first, then in page and line order', () => {
      // Given findings sent in arbitrary order
      const diagnostics = [
        finding('c', 0),
        finding('a', 3),
        finding('gone', 0),
        finding(null, null, { code: 'NBG203' }),
        finding('a', 1)
      ];
      // When placing them in the notebook
      const placed = placeFindings(diagnostics, CELLS);
      // Then the notebook-level one is first, unknown cells last
      expect(placed.map(p => p.diagnostic.message)).toEqual([
        'finding in null at null',
        'finding in a at 1',
        'finding in a at 3',
        'finding in c at 0',
        'finding in gone at 0'
      ]);
      expect(placed.map(p => p.cellIndex)).toEqual([-1, 0, 0, 2, -1]);
    });
  });

  describe('nextFinding', () => {
    const placed = placeFindings(
      [finding('a', 1), finding('a', 3), finding('c', 0), finding(null, null)],
      CELLS
    );

    it('goes to the next finding after the cursor in the same cell', () => {
      // Given the cursor on line 2 of cell a
      // When asking for the next finding
      const next = nextFinding(placed, 0, { line: 2, column: 0 });
      // Then it is the one on line 3 of cell a
      expect(next?.diagnostic.message).toBe('finding in a at 3');
    });

    it('goes to a later cell when none is left in this one', () => {
      // Given the cursor after the last finding of cell a
      // When asking for the next finding
      const next = nextFinding(placed, 0, { line: 9, column: 0 });
      // Then it is in cell c
      expect(next?.diagnostic.message).toBe('finding in c at 0');
    });

    it('wraps around to the first finding in a cell', () => {
      // Given the last cell active
      // When asking for the next finding
      const next = nextFinding(placed, 2, null);
      // Then it wraps to the first finding in a cell (not the notebook one)
      expect(next?.diagnostic.message).toBe('finding in a at 1');
    });

    it('returns null when no finding is in a cell', () => {
      // Given only a notebook-level finding
      // Then there is nowhere to go
      expect(
        nextFinding(placeFindings([finding(null, null)], CELLS), 0, null)
      ).toBeNull();
    });
  });

  describe('labels and counts', () => {
    it('formats a finding as rule (code): message', () => {
      // Given a finding
      // Then its text names rule and code
      expect(formatFinding(finding('a', 0))).toBe(
        'stale-cell (NBG201): finding in a at 0'
      );
    });

    it('counts findings per severity and finds the worst', () => {
      // Given findings of several severities
      const diagnostics = [
        finding('a', 0, { severity: 'info' }),
        finding('a', 1),
        finding('a', 2),
        finding('b', 0, { severity: 'error' })
      ];
      // Then they are counted and the worst is error
      expect(countBySeverity(diagnostics)).toEqual({
        error: 1,
        warning: 2,
        info: 1
      });
      expect(worstSeverity(diagnostics)).toBe('error');
      expect(worstSeverity(diagnostics.slice(0, 1))).toBe('info');
      expect(worstSeverity([])).toBeNull();
    });
  });
});

describe('parseSettings', () => {
  it('reads every setting', () => {
    // Given composite settings from the registry
    const composite = {
      enabled: false,
      debounceMs: 250,
      showUnderlines: false,
      showCellMarkers: false,
      showInfo: 'off',
      select: ['NBG2', ' stale-cell '],
      ignore: ['NBG205', ''],
      showStatusBar: false,
      rules: { NBG209: 'off' },
      ignoreNames: ['df']
    };
    // When parsing them
    // Then values are kept, trimmed, and empty names dropped
    expect(parseSettings(composite)).toEqual({
      enabled: false,
      debounceMs: 250,
      showUnderlines: false,
      showCellMarkers: false,
      showInfo: 'off',
      select: ['NBG2', 'stale-cell'],
      ignore: ['NBG205'],
      showStatusBar: false,
      rules: { NBG209: 'off' },
      ignoreNames: ['df']
    });
  });

  it('falls back to the defaults for missing or ill-typed values', () => {
    // Given garbage
    const composite = {
      enabled: 'yes',
      debounceMs: -5,
      select: 'NBG2',
      showInfo: 'everywhere'
    };
    // When parsing it
    // Then the defaults apply
    expect(parseSettings(composite)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('describeCounts', () => {
  it('uses singular and plural forms', () => {
    // Given a plain translation bundle
    const trans = nullTranslator.load('jupyterlab');
    // When one error, two warnings and no info are described
    const text = describeCounts({ error: 1, warning: 2, info: 0 }, trans);
    // Then the forms agree with the numbers, info said apart
    expect(text).toBe('1 error, 2 warnings; 0 info');
    // And without info when info is hidden
    expect(
      describeCounts({ error: 0, warning: 1, info: 4 }, trans, false)
    ).toBe('0 errors, 1 warning');
  });
});

describe('quiet info findings', () => {
  const info = finding('a', 0, {
    severity: 'info',
    code: 'NBG209',
    rule: 'superseded'
  });
  const warning = finding('a', 1);

  it('never go on the cell marker', () => {
    // Given a cell with an info finding and a warning
    // Then only the warning marks the cell; an info-only cell is unmarked
    expect(markedFindings([info, warning])).toEqual([warning]);
    expect(markedFindings([info])).toEqual([]);
  });

  it('are underlined only when showInfo is "underlines"', () => {
    // Given both findings and each showInfo value
    const settings = { ...DEFAULT_SETTINGS };
    // Then info is underlined with "underlines" only; warnings always
    expect(
      underlinedFindings([info, warning], {
        ...settings,
        showInfo: 'underlines'
      })
    ).toEqual([info, warning]);
    expect(
      underlinedFindings([info, warning], { ...settings, showInfo: 'panel' })
    ).toEqual([warning]);
    expect(
      underlinedFindings([info, warning], { ...settings, showInfo: 'off' })
    ).toEqual([warning]);
    // And nothing is underlined when underlines or nbguard are off
    expect(
      underlinedFindings([warning], { ...settings, showUnderlines: false })
    ).toEqual([]);
    expect(
      underlinedFindings([warning], { ...settings, enabled: false })
    ).toEqual([]);
  });

  it('are listed unless showInfo is "off", and the default keeps them in the panel', () => {
    // Given the default settings
    expect(DEFAULT_SETTINGS.showInfo).toBe('panel');
    // Then the panel lists info findings, except with "off"
    expect(listedFindings([info, warning], 'panel')).toEqual([info, warning]);
    expect(listedFindings([info, warning], 'underlines')).toHaveLength(2);
    expect(listedFindings([info, warning], 'off')).toEqual([warning]);
    expect(isQuiet(info)).toBe(true);
    expect(isQuiet(warning)).toBe(false);
  });

  describe('navigation skips what the editor does not show', () => {
    const info = finding('b', null, {
      code: 'NBG205',
      rule: 'run-order',
      severity: 'info'
    });
    const stale = finding('b', 2);
    const later = finding('c', 0, { severity: 'error', code: 'NBG101' });

    it('visits info findings only when they are underlined', () => {
      const all = [info, stale, later];
      expect(navigableFindings(all, 'panel')).toEqual([stale, later]);
      expect(navigableFindings(all, 'off')).toEqual([stale, later]);
      expect(navigableFindings(all, 'underlines')).toEqual(all);
    });

    it('moves on from a finding to the next cell, not to a rangeless one before it', () => {
      // Given the cursor on the stale finding, with a rangeless finding in the
      // same cell (it stands for the whole cell: before the text)
      const placed = placeFindings([info, stale, later], CELLS);
      // When going to the next finding from the stale one's start
      const next = neighbourFinding(placed, 1, { line: 2, column: 0 }, 1);
      // Then it is the next cell's, not the rangeless one
      expect(next?.diagnostic).toBe(later);
      // And going back from there reaches the stale one, then the rangeless one
      expect(
        neighbourFinding(placed, 2, { line: 0, column: 0 }, -1)?.diagnostic
      ).toBe(stale);
      expect(
        neighbourFinding(placed, 1, { line: 2, column: 0 }, -1)?.diagnostic
      ).toBe(info);
    });
  });
});
