import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { Signal } from '@lumino/signaling';

import {
  applyCellMarker,
  BADGE_CLASS,
  CellMarkers,
  markerKind
} from '../cellmarkers';
import { DiagnosticsPanel } from '../panel/DiagnosticsPanel';
import { DEFAULT_SETTINGS } from '../settings';

import { FakeGuard, finding, nextFrame, rendered } from './fakes';
import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    {
      id: 'load',
      cell_type: 'code',
      source: 'prices = [1, 2]',
      metadata: {},
      execution_count: 4,
      outputs: []
    },
    {
      id: 'total',
      cell_type: 'code',
      source: 'total = sum(prices)',
      metadata: {},
      execution_count: null,
      outputs: []
    }
  ]
};

describe('markerKind', () => {
  it('names the most urgent kind a cell has, by rule', () => {
    const of = (...codes: string[]) =>
      markerKind(codes.map(code => finding({ code })));
    expect(of('NBG202')).toBe('edited');
    expect(of('NBG202', 'NBG204')).toBe('out-of-order');
    expect(of('NBG204', 'NBG201')).toBe('stale');
    expect(of('NBG201', 'NBG301')).toBe('verify');
    expect(of('NBG101')).toBe('other');
    expect(of()).toBe('other');
  });
});

describe('cell markers', () => {
  it('marks a cell with its worst severity and a badge listing the findings', async () => {
    // Given a notebook whose `total` cell has a warning and an info
    const panel = await createPanel(CONTENT);
    const cell = panel.content.widgets[1];
    // When the marker is applied
    applyCellMarker(
      cell,
      [
        finding({ severity: 'info', code: 'NBG205', rule: 'run-order' }),
        finding({})
      ],
      trans
    );
    // Then the cell has the warning class and a badge counting the problem
    expect(cell.node.classList).toContain('jp-nbguard-mod-warning');
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-info');
    const badge = cell.node.querySelector(`.${BADGE_CLASS}`) as HTMLElement;
    expect(badge.textContent).toBe('1');
    // ... marked as stale (its own glyph), which the tooltip says first
    expect(badge.dataset.kind).toBe('stale');
    expect(badge.title.split('\n')[1]).toMatch(/^Stale/);
    expect(badge.title).toContain(
      "stale-cell (NBG201): 'prices' changed after this cell ran"
    );
    // And the info finding is only mentioned, not listed as a problem
    expect(badge.title).not.toContain('run-order (NBG205)');
    expect(badge.title).toContain('and 1 info finding in the nbguard panel');
    // When the cell becomes clean
    applyCellMarker(cell, [], trans);
    // Then marker and badge are removed
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-warning');
    expect(cell.node.querySelector(`.${BADGE_CLASS}`)).toBeNull();
    panel.dispose();
  });

  it('puts no marker on a cell whose only findings are info', async () => {
    // Given a cell with two info findings (superseded, run order)
    const panel = await createPanel(CONTENT);
    const cell = panel.content.widgets[1];
    // When the marker is applied
    applyCellMarker(
      cell,
      [
        finding({ severity: 'info', code: 'NBG209', rule: 'superseded' }),
        finding({ severity: 'info', code: 'NBG205', rule: 'run-order' })
      ],
      trans
    );
    // Then the cell has no marker class, no severity class and no badge
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-marked');
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-info');
    expect(cell.node.querySelector(`.${BADGE_CLASS}`)).toBeNull();
    panel.dispose();
  });

  it("keeps the badge out of JupyterLab's collapser", async () => {
    // Given a cell with a warning
    const panel = await createPanel(CONTENT);
    const cell = panel.content.widgets[1];
    // When the marker is applied
    applyCellMarker(cell, [finding({})], trans);
    // Then the badge is a direct child of the cell, not inside the collapser
    // or the prompt (whose text JupyterLab rewrites), and the collapser is
    // still there untouched
    const badge = cell.node.querySelector(`.${BADGE_CLASS}`) as HTMLElement;
    expect(badge.parentElement).toBe(cell.node);
    expect(badge.closest('.jp-Collapser')).toBeNull();
    const collapser = cell.node.querySelector('.jp-InputCollapser');
    expect(collapser).not.toBeNull();
    expect(collapser!.contains(badge)).toBe(false);
    panel.dispose();
  });

  it('follows the findings of the notebook and the showCellMarkers setting', async () => {
    // Given markers on a panel
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    const markers = new CellMarkers(panel, guard, trans);
    // When the service reports an error on `total`
    guard.set([finding({ severity: 'error', code: 'NBG101' })]);
    await nextFrame();
    // Then only that cell is marked
    const [load, total] = panel.content.widgets;
    expect(total.node.classList).toContain('jp-nbguard-mod-error');
    expect(load.node.classList).not.toContain('jp-nbguard-mod-marked');
    // When markers are switched off in the settings
    guard.settings = { ...DEFAULT_SETTINGS, showCellMarkers: false };
    guard.changed.emit({ panel });
    await nextFrame();
    // Then the marker is removed
    expect(total.node.classList).not.toContain('jp-nbguard-mod-error');
    markers.dispose();
    panel.dispose();
  });

  it('rewrites only the cells whose findings changed', async () => {
    // Given markers on a panel with a warning on `total`
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    const markers = new CellMarkers(panel, guard, trans);
    guard.set([finding({})]);
    await nextFrame();
    const total = panel.content.widgets[1];
    const badge = total.node.querySelector(`.${BADGE_CLASS}`) as HTMLElement;
    expect(badge.textContent).toBe('1');
    badge.textContent = 'untouched';
    // When the service reports a change with the same findings (a status)
    guard.changed.emit({ panel });
    await nextFrame();
    // Then the badge was not rewritten
    expect(badge.textContent).toBe('untouched');
    // When the findings change
    guard.set([finding({}), finding({ code: 'NBG202', rule: 'edited' })]);
    await nextFrame();
    // Then it is
    expect(badge.textContent).toBe('2');
    markers.dispose();
    panel.dispose();
  });
});

