import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import type { VerifyOptions, VerifyClient } from './api';
import { compareCellsOf, reportCellsOf, runCellsOf } from './cells';
import { buildReport, IReport } from './report';
import { IRunHost, IRunOutcome, IRunProgress, VerifyRunner } from './runner';
import {
  divergedOutputs,
  ICellSnapshot,
  INotebookSnapshot,
  IStoredVerification,
  restoreSnapshot,
  SnapshotStore,
  takeSnapshot
} from './snapshot';
import { markPhase } from './timing';

/**
 * How long the comparison may take before the panel says it is comparing.
 */
const COMPARING_SHOWN_AFTER_MS = 150;

/**
 * Where a verification stands.
 *
 * - `running`: restarting the kernel or running cells (see `progress`);
 * - `comparing`: waiting for the server's comparison;
 * - `report`: the comparison is in;
 * - `failed`: the comparison could not be had (see `error`);
 * - `interrupted`: found in the state database without a report (the page
 *   was reloaded or closed mid-run); only restoring is possible.
 */
export type VerifyPhase =
  'running' | 'comparing' | 'report' | 'failed' | 'interrupted';

/**
 * One notebook's verification: the snapshot, the run and the report. It
 * lives until the user dismisses it, and keeps the snapshot in the state
 * database all that time.
 */
export class VerifySession {
  /**
   * Create a session.
   *
   * @param options The notebook and the services to use.
   */
  constructor(options: VerifySession.IOptions) {
    this.panel = options.panel;
    this._client = options.client;
    this._store = options.store;
    this._trans = options.trans;
  }

  /**
   * The notebook being verified.
   */
  readonly panel: NotebookPanel;

  /**
   * Emitted whenever anything the panel shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get phase(): VerifyPhase {
    return this._phase;
  }

  /**
   * The run's progress while `phase` is `running`.
   */
  get progress(): IRunProgress | null {
    return this._runner?.progress ?? null;
  }

  get report(): IReport | null {
    return this._report;
  }

  /**
   * Why the comparison failed, when `phase` is `failed`.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether the previous outputs have been put back.
   */
  get restored(): boolean {
    return this._restored;
  }

  get snapshot(): INotebookSnapshot | null {
    return this._stored?.snapshot ?? null;
  }

  /**
   * When the comparison came in, null before that.
   */
  get finished(): Date | null {
    const finished = this._stored?.finished;
    return finished ? new Date(finished) : null;
  }

  /**
   * A cell's outputs before and after the run, for a cell that did not
   * reproduce (`changed` or `error`).
   *
   * @param cellId The nbformat cell id.
   * @returns Both sides (the same objects on every call, so a view can keep
   * what it rendered), null for a cell that reproduced or is unknown.
   */
  outputsOf(
    cellId: string
  ): { before: ICellSnapshot; after: ICellSnapshot } | null {
    const before = this._before.get(cellId);
    const after = this._after.get(cellId);
    return before && after ? { before, after } : null;
  }

  /**
   * Snapshot the outputs, restart the kernel, run every code cell and have
   * the server compare. Never rejects: failures end in `failed`.
   *
   * @param options How to run and compare.
   * @param host The kernel to run on (a fake one in tests).
   */
  async start(
    options: VerifySession.IRunOptions,
    host: IRunHost
  ): Promise<void> {
    const model = this.panel.content.model;
    if (!model) {
      return;
    }
    const snapshot = takeSnapshot(model, this.panel.context.path);
    this._stored = { snapshot, report: null, ended: null, stoppedAt: null };
    this._index(this._stored);
    this._restored = false;
    // The snapshot is a detached copy held here from now on, whatever the
    // kernel does; the state database's copy is written meanwhile, not
    // before the restart. Awaiting it bought nothing: JupyterLab writes the
    // state database to the server (the workspace) only later, debounced,
    // so a reload within that time loses it either way.
    void this._persist();
    markPhase('snapshot');
    const runner = new VerifyRunner({
      cells: runCellsOf(this.panel),
      host,
      stopOnError: !options.continueOnError
    });
    this._runner = runner;
    runner.progressChanged.connect((_, progress) => {
      // (the end of the run shows nothing new: the report follows)
      if (progress.phase !== 'done') {
        this._changed.emit();
      }
    }, this);
    this._setPhase('running');
    let outcome: IRunOutcome;
    try {
      outcome = await runner.run();
    } catch (reason) {
      this._fail(reason);
      return;
    }
    // The comparison usually answers within a frame or two: saying so at
    // once would lay the panel out and paint it again in just the frames
    // the answer waits for. The last progress stays until the report, and
    // "Comparing" shows only if the server takes longer.
    this._phase = 'comparing';
    const slow = window.setTimeout(() => {
      if (this._phase === 'comparing') {
        this._changed.emit();
      }
    }, COMPARING_SHOWN_AFTER_MS);
    try {
      await this._compare(outcome, options.compare);
    } finally {
      window.clearTimeout(slow);
    }
  }

