import type { INotebookContent } from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { INbGuardActions } from '../actions/tokens';
import type { Diagnostic } from '../api';
import { DiagnosticsPanel } from '../panel/DiagnosticsPanel';
import {
  DEFAULT_VIEW,
  PanelViewState,
  VIEW_STATE_KEY,
  viewFromJSON,
  viewToJSON
} from '../panel/viewstate';

import { FakeGuard, finding, rendered } from './fakes';
import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: ['load', 'total', 'plot'].map((id, i) => ({
    id,
    cell_type: 'code' as const,
    source: ['prices = [1, 2]', 'total = sum(prices)', 'plot(total)'][i],
    metadata: {},
    execution_count: null,
    outputs: []
  }))
};

/** A warning on `total` and an error on `plot`. */
function twoFindings(): Diagnostic[] {
  return [
    finding({}),
    finding({
      cell_id: 'plot',
      code: 'NBG101',
      rule: 'use-before-def',
      severity: 'error',
      message: "'total' is defined only below",
      names: ['total']
    })
  ];
}

interface IHarness {
  widget: DiagnosticsPanel;
  guard: FakeGuard;
  panels: NotebookPanel[];
  tracker: { currentWidget: NotebookPanel | null };
  currentChanged: Signal<INotebookTracker, NotebookPanel | null>;
  byPanel: Map<NotebookPanel, Diagnostic[]>;
}

/** The panel over two notebooks, the first one current. */
async function open(
  view?: PanelViewState,
  actions: INbGuardActions | null = null
): Promise<IHarness> {
  const panels = [await createPanel(CONTENT), await createPanel(CONTENT)];
  const guard = new FakeGuard(panels[0]);
  const byPanel = new Map<NotebookPanel, Diagnostic[]>(
    panels.map(p => [p, twoFindings()])
  );
  const findingsOf = guard.findings.bind(guard);
  guard.findings = (p: NotebookPanel) => {
    guard.diagnostics = byPanel.get(p) ?? [];
    const saved = guard.panel;
    (guard as { panel: NotebookPanel }).panel = p;
    try {
      return findingsOf(p);
    } finally {
      (guard as { panel: NotebookPanel }).panel = saved;
    }
  };
  const currentChanged = new Signal<INotebookTracker, NotebookPanel | null>(
    {} as INotebookTracker
  );
  const tracker = { currentWidget: panels[0] as NotebookPanel | null };
  const widget = new DiagnosticsPanel({
    guard,
    tracker: {
      get currentWidget() {
        return tracker.currentWidget;
      },
      currentChanged
    } as unknown as INotebookTracker,
    trans,
    reveal: async () => undefined,
    view,
    actions
  });
  Widget.attach(widget, document.body);
  widget.update();
  await rendered();
  return { widget, guard, panels, tracker, currentChanged, byPanel };
}

function close(h: IHarness): void {
  h.widget.dispose();
  h.panels.forEach(p => p.dispose());
}

/** Give notebook `index` these findings and tell the panel. */
async function setFindings(
  h: IHarness,
  index: number,
  diagnostics: Diagnostic[]
): Promise<void> {
  h.byPanel.set(h.panels[index], diagnostics);
  h.guard.changed.emit({ panel: h.panels[index] });
  await rendered();
}

/** Make notebook `index` the current one. */
async function switchTo(h: IHarness, index: number): Promise<void> {
  h.tracker.currentWidget = h.panels[index];
  h.currentChanged.emit(h.panels[index]);
  await rendered();
}

function pressed(widget: Widget, label: string): string | null {
  const found = Array.from(widget.node.querySelectorAll('button')).find(
    b => b.textContent === label
  );
  if (!found) {
    throw new Error(`no button ${label}`);
  }
  return found.getAttribute('aria-pressed');
}

function click(widget: Widget, label: string | RegExp): void {
  const found = Array.from(widget.node.querySelectorAll('button')).find(b =>
    typeof label === 'string'
      ? b.textContent === label
      : label.test(b.getAttribute('aria-label') ?? '')
  );
  if (!found) {
    throw new Error(`no button ${label}`);
  }
  found.click();
}

function rowCodes(widget: Widget): string[] {
  return Array.from(
    widget.node.querySelectorAll(
      'li.jp-nbguard-DiagnosticsPanel-row .jp-nbguard-DiagnosticsPanel-code'
    )
  ).map(node => node.textContent ?? '');
}

function textFilter(widget: Widget): HTMLInputElement {
  return widget.node.querySelector(
    'input.jp-nbguard-FilterBar-text'
  ) as HTMLInputElement;
}

function ruleMenu(widget: Widget): HTMLSelectElement {
  return widget.node.querySelector('select') as HTMLSelectElement;
}

