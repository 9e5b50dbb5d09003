import { nullTranslator } from '@jupyterlab/translation';

import type { INbGuardAction } from '../actions/tokens';
import { renderHover, type IHoverContext } from '../panel/hover';
import { OPEN_RULE_DOCS, ruleMarkdown } from '../panel/ruledocs';

import { finding } from './fakes';

const trans = nullTranslator.load('jupyterlab_nbguard');

/** Page positions: 'title' (markdown) is cell 1, 'load' cell 2, 'total' cell 3. */
const positions = new Map([
  ['title', 0],
  ['load', 1],
  ['total', 2]
]);

function context(actions: INbGuardAction[] = []): IHoverContext & {
  jumps: Array<[number, ReadonlyArray<string>]>;
  rules: string[];
} {
  const jumps: Array<[number, ReadonlyArray<string>]> = [];
  const rules: string[] = [];
  return {
    trans,
    positions,
    cellCount: 3,
    jump: (index, names) => jumps.push([index, names]),
    openRule: code => rules.push(code),
    actions,
    jumps,
    rules
  };
}

const STALE = finding({
  message: "'prices' was rebound by cell [7] after this cell ran.",
  related: [
    { cell_id: 'load', execution_count: 7, message: "'prices' rebound here" },
    { cell_id: null, execution_count: 9, message: "'prices' changed here" },
    {
      cell_id: 'gone',
      execution_count: 2,
      message: "'prices' first bound here"
    }
  ]
});

describe('the hover of a finding', () => {
  it('links the rule code to its documentation', () => {
    const ctx = context();
    const node = renderHover(STALE, ctx);
    const code = node.querySelector('.jp-nbguard-Tooltip-rule') as HTMLElement;
    expect(code.textContent).toBe('NBG201');
    expect(node.textContent).toContain('stale-cell');
    code.click();
    expect(ctx.rules).toEqual(['NBG201']);
  });

  it('names each related cell by page position, as a link that jumps there', () => {
    const ctx = context();
    const node = renderHover(STALE, ctx);
    const items = Array.from(
      node.querySelectorAll('.jp-nbguard-Tooltip-related li')
    );
    expect(items.map(li => li.textContent)).toEqual([
      "cell 2 'prices' rebound here",
      "outside the notebook 'prices' changed here",
      "a deleted cell 'prices' first bound here"
    ]);
    // Only the cell still in the notebook is a link
    expect(items.map(li => li.querySelectorAll('button').length)).toEqual([
      1, 0, 0
    ]);
    (items[0].querySelector('button') as HTMLElement).click();
    expect(ctx.jumps).toEqual([[1, ['prices']]]);
  });

  it('links a cell reference inside the message too', () => {
    const ctx = context();
    const node = renderHover(STALE, ctx);
    const link = node.querySelector(
      '.jp-nbguard-Tooltip-message button'
    ) as HTMLElement;
    expect(link.textContent).toBe('cell [7]');
    link.click();
    expect(ctx.jumps).toEqual([[1, ['prices']]]);
  });

  it('shows the quick actions it is given, and runs one only on a click', async () => {
    const run = jest.fn(async () => undefined);
    const node = renderHover(
      STALE,
      context([
        { id: 'run-stale', label: 'Run stale cells in page order', run }
      ])
    );
    const button = node.querySelector(
      '.jp-nbguard-Actions-button'
    ) as HTMLElement;
    expect(button.textContent).toBe('Run stale cells in page order');
    expect(run).not.toHaveBeenCalled();
    button.click();
    expect(run).toHaveBeenCalledTimes(1);
    // Without actions, no action bar
    expect(
      renderHover(STALE, context()).querySelector('.jp-nbguard-Actions')
    ).toBeNull();
  });
});

describe('rule documentation', () => {
  it("renders the server's description under the code and name", () => {
    const text = ruleMarkdown(
      {
        code: 'NBG201',
        rule: 'stale-cell',
        severity: 'warning',
        summary: "A cell's outputs are out of date.",
        description: '## What it does\nFinds stale cells.'
      },
      trans
    );
    expect(text.startsWith('# NBG201 `stale-cell`')).toBe(true);
    expect(text).toContain('Default severity: warning');
    expect(text).toContain('## What it does\nFinds stale cells.');
    expect(text).toContain('# nbguard: ignore[NBG201]');
    expect(OPEN_RULE_DOCS).toBe('jupyterlab-nbguard:open-rule-docs');
  });
});
