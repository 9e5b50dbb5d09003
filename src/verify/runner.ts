import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { markPhase } from './timing';

/**
 * A code cell as the runner sees it.
 */
export interface IRunCell {
  /**
   * The nbformat cell id.
   */
  readonly id: string;
  /**
   * Marked not to be run (`nbguard:skip`, `nbval-skip`, `# NBVAL_SKIP`).
   */
  readonly skip: boolean;
  /**
   * An error it raises is expected (`raises-exception`, ...).
   */
  readonly expectError: boolean;
}

/**
 * How one execution came back.
 *
 * `aborted` is a reply the kernel aborted without running the code
 * (ipykernel does that to requests that arrive right after an error).
 */
export type ExecutionResult = 'ok' | 'error' | 'aborted';

/**
 * What the runner needs from the notebook and its kernel. The browser's host
 * drives a real session; the tests drive a fake one.
 */
export interface IRunHost {
  /**
   * Restart the kernel (no dialog) and resolve once it is ready.
   */
  restart(): Promise<void>;
  /**
   * Run one code cell through JupyterLab's normal execution.
   *
   * @param cell The cell.
   * @param index Its position among the code cells to run.
   */
  execute(cell: IRunCell, index: number): Promise<ExecutionResult>;
  /**
   * Queue several code cells at once, in order, as Run All does: the kernel
   * runs them back to back instead of waiting for a round trip and a repaint
   * between cells. Each cell is shown as running while it is the first one
   * not finished. Optional: without it, cells run one at a time.
   *
   * @param cells The cells, in page order.
   * @param first The position of the first of them among the code cells.
   * @returns One result per cell, in the same order.
   */
  executeQueued?(
    cells: ReadonlyArray<IRunCell>,
    first: number
  ): ReadonlyArray<Promise<ExecutionResult>>;
  /**
   * Interrupt the kernel.
   */
  interrupt(): Promise<void>;
  /**
   * Call `died` when the kernel dies or restarts behind our back.
   *
   * @returns Stops watching.
   */
  watchKernel(died: () => void): IDisposable;
}

/**
 * How a run ended.
 */
export type RunEnd = 'completed' | 'error' | 'cancelled' | 'died';

/**
 * Where a run stands, emitted on every change.
 */
export interface IRunProgress {
  /**
   * `restarting`, `running` (cell `current` of `total`) or `done`.
   */
  readonly phase: 'restarting' | 'running' | 'done';
  /**
   * 0-based position of the running cell among the code cells, -1 before.
   */
  readonly current: number;
  /**
   * How many code cells there are.
   */
  readonly total: number;
  /**
   * The id of the running cell, null when none runs.
   */
  readonly cellId: string | null;
  /**
   * When the run started (ms since the epoch).
   */
  readonly started: number;
}

/**
 * What a run did.
 */
export interface IRunOutcome {
  /**
   * How it ended.
   */
  readonly ended: RunEnd;
  /**
   * The ids of the cells that ran to the end (skipped and interrupted cells,
   * and those never reached, are not in it).
   */
  readonly ran: ReadonlySet<string>;
  /**
   * The cell the run stopped in or at (the error, the cancelled or the
   * crashed cell), null when it completed.
   */
  readonly stoppedAt: string | null;
  /**
   * The cells whose errors were not expected, in page order.
   */
  readonly errors: ReadonlyArray<string>;
  /**
   * How long the run took, in ms.
   */
  readonly elapsed: number;
}

/**
 * Runs the code cells of a notebook top to bottom after a restart and reports
 * progress. It never compares outputs.
 *
 * With a host that can queue (`executeQueued`) and the run stopping at the
 * first unexpected error, the cells are sent in batches, each ending at a
 * cell expected to raise: the kernel aborts what is queued behind an error,
 * which is what stopping means, while an expected error must not cost the
 * cells after it. Otherwise (continuing past errors) one cell at a time.
 */
export class VerifyRunner {
  /**
   * Create a runner.
   *
   * @param options The cells, the host and the policy.
   */
  constructor(options: VerifyRunner.IOptions) {
    this._cells = options.cells;
    this._host = options.host;
    this._stopOnError = options.stopOnError;
    this._now = options.now ?? Date.now;
    this._started = this._now();
    this._progress = {
      phase: 'restarting',
      current: -1,
      total: this._cells.length,
      cellId: null,
      started: this._started
    };
  }

  /**
   * Emitted whenever the progress changes.
   */
  get progressChanged(): ISignal<this, IRunProgress> {
    return this._progressChanged;
  }

  /**
   * Where the run stands.
   */
  get progress(): IRunProgress {
    return this._progress;
  }

  /**
   * Whether cancel was asked for.
   */
  get isCancelled(): boolean {
    return this._cancelled;
  }

