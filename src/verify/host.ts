import { Cell, ICodeCellModel } from '@jupyterlab/cells';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';

import type { ExecutionResult, IRunCell, IRunHost } from './runner';

/**
 * The class of the cell a verification is running.
 */
export const RUNNING_CLASS = 'jp-nbguard-mod-verifying';

/**
 * Kernel states that mean the kernel we restarted is gone: it died, the
 * server restarted it after a crash, or someone restarted it mid-run.
 */
const GONE = new Set(['dead', 'autorestarting', 'restarting']);

/**
 * Runs a notebook's cells on its real session, through JupyterLab's normal
 * execution (`NotebookActions.runCells`): outputs appear as usual, the
 * `executed` signal fires, and the server sees each cell's id.
 */
export class NotebookRunHost implements IRunHost {
  /**
   * Create a host.
   *
   * @param panel The notebook panel.
   * @param translator The application translator.
   */
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _translator?: ITranslator
  ) {}

  /**
   * Restart the kernel without a dialog (the command asked already).
   *
   * @throws {Error} If the restart failed: `restartKernel` only logs that,
   * and leaves the context not ready.
   */
  async restart(): Promise<void> {
    const context = this._panel.sessionContext;
    await context.restartKernel();
    if (!context.isReady || !context.session?.kernel) {
      throw new Error('The kernel could not be restarted.');
    }
  }

  async execute(cell: IRunCell): Promise<ExecutionResult> {
    const widget = this._show(cell);
    if (!widget) {
      return 'error';
    }
    try {
      return await this._run(widget);
    } finally {
      widget.removeClass(RUNNING_CLASS);
    }
  }

  executeQueued(
    cells: ReadonlyArray<IRunCell>
  ): ReadonlyArray<Promise<ExecutionResult>> {
    const notebook = this._panel.content;
    // Every request is sent now, in order; the kernel queues them.
    const runs = cells.map(cell => {
      const widget = notebook.widgets.find(w => w.model.id === cell.id);
      return widget
        ? this._run(widget)
        : Promise.resolve<ExecutionResult>('error');
    });
    // Each cell is shown as running once the one before it has finished.
    let previous: Promise<unknown> = Promise.resolve();
    return runs.map((run, i) => {
      const shown = previous.then(() => this._show(cells[i]));
      const result = shown.then(async widget => {
        try {
          return await run;
        } finally {
          widget?.removeClass(RUNNING_CLASS);
        }
      });
      previous = result.catch(() => undefined);
      return result;
    });
  }

  /**
   * Mark the cell as running and scroll it into view. It does not become
   * the active cell: every listener of the active cell (toolbar, property
   * inspector, panels) would re-render once per cell, which made a
   * verification of 40 cells about a second slower than Run All.
   *
   * @returns Its widget, or null when it is no longer in the notebook.
   */
  private _show(cell: IRunCell): Cell | null {
    const notebook = this._panel.content;
    const widget = notebook.widgets.find(w => w.model.id === cell.id);
    if (!widget) {
      return null;
    }
    widget.addClass(RUNNING_CLASS);
    void notebook.scrollToCell(widget, 'smart');
    return widget;
  }

  /**
   * Run one cell through JupyterLab's normal execution.
   */
  private async _run(widget: Cell): Promise<ExecutionResult> {
    const ok = await NotebookActions.runCells(
      this._panel.content,
      [widget],
      this._panel.sessionContext,
      undefined,
      this._translator
    );
    if (ok) {
      return 'ok';
    }
    const model = widget.model as ICodeCellModel;
    // An aborted request leaves neither a count nor an error output.
    return model.executionCount === null && model.outputs.length === 0
      ? 'aborted'
      : 'error';
  }

  async interrupt(): Promise<void> {
    await this._panel.sessionContext.session?.kernel?.interrupt();
  }

  watchKernel(died: () => void): IDisposable {
    const context = this._panel.sessionContext;
    const onStatus = (_: unknown, status: string) => {
      if (GONE.has(status)) {
        died();
      }
    };
    const onKernel = () => died();
    context.statusChanged.connect(onStatus);
    context.kernelChanged.connect(onKernel);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose() {
        if (disposed) {
          return;
        }
        disposed = true;
        context.statusChanged.disconnect(onStatus);
        context.kernelChanged.disconnect(onKernel);
      }
    };
  }
}
