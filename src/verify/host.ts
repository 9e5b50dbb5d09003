import { ICodeCellModel } from '@jupyterlab/cells';
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
    const notebook = this._panel.content;
    const index = notebook.widgets.findIndex(w => w.model.id === cell.id);
    if (index < 0) {
      return 'error';
    }
    const widget = notebook.widgets[index];
    notebook.deselectAll();
    notebook.activeCellIndex = index;
    widget.addClass(RUNNING_CLASS);
    void notebook.scrollToCell(widget, 'smart');
    try {
      const ok = await NotebookActions.runCells(
        notebook,
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
    } finally {
      widget.removeClass(RUNNING_CLASS);
    }
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