describe('Health panel view state', () => {
  it('round-trips through JSON and falls back to the default on bad input', () => {
    const view = {
      groupBy: 'rule' as const,
      filter: {
        severities: new Set(['error' as const]),
        code: 'NBG101',
        text: 'tot'
      }
    };
    const back = viewFromJSON(viewToJSON(view));
    expect(back.groupBy).toBe('rule');
    expect([...back.filter.severities]).toEqual(['error']);
    expect(back.filter.code).toBe('NBG101');
    expect(back.filter.text).toBe('tot');
    expect(viewFromJSON(undefined)).toBe(DEFAULT_VIEW);
    expect(viewFromJSON([1, 2])).toBe(DEFAULT_VIEW);
    const partial = viewFromJSON({ groupBy: 'nonsense', text: 3 });
    expect(partial.groupBy).toBe('cell');
    expect(partial.filter.text).toBe('');
    expect(partial.filter.severities.size).toBe(3);
  });

  it('keeps grouping and filters when the list empties and comes back', async () => {
    const h = await open();
    click(h.widget, 'Rule');
    click(h.widget, /^Show warning/);
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG101']);
    // When the findings are fixed, the calm state replaces the list
    await setFindings(h, 0, []);
    expect(h.widget.node.textContent).toContain(
      'No findings in this notebook.'
    );
    expect(h.widget.node.querySelector('.jp-nbguard-FilterBar')).toBeNull();
    // and when they come back, the choices still hold
    await setFindings(h, 0, twoFindings());
    expect(pressed(h.widget, 'Rule')).toBe('true');
    expect(pressed(h.widget, 'Cell')).toBe('false');
    expect(rowCodes(h.widget)).toEqual(['NBG101']);
    expect(h.widget.node.textContent).toContain('Showing 1 of 2 findings.');
    close(h);
  });

  it('keeps grouping and filters across a switch to a notebook without findings and back', async () => {
    const h = await open();
    click(h.widget, 'Rule');
    await rendered();
    const input = textFilter(h.widget);
    // React listens to `input` events for a controlled input's onChange.
    const setValue = Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!;
    setValue.call(input, 'prices');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG201']);
    h.byPanel.set(h.panels[1], []);
    await switchTo(h, 1);
    expect(h.widget.node.textContent).toContain(
      'No findings in this notebook.'
    );
    await switchTo(h, 0);
    expect(pressed(h.widget, 'Rule')).toBe('true');
    expect(textFilter(h.widget).value).toBe('prices');
    expect(rowCodes(h.widget)).toEqual(['NBG201']);
    close(h);
  });

  it('shows a chosen rule as chosen in a notebook that has none of its findings', async () => {
    const h = await open();
    const select = ruleMenu(h.widget);
    select.value = 'NBG101';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await rendered();
    expect(rowCodes(h.widget)).toEqual(['NBG101']);
    h.byPanel.set(h.panels[1], [finding({})]);
    await switchTo(h, 1);
    expect(ruleMenu(h.widget).value).toBe('NBG101');
    expect(rowCodes(h.widget)).toEqual([]);
    expect(h.widget.node.textContent).toContain(
      'No problem matches the filters.'
    );
    close(h);
  });

  it('saves to the state database and restores from it in a new panel', async () => {
    const db = new StateDB();
    const first = new PanelViewState({ state: db });
    await first.restore();
    first.setGroupBy('rule');
    first.setFilter({ ...first.view.filter, text: 'prices' });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(await db.fetch(VIEW_STATE_KEY)).toEqual({
      groupBy: 'rule',
      severities: ['error', 'warning', 'info'],
      code: null,
      text: 'prices'
    });
    // After a reload: a new state over the same database
    const second = new PanelViewState({ state: db });
    const h = await open(second);
    expect(pressed(h.widget, 'Rule')).toBe('false');
    await second.restore();
    await rendered();
    expect(pressed(h.widget, 'Rule')).toBe('true');
    expect(textFilter(h.widget).value).toBe('prices');
    close(h);
  });

  it('lets a choice made before the database answers win over the saved one', async () => {
    const db = new StateDB();
    await db.save(VIEW_STATE_KEY, { groupBy: 'rule' });
    const state = new PanelViewState({ state: db });
    const restoring = state.restore();
    state.setFilter({ ...state.view.filter, text: 'x' });
    await restoring;
    expect(state.view.groupBy).toBe('cell');
    expect(state.view.filter.text).toBe('x');
  });
});

describe('Health panel rendering', () => {
  it('renders its rows again only when the findings change, not on a status change', async () => {
    const actionsFor = jest.fn(() => []);
    const h = await open(undefined, {
      actionsFor,
      actionsForCellModel: () => []
    });
    const rendersAfterOpen = actionsFor.mock.calls.length;
    expect(rendersAfterOpen).toBeGreaterThan(0);
    // When the notebook is being checked, then answered with the same findings
    h.guard.status = 'checking';
    h.guard.changed.emit({ panel: h.panels[0] });
    await rendered();
    expect(h.widget.node.textContent).toContain('(checking…)');
    h.guard.status = 'idle';
    h.guard.lastCheck = { time: new Date(), cells: 3, withKernel: false };
    h.guard.changed.emit({ panel: h.panels[0] });
    await rendered();
    expect(h.widget.node.textContent).not.toContain('(checking…)');
    // Then no row rendered again
    expect(actionsFor.mock.calls.length).toBe(rendersAfterOpen);
    // When a finding is added after the others, only its row renders
    const kept = h.byPanel.get(h.panels[0])!;
    const added = finding({
      cell_id: 'plot',
      code: 'NBG102',
      rule: 'undefined-name',
      severity: 'error',
      range: { start: { line: 0, column: 20 }, end: { line: 0, column: 25 } }
    });
    await setFindings(h, 0, [...kept, added]);
    expect(rowCodes(h.widget)).toEqual(['NBG201', 'NBG101', 'NBG102']);
    expect(actionsFor.mock.calls.length).toBe(rendersAfterOpen + 1);
    // When the findings change, the rows follow
    await setFindings(h, 0, [twoFindings()[1]]);
    expect(rowCodes(h.widget)).toEqual(['NBG101']);
    close(h);
  });
});
