import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { ISignal, Signal } from '@lumino/signaling';

import type { Diagnostic } from '../api';
import { applyCellMarker, BADGE_CLASS, CellMarkers } from '../cellmarkers';
import { DiagnosticsPanel } from '../panel/DiagnosticsPanel';
import { DEFAULT_SETTINGS, INbGuardSettings } from '../settings';
import type { INbGuard, INotebookFindings } from '../tokens';

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

function finding(overrides: Partial<Diagnostic>): Diagnostic {
  return {
    code: 'NBG201',
    rule: 'stale-cell',
    severity: 'warning',
    cell_id: 'total',
    message: "'prices' changed after this cell ran",
    range: { start: { line: 0, column: 12 }, end: { line: 0, column: 18 } },
    names: ['prices'],
    related: [],
    ...overrides
  };
}

/**
 * An nbguard service holding fixed findings for one panel.
 */
class FakeGuard implements INbGuard {
  constructor(readonly panel: NotebookPanel) {}
  diagnostics: Diagnostic[] = [];
  settings: INbGuardSettings = DEFAULT_SETTINGS;
  readonly settingsChanged = new Signal<this, INbGuardSettings>(this);
  readonly changed = new Signal<this, INbGuard.IChangedArgs>(this);
  findings(panel: NotebookPanel): INotebookFindings | null {
    if (panel !== this.panel) {
      return null;
    }
    const diagnostics = this.diagnostics;
    return {
      panel,
      diagnostics,
      kernel: null,
      status: 'idle',
      changed: new Signal<unknown, void>(this) as unknown as ISignal<
        INotebookFindings,
        void
      >,
      forCell: (id: string) => diagnostics.filter(d => d.cell_id === id),
      checkNow: async () => undefined
    };
  }
  diagnosticsForEditorModel(): ReadonlyArray<Diagnostic> {
    return [];
  }
  set(diagnostics: Diagnostic[]): void {
    this.diagnostics = diagnostics;
    this.changed.emit({ panel: this.panel });
  }
}

function nextFrame(): Promise<void> {
  return new Promise(resolve => requestAnimationFrame(() => resolve()));
}

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
    // Then the cell has the warning class and a badge with count and messages
    expect(cell.node.classList).toContain('jp-nbguard-mod-warning');
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-info');
    const badge = cell.node.querySelector(`.${BADGE_CLASS}`) as HTMLElement;
    expect(badge.textContent).toBe('2');
    expect(badge.title).toContain(
      "stale-cell (NBG201): 'prices' changed after this cell ran"
    );
    expect(badge.title).toContain('run-order (NBG205)');
    // When the cell becomes clean
    applyCellMarker(cell, [], trans);
    // Then marker and badge are removed
    expect(cell.node.classList).not.toContain('jp-nbguard-mod-warning');
    expect(cell.node.querySelector(`.${BADGE_CLASS}`)).toBeNull();
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
    const rows = Array.from(widget.node.querySelectorAll('li'));
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
      rows[1].querySelector('.jp-nbguard-DiagnosticsPanel-cell')?.textContent
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