  /**
   * Stop the run: interrupt the running cell and run no more.
   */
  async cancel(): Promise<void> {
    if (this._cancelled || this._progress.phase === 'done') {
      return;
    }
    this._cancelled = true;
    this._wake?.();
    if (this._progress.phase === 'running') {
      await this._host.interrupt();
    }
  }

  /**
   * Restart the kernel and run every code cell, in order.
   *
   * @returns What ran and how the run ended; never rejects for a cell error.
   */
  async run(): Promise<IRunOutcome> {
    const ran = new Set<string>();
    const errors: string[] = [];
    this._emit({ phase: 'restarting', current: -1, cellId: null });
    markPhase('restart');
    await this._host.restart();
    markPhase('ready');
    let died = false;
    const watch = this._host.watchKernel(() => {
      died = true;
      this._wake?.();
    });
    let ended: RunEnd = 'completed';
    let stoppedAt: string | null = null;
    const queued = new Map<number, Promise<ExecutionResult>>();
    const pipelined = this._stopOnError && !!this._host.executeQueued;
    try {
      for (let index = 0; index < this._cells.length; index++) {
        const cell = this._cells[index];
        if (this._cancelled || died) {
          ended = died ? 'died' : 'cancelled';
          break;
        }
        if (cell.skip) {
          continue;
        }
        if (pipelined && !queued.has(index)) {
          this._queueBatch(index, queued);
          markPhase('queued');
        }
        this._emit({ phase: 'running', current: index, cellId: cell.id });
        const result = await this._executeWatched(
          cell,
          index,
          () => died,
          queued.get(index)
        );
        if (died || this._cancelled) {
          ended = died ? 'died' : 'cancelled';
          stoppedAt = cell.id;
          break;
        }
        ran.add(cell.id);
        if (result === 'error' && !cell.expectError) {
          errors.push(cell.id);
          if (this._stopOnError) {
            ended = 'error';
            stoppedAt = cell.id;
            break;
          }
        }
      }
    } finally {
      markPhase('ran');
      watch.dispose();
      this._emit({ phase: 'done', current: -1, cellId: null });
    }
    return {
      ended,
      ran,
      stoppedAt,
      errors,
      elapsed: this._now() - this._started
    };
  }

  /**
   * Execute one cell, returning early when the kernel dies or the user
   * cancels (a dead kernel never answers), and once more if the kernel
   * aborted the request without running it.
   */
  private async _executeWatched(
    cell: IRunCell,
    index: number,
    hasDied: () => boolean,
    queued?: Promise<ExecutionResult>
  ): Promise<ExecutionResult | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const woken = new Promise<null>(resolve => {
        this._wake = () => resolve(null);
      });
      // (a queued cell the kernel aborted is tried again on its own)
      const running =
        attempt === 0 && queued ? queued : this._host.execute(cell, index);
      const result = await Promise.race([
        running.catch((): ExecutionResult => 'error'),
        woken
      ]);
      this._wake = null;
      if (result !== 'aborted' || hasDied() || this._cancelled) {
        return result;
      }
    }
    return 'error';
  }

  /**
   * Queue the cells from `start` up to the next one expected to raise (or the
   * end), skipped ones left out, and keep their results by position.
   */
  private _queueBatch(
    start: number,
    queued: Map<number, Promise<ExecutionResult>>
  ): void {
    const positions: number[] = [];
    for (let index = start; index < this._cells.length; index++) {
      const cell = this._cells[index];
      if (cell.skip) {
        continue;
      }
      positions.push(index);
      if (cell.expectError) {
        break;
      }
    }
    const results = this._host.executeQueued!(
      positions.map(index => this._cells[index]),
      start
    );
    positions.forEach((index, i) => {
      // (a result nobody awaits, after a stop, must not reject unhandled)
      const result = results[i].catch((): ExecutionResult => 'error');
      queued.set(index, result);
    });
  }

  private _emit(change: Omit<IRunProgress, 'total' | 'started'>): void {
    this._progress = {
      ...change,
      total: this._cells.length,
      started: this._started
    };
    this._progressChanged.emit(this._progress);
  }

  private readonly _cells: ReadonlyArray<IRunCell>;
  private readonly _host: IRunHost;
  private readonly _stopOnError: boolean;
  private readonly _now: () => number;
  private readonly _started: number;
  private _progress: IRunProgress;
  private _cancelled = false;
  private _wake: (() => void) | null = null;
  private readonly _progressChanged = new Signal<this, IRunProgress>(this);
}

/**
 * Types of the runner.
 */
export namespace VerifyRunner {
  /**
   * The runner's options.
   */
  export interface IOptions {
    /**
     * The code cells, in page order.
     */
    readonly cells: ReadonlyArray<IRunCell>;
    /**
     * The notebook and its kernel.
     */
    readonly host: IRunHost;
    /**
     * Stop at the first error that was not expected.
     */
    readonly stopOnError: boolean;
    /**
     * The clock (injected for tests).
     */
    readonly now?: () => number;
  }
}
