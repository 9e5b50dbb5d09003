import { nullTranslator } from '@jupyterlab/translation';

import { MalformedResponseError } from '../api';
import { parseVerifyResponse, type VerifyCompareResponse } from '../verify/api';
import { expectsError, isSkipped, tagsOf } from '../verify/markers';
import { formatElapsed } from '../verify/panel';
import {
  buildReport,
  describeEnd,
  diffLines,
  IReportCell
} from '../verify/report';
import {
  compareOptions,
  DEFAULT_VERIFY_SETTINGS,
  parseVerifySettings
} from '../verify/settings';

const trans = nullTranslator.load('jupyterlab_nbguard');

/** Four code cells after a full run: [1] .. [4], at positions 0, 2, 3, 5. */
const CELLS: IReportCell[] = [
  { id: 'load', index: 0, executionCount: 1 },
  { id: 'sample', index: 2, executionCount: 2 },
  { id: 'mean', index: 3, executionCount: 3 },
  { id: 'plot', index: 5, executionCount: null }
];

const DIFF = [
  '--- before',
  '+++ after',
  '@@ -1 +1 @@',
  '-0.417022',
  '+0.720324',
  ' unchanged'
].join('\n');

const RESPONSE: VerifyCompareResponse = {
  reproduced: false,
  first_divergence: 'sample',
  // In another order than the page, as a server may send them.
  cells: [
    {
      cell_id: 'mean',
      status: 'changed',
      diff: DIFF,
      consequence_of: 'sample'
    },
    { cell_id: 'load', status: 'same', diff: null, consequence_of: null },
    { cell_id: 'sample', status: 'changed', diff: DIFF, consequence_of: null },
    { cell_id: 'plot', status: 'skipped', diff: null, consequence_of: null }
  ]
};

describe('buildReport', () => {
  it('summarises, names the root cause and marks its consequences', () => {
    // When the report is built from the server's comparison
    const report = buildReport(trans, RESPONSE, CELLS, 'completed', null);

    // Then the summary counts compared cells and names the first divergence
    expect(report.summary).toBe(
      '1 of 3 cells reproduced; first divergence: cell 3'
    );
    expect(report.reproduced).toBe(false);
    expect(report.endNote).toBeNull();
    // And rows are in page order with the root cause and its consequence
    expect(report.rows.map(r => [r.cellId, r.label, r.status])).toEqual([
      ['load', 'cell 1', 'same'],
      ['sample', 'cell 3', 'changed'],
      ['mean', 'cell 4', 'changed'],
      ['plot', 'cell 6', 'skipped']
    ]);
    expect(report.rows.map(r => r.isRootCause)).toEqual([
      false,
      true,
      false,
      false
    ]);
    expect(report.rows[2].consequenceOf).toBe('cell 3');
    expect(report.rows[1].consequenceOf).toBeNull();
  });

  it('says all reproduced when nothing diverged', () => {
    const clean: VerifyCompareResponse = {
      reproduced: true,
      first_divergence: null,
      cells: [
        { cell_id: 'load', status: 'same', diff: null, consequence_of: null }
      ]
    };
    const report = buildReport(trans, clean, CELLS, 'completed', null);
    expect(report.summary).toBe('1 of 1 cell reproduced');
    expect(report.reproduced).toBe(true);
  });

  it('is not a reproduction when the run did not complete', () => {
    const clean: VerifyCompareResponse = {
      reproduced: true,
      first_divergence: null,
      cells: []
    };
    const report = buildReport(trans, clean, CELLS, 'died', 'mean');
    expect(report.reproduced).toBe(false);
    expect(report.endNote).toBe(
      'The kernel died while running cell 4; the report covers the cells that ran before it.'
    );
  });

  it('describes each way a run can end', () => {
    expect(describeEnd(trans, 'completed', null)).toBeNull();
    expect(describeEnd(trans, 'error', '[4]')).toContain('unexpected error');
    expect(describeEnd(trans, 'cancelled', '[4]')).toContain(
      'cancelled in [4]'
    );
  });
});

describe('diffLines', () => {
  it('classifies unified diff lines for highlighting', () => {
    expect(diffLines(DIFF + '\n').map(l => l.kind)).toEqual([
      'header',
      'header',
      'hunk',
      'remove',
      'add',
      'context'
    ]);
  });
});

describe('parseVerifyResponse', () => {
  it('accepts the contract', () => {
    expect(parseVerifyResponse(RESPONSE)).toEqual(RESPONSE);
  });

  it.each([
    ['not an object', 'oops'],
    ['no cells', { reproduced: true, first_divergence: null }],
    [
      'an unknown status',
      {
        reproduced: true,
        first_divergence: null,
        cells: [
          { cell_id: 'a', status: 'odd', diff: null, consequence_of: null }
        ]
      }
    ],
    [
      'a bad first_divergence',
      { reproduced: true, first_divergence: 3, cells: [] }
    ]
  ])('rejects %s', (_, body) => {
    expect(() => parseVerifyResponse(body)).toThrow(MalformedResponseError);
  });
});

describe('verify settings', () => {
  it('falls back to the defaults for missing or ill-typed values', () => {
    expect(parseVerifySettings({})).toEqual(DEFAULT_VERIFY_SETTINGS);
    expect(
      parseVerifySettings({
        confirm: 'no',
        floatTolerance: -1,
        sanitizers: [{ regex: 1 }, 'x']
      })
    ).toEqual(DEFAULT_VERIFY_SETTINGS);
  });

  it('turns settings into the options verify/compare takes', () => {
    const settings = parseVerifySettings({
      confirm: false,
      continueOnError: true,
      compareImages: true,
      floatTolerance: 1e-6,
      sanitizers: [
        { regex: '0x[0-9a-f]+', replace: 'ADDR' },
        { regex: '', replace: 'empty regexes are dropped' }
      ]
    });
    expect(settings.confirm).toBe(false);
    expect(settings.continueOnError).toBe(true);
    expect(compareOptions(settings)).toEqual({
      sanitizers: [{ regex: '0x[0-9a-f]+', replace: 'ADDR' }],
      compare_images: true,
      float_tolerance: 1e-6
    });
  });
});

describe('verify markers', () => {
  it('knows which errors are expected', () => {
    expect(expectsError('1/0', ['raises-exception'])).toBe(true);
    expect(expectsError('1/0', ['nbval-raises-exception'])).toBe(true);
    expect(expectsError('# NBVAL_RAISES_EXCEPTION\n1/0', [])).toBe(true);
    expect(expectsError('1/0', ['raises'])).toBe(false);
    expect(expectsError('x = "# NBVAL_RAISES_EXCEPTION"', [])).toBe(false);
  });

  it('knows which cells not to run', () => {
    expect(isSkipped('x', ['nbguard:skip'])).toBe(true);
    expect(isSkipped('x', ['nbval-skip'])).toBe(true);
    expect(isSkipped('## NBVAL_SKIP\nx', [])).toBe(true);
    expect(isSkipped('x', ['nbval-ignore-output'])).toBe(false);
  });

  it('reads tags from metadata defensively', () => {
    expect(tagsOf({ tags: ['a', 3, 'b'] })).toEqual(['a', 'b']);
    expect(tagsOf({ tags: 'a' })).toEqual([]);
    expect(tagsOf({})).toEqual([]);
  });
});

describe('formatElapsed', () => {
  it('shows minutes and seconds', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(125_000)).toBe('2:05');
  });
});