  /**
   * Cancel the run: interrupt the kernel and report what ran.
   */
  async cancel(): Promise<void> {
    await this._runner?.cancel();
  }

  /**
   * Put back the outputs and execution counts from before the run.
   *
   * @returns How many cells were restored.
   */
  restore(): number {
    const model = this.panel.content.model;
    const snapshot = this.snapshot;
    if (!model || !snapshot) {
      return 0;
    }
    const count = restoreSnapshot(model, snapshot);
    this._restored = true;
    this._changed.emit();
    return count;
  }

  /**
   * Forget the snapshot: the report's job is done.
   */
  async dismiss(): Promise<void> {
    await this._runner?.cancel();
    const path = this.snapshot?.path ?? this.panel.context.path;
    this._stored = null;
    // (a write still under way would bring the snapshot back after this)
    await this._saving;
    await this._store.remove(path);
  }

  /**
   * Take up a verification found in the state database (after a reload).
   *
   * @param stored What was kept.
   */
  resume(stored: IStoredVerification): void {
    this._stored = stored;
    this._index(stored);
    if (stored.report && stored.ended) {
      this._report = buildReport(
        this._trans,
        stored.report,
        reportCellsOf(this.panel),
        stored.ended,
        stored.stoppedAt
      );
      this._setPhase('report');
    } else {
      this._setPhase('interrupted');
    }
  }

  private async _compare(
    outcome: IRunOutcome,
    options: VerifyOptions
  ): Promise<void> {
    const kernel = this.panel.sessionContext.session?.kernel;
    try {
      const cells = compareCellsOf(this.panel, this.snapshot, outcome);
      markPhase('compare');
      const response = await this._client.compare({
        // A dead kernel's id would only earn a 404; compare without it.
        kernel_id: outcome.ended === 'died' ? null : (kernel?.id ?? null),
        cells,
        options
      });
      markPhase('compared');
      if (!this._stored) {
        return;
      }
      this._stored = {
        ...this._stored,
        report: response,
        ended: outcome.ended,
        stoppedAt: outcome.stoppedAt,
        finished: new Date().toISOString(),
        after: divergedOutputs(
          cells,
          response,
          new Map(
            this.panel.content.widgets.map(w => [w.model.id, w.model.trusted])
          )
        )
      };
      this._index(this._stored);
      this._report = buildReport(
        this._trans,
        response,
        reportCellsOf(this.panel),
        outcome.ended,
        outcome.stoppedAt
      );
      // Shown first, kept second: the write does not delay the report.
      this._setPhase('report');
      markPhase('report');
      await this._persist();
    } catch (reason) {
      this._fail(reason);
    }
  }

  /**
   * Index the kept outputs by cell id, for `outputsOf`.
   */
  private _index(stored: IStoredVerification): void {
    this._before = new Map(stored.snapshot.cells.map(c => [c.id, c]));
    this._after = new Map((stored.after ?? []).map(c => [c.id, c]));
  }

  /**
   * End in `failed`, keeping the snapshot so the outputs can be restored.
   */
  private _fail(reason: unknown): void {
    console.error('nbguard: restart and verify failed.', reason);
    this._error =
      reason instanceof Error && reason.message
        ? reason.message
        : String(reason);
    this._setPhase('failed');
  }

  /**
   * Write what is kept to the state database, after any earlier write (the
   * report must not be overtaken by the snapshot it completes).
   */
  private _persist(): Promise<void> {
    const write = async () => {
      if (!this._stored) {
        return;
      }
      try {
        await this._store.save(this._stored);
      } catch (reason) {
        console.error('nbguard: could not keep the snapshot.', reason);
      }
    };
    this._saving = this._saving.then(write);
    return this._saving;
  }

  private _setPhase(phase: VerifyPhase): void {
    this._phase = phase;
    this._changed.emit();
  }

  private readonly _client: VerifyClient;
  private readonly _store: SnapshotStore;
  private readonly _trans: TranslationBundle;
  private _phase: VerifyPhase = 'running';
  private _runner: VerifyRunner | null = null;
  private _saving: Promise<void> = Promise.resolve();
  private _stored: IStoredVerification | null = null;
  private _report: IReport | null = null;
  private _error: string | null = null;
  private _restored = false;
  private _before = new Map<string, ICellSnapshot>();
  private _after = new Map<string, ICellSnapshot>();
  private readonly _changed = new Signal<this, void>(this);
}

/**
 * Types of the verification session.
 */
export namespace VerifySession {
  export interface IOptions {
    readonly panel: NotebookPanel;
    readonly client: VerifyClient;
    readonly store: SnapshotStore;
    readonly trans: TranslationBundle;
  }

  export interface IRunOptions {
    /**
     * Run past errors that were not expected.
     */
    readonly continueOnError: boolean;
    /**
     * The comparison options sent to the server.
     */
    readonly compare: VerifyOptions;
  }
}
