import { NotebookPanel } from '@jupyterlab/notebook';
import { DisposableDelegate } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { Diagnostic } from '../api';
import { DEFAULT_SETTINGS, INbGuardSettings } from '../settings';
import type {
  CheckStatus,
  ICheckInfo,
  INbGuard,
  INotebookFindings
} from '../tokens';

/**
 * A finding about the `total` cell of the UI fixtures, as the server sends it.
 *
 * @param overrides Fields to change.
 */
export function finding(overrides: Partial<Diagnostic>): Diagnostic {
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
export class FakeGuard implements INbGuard {
  constructor(readonly panel: NotebookPanel) {}
  diagnostics: Diagnostic[] = [];
  status: CheckStatus = 'idle';
  error: string | null = null;
  lastCheck: ICheckInfo | null = null;
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
      status: this.status,
      error: this.error,
      lastCheck: this.lastCheck,
      changed: new Signal<unknown, void>(this) as unknown as ISignal<
        INotebookFindings,
        void
      >,
      forCell: (id: string) => this._forCell(diagnostics, id),
      checkedSource: () => null,
      checkNow: async () => undefined,
      holdChecks: () => new DisposableDelegate(() => undefined)
    };
  }
  diagnosticsForEditorModel(): ReadonlyArray<Diagnostic> {
    return [];
  }
  cellChanged(): ISignal<INbGuard, void> {
    return this.cellSignal;
  }
  readonly cellSignal = new Signal<INbGuard, void>(this);
  checkedSourceForEditorModel(): string | null {
    return null;
  }
  set(diagnostics: Diagnostic[]): void {
    this.diagnostics = diagnostics;
    this.changed.emit({ panel: this.panel });
  }
  /**
   * A cell's findings, the same array while `diagnostics` is (as the real
   * store keeps them).
   */
  private _forCell(
    diagnostics: Diagnostic[],
    id: string
  ): ReadonlyArray<Diagnostic> {
    if (this._byCellOf !== diagnostics) {
      this._byCellOf = diagnostics;
      this._byCell.clear();
    }
    let found = this._byCell.get(id);
    if (found === undefined) {
      found = diagnostics.filter(d => d.cell_id === id);
      this._byCell.set(id, found);
    }
    return found;
  }
  private _byCellOf: Diagnostic[] | null = null;
  private readonly _byCell = new Map<string, ReadonlyArray<Diagnostic>>();
}

/**
 * Resolve on the next animation frame (cell markers coalesce to one).
 */
export function nextFrame(): Promise<void> {
  return new Promise(resolve => requestAnimationFrame(() => resolve()));
}

/**
 * Let a ReactWidget render after `update()`.
 */
export function rendered(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 50));
}
