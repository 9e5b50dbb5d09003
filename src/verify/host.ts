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
 * How long a cell runs before it is highlighted and followed.
 */
export const SHOWN_AFTER_MS = 120;

/**
 * Kernel states that mean the kernel we restarted is gone: it died, the
 * server restarted it after a crash, or someone restarted it mid-run.
 */
const GONE = new Set(['dead', 'autorestarting', 'restarting']);

/**
 * How a cell that did not run cleanly came back. An aborted request leaves
 * neither a count nor an error output.
 */
function failure(widget: Cell): ExecutionResult {
  const model = widget.model as ICodeCellModel;
  return model.executionCount === null && model.outputs.length === 0
    ? 'aborted'
    : 'error';
}

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
      this._done(widget);
    }
  }

  /**
   * Queue the cells as Run All does: one `NotebookActions.runCells` call for
   * all of them. Calling it once per cell cost what Run All never pays: each
   * call ends by scrolling to the active cell and, when the notebook has the
   * focus, activating it again (focus, editor and toolbar work), 40 times
   * for 40 cells, about 15 ms a cell. Each cell's result comes from
   * `NotebookActions.executed`, which JupyterLab emits per cell.
   */
  executeQueued(
    cells: ReadonlyArray<IRunCell>
  ): ReadonlyArray<Promise<ExecutionResult>> {
    const notebook = this._panel.content;
    const byId = new Map(notebook.widgets.map(w => [w.model.id, w]));
    const widgets = cells.map(cell => byId.get(cell.id) ?? null);
    const pending = new Map<Cell, (result: ExecutionResult) => void>();
    const runs = widgets.map(widget =>
      widget
        ? new Promise<ExecutionResult>(resolve => pending.set(widget, resolve))
        : Promise.resolve<ExecutionResult>('error')
    );
    let failed = false;
    // (a cell deleted mid-run never reports)
    const onDisposed = (widget: Cell) => settle(widget, 'error');
    const settle = (widget: Cell, result: ExecutionResult) => {
      const resolve = pending.get(widget);
      if (resolve) {
        pending.delete(widget);
        widget.disposed.disconnect(onDisposed);
        resolve(result);
      }
      if (pending.size === 0) {
        NotebookActions.executed.disconnect(onExecuted);
      }
    };
    const onExecuted = (
      _: unknown,
      args: { notebook: unknown; cell: Cell; success: boolean }
    ) => {
      if (args.notebook !== notebook || !pending.has(args.cell)) {
        return;
      }
      failed = failed || !args.success;
      settle(args.cell, args.success ? 'ok' : failure(args.cell));
    };
    const present = widgets.filter((w): w is Cell => w !== null);
    if (present.length > 0) {
      NotebookActions.executed.connect(onExecuted);
      present.forEach(widget => widget.disposed.connect(onDisposed));
      void NotebookActions.runCells(
        notebook,
        present,
        this._panel.sessionContext,
        undefined,
        this._translator
      )
        .catch(() => {
          failed = true;
        })
        .then(() => {
          // Without an error every cell has finished: one that did not
          // report did not run (JupyterLab refused it, or its request was
          // cancelled). After an error the rest are still coming back as
          // aborted, and report then.
          if (!failed) {
            [...pending.keys()].forEach(widget =>
              settle(widget, failure(widget))
            );
          }
        });
    }
    // Each cell is shown as running once the one before it has finished.
    let previous: Promise<unknown> = Promise.resolve();
    return runs.map((run, i) => {
      const shown = previous.then(() => this._show(cells[i]));
      const result = shown.then(async widget => {
        try {
          return await run;
        } finally {
          if (widget) {
            this._done(widget);
          }
        }
      });
      previous = result.catch(() => undefined);
      return result;
    });
  }

  /**
   * Mark the cell as running and bring it into view once it has run for
   * `SHOWN_AFTER_MS`, if it still runs then. A cell done sooner is gone
   * before anyone could see it highlighted: marking it would only restyle
   * and repaint it twice, and the scroll to it would move the notebook for
   * nothing (the previous rule, the next frame, still marked most cells of
   * 20 ms; under load that paint work delayed the kernel's messages). It is
   * neither selected nor made the active cell: every listener of the
   * active cell (toolbar, property inspector, panels) would re-render once
   * per cell, which made a verification of 40 cells about a second slower
   * than Run All.
   *
   * @returns Its widget, or null when it is no longer in the notebook.
   */
  private _show(cell: IRunCell): Cell | null {
    const notebook = this._panel.content;
    const widget = notebook.widgets.find(w => w.model.id === cell.id);
    if (!widget) {
      return null;
    }
    this._running = widget;
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => {
      this._timer = 0;
      const running = this._running;
      if (running === widget && !running.isDisposed) {
        running.addClass(RUNNING_CLASS);
        this._follow(running);
      }
    }, SHOWN_AFTER_MS);
    return widget;
  }

  /**
   * The cell is no longer running: unmark it and stop following it.
   */
  private _done(widget: Cell): void {
    if (this._running === widget) {
      this._running = null;
      window.clearTimeout(this._timer);
      this._timer = 0;
    }
    if (widget.hasClass(RUNNING_CLASS)) {
      widget.removeClass(RUNNING_CLASS);
    }
    if (this._following === widget) {
      this._observer?.unobserve(widget.node);
      this._following = null;
    }
  }

  /**
   * Scroll to the running cell only when it is not in view, with the cell
   * at the top so that the cells after it are in view too. An
   * IntersectionObserver says so after the browser's own layout; asking
   * for the cell's position, or scrolling "smartly" every time, forced a
   * layout a cell and made every editor of the notebook measure itself
   * again on each scroll.
   */
  private _follow(widget: Cell): void {
    const notebook = this._panel.content;
    if (typeof IntersectionObserver === 'undefined') {
      void notebook.scrollToItem(notebook.widgets.indexOf(widget), 'smart');
      return;
    }
    if (!this._observer) {
      this._observer = new IntersectionObserver(
        entries => {
          const target = this._following;
          const entry = entries.find(e => e.target === target?.node);
          if (!target || !entry || notebook.isDisposed) {
            return;
          }
          // Fully in view, or as much of it as the notebook can show.
          const room = entry.rootBounds?.height ?? Infinity;
          const shown = entry.intersectionRect.height;
          if (shown + 1 >= Math.min(entry.boundingClientRect.height, room)) {
            return;
          }
          const index = notebook.widgets.indexOf(target);
          if (index >= 0) {
            void notebook
              .scrollToItem(index, 'start', 0)
              .catch(() => undefined);
          }
        },
        { root: notebook.outerNode, threshold: [0, 1] }
      );
    }
    if (this._following) {
      this._observer.unobserve(this._following.node);
    }
    this._following = widget;
    this._observer.observe(widget.node);
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
    return ok ? 'ok' : failure(widget);
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

  private _running: Cell | null = null;
  private _timer = 0;
  private _following: Cell | null = null;
  private _observer: IntersectionObserver | null = null;
}
