import type { INotebookContent } from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { INbGuardAction, INbGuardActions } from '../actions/tokens';
import type { Diagnostic } from '../api';
import { DiagnosticsPanel } from '../panel/DiagnosticsPanel';
import type { NamespaceReader, NamespaceResult } from '../panel/namespace';

import { FakeGuard, finding, rendered } from './fakes';
import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

/** A markdown title, then three code cells. */
const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    { id: 'title', cell_type: 'markdown', source: '# Prices', metadata: {} },
    ...['load', 'total', 'plot'].map((id, i) => ({
      id,
      cell_type: 'code' as const,
      source: ['prices = [1, 2]', 'total = sum(prices)', 'plot(total)'][i],
      metadata: {},
      execution_count: 10 + i,
      outputs: []
    }))
  ]
};

/** Three findings on two cells, one notebook-level orphan finding. */
function findings(): Diagnostic[] {
  return [
    finding({
      cell_id: 'plot',
      code: 'NBG101',
      rule: 'use-before-def',
      severity: 'error',
      message: "'total' is defined only below, in cell 3",
      names: ['total']
    }),
    finding({
      cell_id: 'total',
      related: [
        {
          cell_id: 'load',
          execution_count: 10,
          message: "'prices' rebound here"
        }
      ]
    }),
    finding({
      cell_id: 'total',
      code: 'NBG205',
      rule: 'run-order',
      severity: 'info',
      message: 'ran before the cell above it'
    }),
    finding({
      cell_id: null,
      code: 'NBG203',
      rule: 'deleted-but-live',
      range: null,
      names: ['old_df'],
      message:
        '1 name lives in the kernel but comes from code no longer in the notebook: old_df.',
      related: [
        { cell_id: null, execution_count: 4, message: "'old_df' defined here" }
      ]
    })
  ];
}

interface IHarness {
  widget: DiagnosticsPanel;
  guard: FakeGuard;
  panel: NotebookPanel;
  reveal: jest.Mock;
  jump: jest.Mock;
  openRule: jest.Mock;
  reads: string[];
  ran: string[];
}

async function open(
  options: {
    namespace?: NamespaceResult;
    actions?: boolean;
    diagnostics?: Diagnostic[];
  } = {}
): Promise<IHarness> {
  const panel = await createPanel(CONTENT);
  const guard = new FakeGuard(panel);
  guard.diagnostics = options.diagnostics ?? findings();
  guard.lastCheck = {
    time: new Date(2026, 0, 1, 12, 3),
    cells: 4,
    withKernel: true
  };
  const kernelFindings = guard.findings.bind(guard);
  guard.findings = (p: NotebookPanel) => {
    const f = kernelFindings(p);
    return f
      ? {
          ...f,
          kernel: { id: 'k1', epoch: 1, execution_count: 12, executions: 12 }
        }
      : null;
  };
  const tracker = {
    currentWidget: panel,
    currentChanged: new Signal<INotebookTracker, NotebookPanel | null>(
      {} as INotebookTracker
    )
  } as unknown as INotebookTracker;
  const reads: string[] = [];
  const namespace = {
    read: async (kernelId: string) => {
      reads.push(kernelId);
      return options.namespace ?? { kind: 'forbidden' };
    }
  } as unknown as NamespaceReader;
  const ran: string[] = [];
  const actions: INbGuardActions | null = options.actions
    ? {
        actionsFor: (_: NotebookPanel, d: Diagnostic): INbGuardAction[] =>
          d.code === 'NBG203' && d.cell_id === null
            ? [
                {
                  id: 'delete-from-kernel',
                  label: `Delete ${d.names.join(', ')} from kernel`,
                  run: async () => {
                    ran.push(d.names.join(','));
                  }
                }
              ]
            : [],
        actionsForCellModel: () => []
      }
    : null;
  const reveal = jest.fn(async () => undefined);
  const jump = jest.fn(async () => true);
  const openRule = jest.fn();
  const widget = new DiagnosticsPanel({
    guard,
    tracker,
    trans,
    reveal,
    jump,
    openRule,
    actions,
    namespace
  });
  Widget.attach(widget, document.body);
  widget.update();
  await rendered();
  return { widget, guard, panel, reveal, jump, openRule, reads, ran };
}

function close(h: IHarness): void {
  h.widget.dispose();
  h.panel.dispose();
}

function rowCodes(widget: Widget): string[] {
  return Array.from(
    widget.node.querySelectorAll('li.jp-nbguard-DiagnosticsPanel-row')
  ).map(
    li =>
      li.querySelector('.jp-nbguard-DiagnosticsPanel-code')?.textContent ?? ''
  );
}

function groupTitles(widget: Widget): string[] {
  return Array.from(
    widget.node.querySelectorAll('.jp-nbguard-DiagnosticsPanel-groupHeader')
  ).map(h => h.textContent ?? '');
}

function button(widget: Widget, text: string | RegExp): HTMLButtonElement {
  const found = Array.from(widget.node.querySelectorAll('button')).find(b =>
    typeof text === 'string'
      ? b.textContent === text
      : text.test(b.getAttribute('aria-label') ?? b.textContent ?? '')
  );
  if (!found) {
    throw new Error(`no button ${text}`);
  }
  return found;
}

