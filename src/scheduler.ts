import { DisposableDelegate, IDisposable } from '@lumino/disposable';

/**
 * What a run of the scheduler's task is told about itself.
 */
export interface IRunTicket {
  /**
   * Aborted when the run is superseded (or the scheduler disposed): its
   * request should stop.
   */
  readonly signal: AbortSignal;
  /**
   * Whether this run is still the newest: only then may it apply its answer.
   */
  isCurrent(): boolean;
}

/**
 * One run in flight, and who waits for it.
 */
interface IRun {
  readonly controller: AbortController;
  readonly waiters: Array<() => void>;
}

/**
 * Runs an asynchronous task later, debounced, with at most one run whose
 * answer counts: the newest.
 *
 * - `schedule(delay)` debounces: calls with the same delay push the run back.
 *   A pending run with a shorter delay is never pushed back by a call with a
 *   longer one (an execution asks for 100 ms; typing right after it must not
 *   postpone that to 500 ms).
 * - While a run is in flight, a request marks the scheduler dirty; exactly one
 *   follow-up run starts when the current one settles, whatever the number of
 *   requests in between (coalescing). Edits never cancel a run, so a check
 *   always completes while the user types.
 * - `supersede(delay)` is for changes that make the run in flight useless
 *   (another kernel, other settings): that run is aborted, its answer is never
 *   applied (`ticket.isCurrent()` turns false), and a new run is scheduled
 *   without waiting for it. The newest answer wins.
 */
export class CheckScheduler implements IDisposable {
  /**
   * Create a scheduler.
   *
   * @param task The task to run. Its rejections are reported to `onError`.
   * @param onError Called with the reason a current run rejected (a
   * superseded run's rejection, its abort, is not reported).
   */
  constructor(
    private readonly task: (ticket: IRunTicket) => Promise<void>,
    private readonly onError: (reason: unknown) => void = () => undefined
  ) {}

  /**
   * Whether the scheduler is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether a run is in flight.
   */
  get isRunning(): boolean {
    return this._current !== null;
  }

  /**
   * Whether a run is waiting for its timer or for the current run to settle.
   */
  get isPending(): boolean {
    return this._timer !== null || this._dirty;
  }

  /**
   * How many runs have started (superseded ones included).
   */
  get started(): number {
    return this._started;
  }

  /**
   * Ask for a run after `delayMs` milliseconds.
   *
   * @param delayMs The delay; negative values count as 0.
   */
  schedule(delayMs: number): void {
    if (this._isDisposed) {
      return;
    }
    if (this._holds > 0) {
      this._heldWanted = true;
      return;
    }
    const delay = Math.max(0, Number.isFinite(delayMs) ? delayMs : 0);
    const due = Date.now() + delay;
    if (this._timer !== null) {
      if (this._timerDelay < delay && this._timerDue <= due) {
        return;
      }
      clearTimeout(this._timer);
    }
    this._timerDelay = delay;
    this._timerDue = due;
    this._timer = setTimeout(() => {
      this._timer = null;
      this._start();
    }, delay);
  }

  /**
   * Drop the run in flight (its answer will not count) and ask for a new one
   * after `delayMs`, not waiting for the dropped one to settle.
   *
   * @param delayMs The delay of the new run.
   */
  supersede(delayMs: number): void {
    const run = this._drop();
    if (run) {
      this._waiters.push(...run.waiters);
    }
    this.schedule(delayMs);
  }

  /**
   * Drop the run in flight, if any: it is aborted and its answer will not
   * count; whoever waited for it is released.
   */
  abort(): void {
    this._drop()?.waiters.forEach(resolve => resolve());
  }

  /**
   * Run as soon as possible: now, or right after the run in flight.
   *
   * @returns A promise that resolves once a run that started after this call
   * has settled (immediately if the scheduler is disposed).
   */
  runNow(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    this._heldWanted = false; // this run sees what a held one would have
    this._cancelTimer();
    return new Promise<void>(resolve => {
      this._waiters.push(resolve);
      this._start();
    });
  }

  /**
   * Hold scheduled runs until the returned handle is disposed (holds nest):
   * what `schedule` asks meanwhile, or was pending, becomes one run after
   * `delayMs` then, unless `runNow` ran since. A run in flight still settles.
   *
   * @param delayMs The delay of the run that follows the hold.
   */
  hold(delayMs: number): IDisposable {
    if (this._holds++ === 0 && this.cancel()) {
      this._heldWanted = true;
    }
    return new DisposableDelegate(() => {
      if (--this._holds === 0 && this._heldWanted) {
        this._heldWanted = false;
        this.schedule(delayMs);
      }
    });
  }

  /**
   * Drop any pending run (a run in flight still settles).
   *
   * @returns Whether a run was pending.
   */
  cancel(): boolean {
    const pending = this._timer !== null || this._dirty;
    this._cancelTimer();
    this._dirty = false;
    return pending;
  }

  /**
   * Dispose the scheduler: no run starts after this, and the one in flight is
   * aborted.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.cancel();
    this.abort();
    const waiters = this._waiters;
    this._waiters = [];
    waiters.forEach(resolve => resolve());
  }

  private _drop(): IRun | null {
    const run = this._current;
    if (run !== null) {
      this._current = null;
      this._dirty = false;
      run.controller.abort();
    }
    return run;
  }

  private _cancelTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _start(): void {
    if (this._isDisposed) {
      return;
    }
    if (this._current !== null) {
      this._dirty = true;
      return;
    }
    const run: IRun = {
      controller: new AbortController(),
      waiters: this._waiters
    };
    this._waiters = [];
    this._current = run;
    this._started++;
    const ticket: IRunTicket = {
      signal: run.controller.signal,
      isCurrent: () => this._current === run && !this._isDisposed
    };
    let running: Promise<void>;
    try {
      running = this.task(ticket);
    } catch (reason) {
      running = Promise.reject(reason);
    }
    void running
      .catch(reason => {
        if (this._current === run) {
          this.onError(reason);
        }
      })
      .then(() => {
        if (this._current !== run) {
          // Superseded: its waiters moved to the next run, which goes on.
          return;
        }
        this._current = null;
        run.waiters.forEach(resolve => resolve());
        if (this._dirty) {
          this._dirty = false;
          this._start();
        }
      });
  }

  private _isDisposed = false;
  private _current: IRun | null = null;
  private _dirty = false;
  private _holds = 0;
  private _heldWanted = false;
  private _started = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _timerDelay = 0;
  private _timerDue = 0;
  private _waiters: Array<() => void> = [];
}
