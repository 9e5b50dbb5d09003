import { ISessionContext } from '@jupyterlab/apputils';
import {
  INotebookModel,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';

/**
 * Delay between the end of an execution and the check that follows, in ms:
 * enough to make the cells of a Run All that finish together one check, short
 * against the 150 ms a warning may take to appear (ui-tests/bench measures
 * it; the server has seen the reply before the browser has).
 */
export const AFTER_EXECUTION_DELAY_MS = 40;

/**
 * Delay between a change of the cell list (add, delete, move, paste, undo of
 * those) and the check that follows, in ms: short, so that a cut-and-paste
 * of several cells is one check.
 */
export const STRUCTURE_DELAY_MS = 50;

/**
 * Watches what makes a notebook's findings out of date and asks for a
 * check: an execution finishing, an edit (debounced), a change of the cell
 * list, a new kernel, the end of a restart.
 */
export class CheckTriggers implements IDisposable {
  /**
   * Start watching a panel.
   *
   * @param panel The panel whose notebook, widget and session are watched.
   * @param host What to ask for.
   */
  constructor(
    panel: NotebookPanel,
    private readonly host: CheckTriggers.IHost
  ) {
    NotebookActions.executed.connect(this._onExecuted, this);
    panel.content.modelContentChanged.connect(this._onContentChanged, this);
    this._watchCells(panel.content.model);
    panel.content.modelChanged.connect(
      () => this._watchCells(panel.content.model),
      this
    );
    panel.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    panel.sessionContext.statusChanged.connect(this._onStatusChanged, this);
  }

  /**
   * Whether the triggers are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Stop watching.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    NotebookActions.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  private _watchCells(model: INotebookModel | null): void {
    if (model === this._cellsModel) {
      return;
    }
    this._cellsModel?.cells.changed.disconnect(this._onCellsChanged, this);
    this._cellsModel = model;
    model?.cells.changed.connect(this._onCellsChanged, this);
  }

  private _onCellsChanged(): void {
    this.host.schedule(STRUCTURE_DELAY_MS);
  }

  private _onExecuted(
    _: unknown,
    args: { notebook: Notebook; cell: unknown }
  ): void {
    // Every view of the same document shares its model.
    const model = this.host.model();
    if (args.notebook.model !== null && args.notebook.model === model) {
      this.host.schedule(AFTER_EXECUTION_DELAY_MS);
    }
  }

  private _onContentChanged(): void {
    this.host.schedule(this.host.debounceMs());
  }

  private _onKernelChanged(): void {
    this.host.kernelChanged();
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    if (
      status === 'restarting' ||
      status === 'autorestarting' ||
      status === 'starting'
    ) {
      this._restarting = true;
    } else if (status === 'idle' && this._restarting) {
      this._restarting = false;
      this.host.schedule(AFTER_EXECUTION_DELAY_MS);
    }
  }

  private _cellsModel: INotebookModel | null = null;
  private _restarting = false;
  private _isDisposed = false;
}

/**
 * Types of the check triggers.
 */
export namespace CheckTriggers {
  /**
   * The checker the triggers ask.
   */
  export interface IHost {
    /**
     * The model of the notebook checked now (views of it share it).
     */
    model(): INotebookModel | null;
    /**
     * The debounce after an edit, in ms (from the settings).
     */
    debounceMs(): number;
    /**
     * Ask for a check after a delay (debounced, coalesced).
     */
    schedule(delayMs: number): void;
    /**
     * The kernel changed: check again, dropping a check in flight.
     */
    kernelChanged(): void;
  }
}
