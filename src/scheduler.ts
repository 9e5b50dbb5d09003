import { IDisposable } from '@lumino/disposable';

/**
 * Runs an asynchronous task later, debounced, with at most one run in flight.
 *
 * - `schedule(delay)` debounces: calls with the same delay push the run back.
 *   A pending run with a shorter delay is never pushed back by a call with a
 *   longer one (an execution asks for 100 ms; typing right after it must not
 *   postpone that to 500 ms).
 * - While a run is in flight, any request marks the scheduler dirty; exactly
 *   one follow-up run starts when the current one settles, whatever the number
 *   of requests in between (coalescing).
 */
export class CheckScheduler implements IDisposable {
  /**
   * Create a scheduler.
   *
   * @param task The task to run. Its rejections are reported to `onError`.
   * @param onError Called with the reason a run rejected.
   */
  constructor(
    private readonly task: () => Promise<void>,
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
    return this._inFlight;
  }

  /**
   * Whether a run is waiting for its timer or for the current run to settle.
   */
  get isPending(): boolean {
    return this._timer !== null || this._dirty;
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
   * Run as soon as possible: now, or right after the run in flight.
   *
   * @returns A promise that resolves once a run that started after this call
   * has settled (immediately if the scheduler is disposed).
   */
  runNow(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    this._cancelTimer();
    return new Promise<void>(resolve => {
      this._waiters.push(resolve);
      this._start();
    });
  }

  /**
   * Drop any pending run (a run in flight still settles).
   */
  cancel(): void {
    this._cancelTimer();
    this._dirty = false;
  }

  /**
   * Dispose the scheduler: no run starts after this.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.cancel();
    const waiters = this._waiters;
    this._waiters = [];
    waiters.forEach(resolve => resolve());
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
    if (this._inFlight) {
      this._dirty = true;
      return;
    }
    this._inFlight = true;
    const waiters = this._waiters;
    this._waiters = [];
    let running: Promise<void>;
    try {
      running = this.task();
    } catch (reason) {
      running = Promise.reject(reason);
    }
    void running
      .catch(reason => this.onError(reason))
      .then(() => {
        this._inFlight = false;
        waiters.forEach(resolve => resolve());
        if (this._dirty) {
          this._dirty = false;
          this._start();
        }
      });
  }

  private _isDisposed = false;
  private _inFlight = false;
  private _dirty = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _timerDelay = 0;
  private _timerDue = 0;
  private _waiters: Array<() => void> = [];
}