/** Resolve once `condition` holds, checking after each macrotask. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (!condition() && performance.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  expect(condition()).toBe(true);
}

function key(target: Element, name: string): void {
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: name, bubbles: true })
  );
}

describe('Notebook Health panel', () => {
  it('groups by cell in page order with counts, and by rule on request', async () => {
    const h = await open();
    // Problems by cell: the notebook first, then cell 3 ('total'), cell 4 ('plot')
    expect(groupTitles(h.widget)).toEqual([
      'Whole notebook1',
      'cell 31',
      'cell 41',
      'cell 31'
    ]);
    expect(rowCodes(h.widget)).toEqual([
      'NBG203',
      'NBG201',
      'NBG101',
      'NBG205'
    ]);
    // When grouping by rule
    button(h.widget, 'Rule').click();
    await rendered();
    // Then one group per rule, in code order, rows naming their cell
    expect(groupTitles(h.widget)).toEqual([
      'NBG101use-before-def1',
      'NBG201stale-cell1',
      'NBG203deleted-but-live1',
      'NBG205run-order1'
    ]);
    const cells = Array.from(
      h.widget.node.querySelectorAll('li .jp-nbguard-DiagnosticsPanel-cell')
    ).map(c => c.textContent);
    expect(cells).toEqual(['cell 4', 'cell 3', 'notebook', 'cell 3']);
    // and the rule code of a group opens its documentation
    button(h.widget, 'NBG201').click();
    expect(h.openRule).toHaveBeenCalledWith('NBG201');
    close(h);
  });

  it('filters by severity, rule and text, and says how many it shows', async () => {
    const h = await open();
    // When errors are hidden
    button(h.widget, /^Show error/).click();
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG203', 'NBG201', 'NBG205']);
    expect(h.widget.node.textContent).toContain('Showing 3 of 4 findings.');
    // When only NBG205 is chosen in the rule menu
    const select = h.widget.node.querySelector('select') as HTMLSelectElement;
    select.value = 'NBG205';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG205']);
    // When the filters are cleared and text is typed
    button(h.widget, 'Clear filters').click();
    await rendered();
    expect(rowCodes(h.widget)).toHaveLength(4);
    const input = h.widget.node.querySelector(
      'input[type="search"]'
    ) as HTMLInputElement;
    const setValue = Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!;
    setValue.call(input, 'PRICES REBOUND');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await rendered();
    // Then nothing matches the messages; a name does
    expect(rowCodes(h.widget)).toEqual([]);
    expect(h.widget.node.textContent).toContain(
      'No problem matches the filters.'
    );
    setValue.call(input, 'old_df');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG203']);
    close(h);
  });

  it('moves with the arrow keys (one tab stop) and Enter shows the finding', async () => {
    const h = await open();
    const rows = () =>
      Array.from(h.widget.node.querySelectorAll<HTMLElement>('[data-row]'));
    // One tab stop: the first row
    expect(rows().map(r => r.tabIndex)).toEqual([0, -1, -1, -1]);
    rows()[0].focus();
    key(rows()[0], 'ArrowDown');
    await rendered();
    // Then the second row has the focus and the tab stop
    expect(document.activeElement).toBe(rows()[1]);
    expect(rows().map(r => r.tabIndex)).toEqual([-1, 0, -1, -1]);
    expect(rows()[1].getAttribute('aria-label')).toBe(
      "warning NBG201 stale-cell in cell 3: 'prices' changed after this cell ran"
    );
    key(rows()[1], 'End');
    await rendered();
    expect(document.activeElement).toBe(rows()[3]);
    key(rows()[3], 'Home');
    await rendered();
    expect(document.activeElement).toBe(rows()[0]);
    // The notebook-level row is not a button that does nothing
    expect(rows()[0].tagName).toBe('DIV');
    key(rows()[0], 'ArrowDown');
    await rendered();
    // Enter on a row (a button) shows its finding
    (document.activeElement as HTMLButtonElement).click();
    expect(h.reveal).toHaveBeenCalledWith(h.panel, h.guard.diagnostics[1]);
    close(h);
  });

  it('makes every cell reference a link that jumps with the name selected', async () => {
    const h = await open();
    // The related cell of the stale finding, by page position
    button(h.widget, 'cell 2').click();
    expect(h.jump).toHaveBeenLastCalledWith(h.panel, {
      cellId: 'load',
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 6 } }
    });
    // The reference in a message ("defined only below, in cell 3")
    const message = Array.from(
      h.widget.node.querySelectorAll('.jp-nbguard-DiagnosticsPanel-message')
    ).find(m => m.textContent?.includes('defined only below'))!;
    (message.querySelector('button') as HTMLButtonElement).click();
    expect(h.jump).toHaveBeenLastCalledWith(h.panel, {
      cellId: 'total',
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 5 } }
    });
    // No label reads like a prompt
    expect(h.widget.node.textContent).not.toMatch(/\[1\d\]/);
    close(h);
  });

  it('lists names live only in the kernel with type and size, and their action', async () => {
    const h = await open({
      actions: true,
      namespace: {
        kind: 'ok',
        names: new Map([
          [
            'old_df',
            { name: 'old_df', type: 'DataFrame', size_bytes: 3 * 1024 * 1024 }
          ]
        ])
      }
    });
    await rendered();
    const section = h.widget.node.querySelector(
      'section[aria-label="Live in the kernel, not in the notebook"]'
    )!;
    expect(h.reads).toEqual(['k1']);
    expect(section.textContent).toContain('old_df');
    expect(section.textContent).toContain('DataFrame, 3.0 MB');
    // The action is the actions plugin's, for that name alone, and only
    // there: the notebook-level row links to the section instead
    const buttons = h.widget.node.querySelectorAll(
      '.jp-nbguard-Actions-button'
    );
    expect(buttons).toHaveLength(1);
    expect(section.contains(buttons[0])).toBe(true);
    button(h.widget, 'Show the names live in the kernel').click();
    expect(document.activeElement).toBe(buttons[0]);
    (buttons[0] as HTMLButtonElement).click();
    await rendered();
    expect(h.ran).toEqual(['old_df']);
    // The namespace is read once per check, not at every render
    h.widget.update();
    await rendered();
    expect(h.reads).toEqual(['k1']);
    close(h);
  });

  it('says calmly when the namespace may not be read', async () => {
    const h = await open({ namespace: { kind: 'forbidden' } });
    await rendered();
    const section = h.widget.node.querySelector(
      'section[aria-label="Live in the kernel, not in the notebook"]'
    )!;
    expect(section.textContent).toContain('old_df');
    expect(section.textContent).toContain('needs permission to execute code');
    expect(section.querySelector('.jp-nbguard-Actions-button')).toBeNull();
    expect(h.widget.node.querySelector('[role="alert"]')).toBeNull();
    close(h);
  });

  it('says when it last checked when there is nothing to show', async () => {
    const h = await open({ diagnostics: [] });
    expect(h.widget.node.textContent).toContain(
      'No findings in this notebook.'
    );
    expect(h.widget.node.textContent).toContain(
      `Checked at ${new Date(2026, 0, 1, 12, 3).toLocaleTimeString()}.`
    );
    expect(h.reads).toEqual([]);
    close(h);
  });

  it('stays responsive with 2,000 findings on 1,000 cells (renders a window)', async () => {
    // A stand-in for a 1,000-cell notebook panel (jsdom takes minutes to
    // build real cell widgets): the panel reads ids, sources and the title.
    const cells = Array.from({ length: 1000 }, (_, i) => ({
      id: `c${i}`,
      model: {
        id: `c${i}`,
        executionCount: null,
        sharedModel: { getSource: () => `x${i} = x${i - 1} + 1` }
      }
    }));
    const panel = {
      content: { widgets: cells },
      title: { label: 'big.ipynb' },
      context: { path: 'big.ipynb' },
      dispose: () => undefined
    } as unknown as NotebookPanel;
    const guard = new FakeGuard(panel);
    guard.diagnostics = [];
    cells.forEach((c, i) => {
      guard.diagnostics.push(
        finding({ cell_id: c.id, message: `'x${i - 1}' changed` }),
        finding({
          cell_id: c.id,
          code: 'NBG205',
          rule: 'run-order',
          severity: 'info'
        })
      );
    });
    const tracker = {
      currentWidget: panel,
      currentChanged: new Signal<INotebookTracker, NotebookPanel | null>(
        {} as INotebookTracker
      )
    } as unknown as INotebookTracker;
    const widget = new DiagnosticsPanel({
      guard,
      tracker,
      trans,
      reveal: async () => undefined
    });
    Widget.attach(widget, document.body);
    const rows = () => widget.node.querySelectorAll('[data-row]');
    const start = performance.now();
    widget.update();
    await until(() => rows().length > 0);
    const first = performance.now() - start;
    // Only a window of rows is in the DOM, though the counts are complete
    expect(rows().length).toBe(200);
    expect(widget.node.textContent).toContain('1000 warnings; 1000 info');
    // A re-check that changes one message re-renders the window
    const again = performance.now();
    guard.set([
      finding({ cell_id: 'c0', message: 'changed again' }),
      ...guard.diagnostics.slice(1)
    ]);
    await until(() => widget.node.textContent!.includes('changed again'));
    const second = performance.now() - again;
    // End moves to the last finding
    const t0 = performance.now();
    (rows()[0] as HTMLElement).focus();
    key(rows()[0], 'End');
    await until(
      () => (document.activeElement as HTMLElement).dataset.row === '1999'
    );
    const end = performance.now() - t0;
    // ... rendering one window around it, not every row before it
    expect(rows().length).toBe(200);
    expect(widget.node.textContent).toContain('Show 200 earlier findings');
    console.log(
      `nbguard panel, 1,000 cells / 2,000 findings (jsdom): first render ${first.toFixed(0)} ms, ` +
        `re-render ${second.toFixed(0)} ms, End (window at the end) ${end.toFixed(0)} ms`
    );
    widget.dispose();
    panel.dispose();
  }, 60_000);
});