describe('DiagnosticsPanel', () => {
  it('lists notebook-level findings first, with cell labels, and reveals on click', async () => {
    // Given a current notebook with a cell finding and a notebook finding
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    guard.diagnostics = [
      finding({}),
      finding({
        cell_id: null,
        range: null,
        code: 'NBG203',
        rule: 'deleted-but-live',
        message: "'old' lives only in the kernel"
      })
    ];
    const currentChanged = new Signal<INotebookTracker, NotebookPanel | null>(
      {} as INotebookTracker
    );
    const tracker = {
      currentWidget: panel,
      currentChanged
    } as unknown as INotebookTracker;
    const reveal = jest.fn(async () => undefined);
    const widget = new DiagnosticsPanel({ guard, tracker, trans, reveal });
    Widget.attach(widget, document.body);
    widget.update();
    await nextFrame();
    await new Promise(resolve => setTimeout(resolve, 50));
    // Then the rows show code, rule, message and cell label in order
    const rows = Array.from(
      widget.node.querySelectorAll('li.jp-nbguard-DiagnosticsPanel-row')
    );
    expect(
      rows.map(
        r => r.querySelector('.jp-nbguard-DiagnosticsPanel-code')?.textContent
      )
    ).toEqual(['NBG203', 'NBG201']);
    expect(rows[1].textContent).toContain('stale-cell');
    expect(rows[1].textContent).toContain(
      "'prices' changed after this cell ran"
    );
    expect(
      rows[1]
        .closest('[role="group"]')
        ?.querySelector('.jp-nbguard-DiagnosticsPanel-groupTitle')?.textContent
    ).toBe('cell 2');
    // When a row is clicked
    (rows[1].querySelector('button') as HTMLButtonElement).click();
    // Then the finding is revealed in its notebook
    expect(reveal).toHaveBeenCalledWith(panel, guard.diagnostics[0]);
    // When the findings go away
    guard.set([]);
    await new Promise(resolve => setTimeout(resolve, 50));
    // Then the empty state shows
    expect(widget.node.textContent).toContain('No findings in this notebook');
    // When checking is disabled
    guard.settings = { ...DEFAULT_SETTINGS, enabled: false };
    guard.set([]);
    await new Promise(resolve => setTimeout(resolve, 50));
    // Then the panel says so, and does not claim the notebook is clean
    expect(widget.node.textContent).toContain('disabled');
    expect(widget.node.textContent).not.toContain('No findings');
    widget.dispose();
    panel.dispose();
  });
});

describe('DiagnosticsPanel, quiet info and failures', () => {
  async function open(guard: FakeGuard): Promise<DiagnosticsPanel> {
    const tracker = {
      currentWidget: guard.panel,
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
    widget.update();
    await rendered();
    return widget;
  }

  function sections(widget: DiagnosticsPanel): Array<[string, string[]]> {
    return Array.from(widget.node.querySelectorAll('section')).map(section => [
      section.querySelector('h3')?.firstChild?.textContent ?? '',
      Array.from(section.querySelectorAll('li')).map(
        li =>
          li.querySelector('.jp-nbguard-DiagnosticsPanel-code')?.textContent ??
          ''
      )
    ]);
  }

  it('lists info findings under their own heading, below the problems', async () => {
    // Given an info finding on the first cell and a warning on the second
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    guard.diagnostics = [
      finding({
        cell_id: 'load',
        severity: 'info',
        code: 'NBG209',
        rule: 'superseded'
      }),
      finding({})
    ];
    // When the panel renders
    const widget = await open(guard);
    // Then the warning is under Problems and the info under Information,
    // below it, although its cell comes first
    expect(sections(widget)).toEqual([
      ['Problems', ['NBG201']],
      ['Information', ['NBG209']]
    ]);
    expect(widget.node.textContent).toContain('0 errors, 1 warning; 1 info');
    // When info is turned off in the settings
    guard.settings = { ...DEFAULT_SETTINGS, showInfo: 'off' };
    guard.set(guard.diagnostics);
    await rendered();
    // Then only the problems are listed and counted
    expect(sections(widget)).toEqual([['Problems', ['NBG201']]]);
    expect(widget.node.textContent).not.toContain('info');
    widget.dispose();
    panel.dispose();
  });

  it('says there is no problem when the only findings are info', async () => {
    // Given a notebook whose only finding is info
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    guard.diagnostics = [finding({ severity: 'info', code: 'NBG205' })];
    guard.lastCheck = { time: new Date(), cells: 2, withKernel: true };
    // When the panel renders
    const widget = await open(guard);
    // Then the problems section is calm and says when it checked
    expect(sections(widget)).toEqual([
      ['Problems', []],
      ['Information', ['NBG205']]
    ]);
    expect(widget.node.textContent).toContain('No problems found.');
    expect(widget.node.textContent).toContain('Checked at');
    widget.dispose();
    panel.dispose();
  });

  it("shows why the last check failed, in the server's words", async () => {
    // Given a check the server refused because of a typo in Select
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    guard.diagnostics = [finding({})];
    guard.status = 'error';
    guard.error =
      "The server refused the check (400): select: unknown rule 'stale'";
    // When the panel renders
    const widget = await open(guard);
    // Then an alert says the findings may be old, and why
    const alert = widget.node.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('may be out of date');
    expect(alert?.textContent).toContain("select: unknown rule 'stale'");
    widget.dispose();
    panel.dispose();
  });
});
