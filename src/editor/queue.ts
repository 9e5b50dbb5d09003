/**
 * When the findings of a check are applied to the cell editors: those on
 * screen first, the others in idle time, so that applying an answer never
 * holds up a keystroke for long.
 */

/**
 * The longest an off-screen editor waits for idle time, in ms.
 */
const IDLE_TIMEOUT_MS = 1000;

/**
 * The longest a slice applies findings, in ms: a key pressed meanwhile
 * waits at most about that long (an idle period can offer up to 50 ms).
 */
const SLICE_MS = 8;

/**
 * An editor waiting for its findings to be applied.
 */
export interface IPendingSync {
  /**
   * Whether the editor is on screen (CodeMirror knows it without a layout
   * read): those are applied first.
   */
  readonly inView: boolean;
  /**
   * Apply the findings now.
   */
  sync(): void;
}

/**
 * Applies check answers to editors without holding up a keystroke.
 *
 * An answer can touch hundreds of editors (a 300-cell notebook); applying
 * them all in one task makes a key pressed meanwhile wait. The editors on
 * screen are applied in the next task, in one batch (they are few and the
 * user is looking at them); the others in idle slices
 * (`requestIdleCallback`), a few milliseconds at a time, so that input is
 * handled between slices. An editor queued twice is applied once.
 */
export class SyncQueue {
  /**
   * Create a queue.
   *
   * @param options How to wait for the next task and for idle time; the
   *   browser's `setTimeout` and `requestIdleCallback` by default (a
   *   timeout where there is no idle callback).
   */
  constructor(options: SyncQueue.IOptions = {}) {
    this._soon = options.soon ?? (callback => void setTimeout(callback, 0));
    this._idle =
      options.idle ??
      (typeof requestIdleCallback === 'function'
        ? callback =>
            void requestIdleCallback(callback, { timeout: IDLE_TIMEOUT_MS })
        : callback => void setTimeout(() => callback(null), 0));
  }

  /**
   * How many editors wait.
   */
  get size(): number {
    return this._pending.size;
  }

  /**
   * Apply an editor's findings soon.
   *
   * @param item The editor.
   */
  add(item: IPendingSync): void {
    this._pending.add(item);
    if (!this._soonScheduled) {
      this._soonScheduled = true;
      this._soon(() => this._flushVisible());
    }
  }

  /**
   * Forget an editor (destroyed before its turn).
   *
   * @param item The editor.
   */
  delete(item: IPendingSync): void {
    this._pending.delete(item);
  }

  private _flushVisible(): void {
    this._soonScheduled = false;
    for (const item of [...this._pending]) {
      if (item.inView) {
        this._pending.delete(item);
        item.sync();
      }
    }
    this._scheduleIdle();
  }

  private _scheduleIdle(): void {
    if (this._idleScheduled || this._pending.size === 0) {
      return;
    }
    this._idleScheduled = true;
    this._idle(deadline => this._flushIdle(deadline));
  }

  private _flushIdle(deadline: IdleDeadline | null): void {
    this._idleScheduled = false;
    const start = Date.now();
    const left = () => {
      const slice = SLICE_MS - (Date.now() - start);
      return deadline && !deadline.didTimeout
        ? Math.min(deadline.timeRemaining(), slice)
        : slice;
    };
    for (const item of [...this._pending]) {
      if (left() <= 0) {
        break;
      }
      this._pending.delete(item);
      item.sync();
    }
    this._scheduleIdle();
  }

  private readonly _pending = new Set<IPendingSync>();
  private readonly _soon: (callback: () => void) => void;
  private readonly _idle: (
    callback: (deadline: IdleDeadline | null) => void
  ) => void;
  private _soonScheduled = false;
  private _idleScheduled = false;
}

/**
 * Types of the sync queue.
 */
export namespace SyncQueue {
  /**
   * How the queue waits (tests drive it by hand).
   */
  export interface IOptions {
    /**
     * Run a callback in a next task.
     */
    soon?: (callback: () => void) => void;
    /**
     * Run a callback in idle time, with its deadline (null: a slice of
     * `SLICE_MS`).
     */
    idle?: (callback: (deadline: IdleDeadline | null) => void) => void;
  }
}
