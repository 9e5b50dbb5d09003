import { NotebookPanel } from '@jupyterlab/notebook';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { Diagnostic, KernelSummary, NbGuardClient } from './api';
import {
  buildCheckRequest,
  CHECK_TIMEOUT_MS,
  failureReason,
  IHistoryChanged
} from './checkbody';
import { CheckScheduler, IRunTicket } from './scheduler';
import type { INbGuardSettings } from './settings';
import { FindingsStore } from './store';
import type { CheckStatus, ICheckInfo, INotebookFindings } from './tokens';
import { AFTER_EXECUTION_DELAY_MS, CheckTriggers } from './triggers';

export { AFTER_EXECUTION_DELAY_MS, STRUCTURE_DELAY_MS } from './triggers';

export {
  buildCheckRequest,
  CHECK_TIMEOUT_MS,
  failureReason,
  sameDiagnostic,
  sameDiagnostics
} from './checkbody';
export type { IHistoryChanged } from './checkbody';

/**
 * Keeps the nbguard findings of one notebook up to date: one store per
 * document, shared by every view of it (a split view shows the same findings).
 *
 * It re-checks the notebook after an execution finishes, after edits
 * (debounced), when cells are added, deleted, moved or pasted, when the kernel
 * changes or restarts, and when the server says another client (a console, a
 * second browser tab) ran code in the same kernel. Requests never block the
 * notebook; only the newest answer is applied.
 *
 * Findings are compared with the previous answer (see `FindingsStore`):
 * `diagnostics` keeps the same array when nothing changed, and
 * `cellsChanged` names only the cells whose findings (or checked source)
 * changed, so that only their editors update. What starts a check is
 * watched by `CheckTriggers`.
 */
export class NotebookChecker implements INotebookFindings, IDisposable {
  /**
   * Create a checker and start watching the panel's notebook.
   *
   * @param options The panel, client and settings.
   */
  constructor(options: NotebookChecker.IOptions) {
    this._panel = options.panel;
    this._client = options.client;
    this._getSettings = options.settings;
    this._serverReady = options.serverReady;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_nbguard');
    this._scheduler = new CheckScheduler(
      ticket => this._check(ticket),
      reason => this._reportError(reason)
    );
    this._status = this._getSettings().enabled ? 'idle' : 'disabled';

    const panel = this._panel;
    this._triggers = new CheckTriggers(panel, {
      model: () => this._panel.content.model,
      debounceMs: () => this._getSettings().debounceMs,
      schedule: delayMs => this.schedule(delayMs),
      kernelChanged: () => {
        if (this._getSettings().enabled) {
          this._scheduler.supersede(0);
        }
      }
    });
    void panel.context.ready.then(() => this.schedule(0));
  }

  /**
   * A panel of the notebook (the first view still open).
   */
  get panel(): NotebookPanel {
    return this._panel;
  }

  /**
   * Every finding of the latest check; the same array while they do not
   * change.
   */
  get diagnostics(): ReadonlyArray<Diagnostic> {
    return this._store.diagnostics;
  }

  /**
   * The kernel summary of the latest check.
   */
  get kernel(): KernelSummary | null {
    return this._kernel;
  }

  /**
   * Where checking stands.
   */
  get status(): CheckStatus {
    return this._status;
  }

  /**
   * Why the latest check failed, null once a check succeeds (it stays while
   * the next check is in flight, so the reason does not flicker away).
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * What the latest answered check looked at.
   */
  get lastCheck(): ICheckInfo | null {
    return this._lastCheck;
  }

  /**
   * Emitted when the findings or the status change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted with the ids of the cells whose findings, or the source they
   * were computed for, changed.
   */
  get cellsChanged(): ISignal<this, ReadonlySet<string>> {
    return this._cellsChanged;
  }

  /**
   * The id of the notebook's kernel, null without one.
   */
  get kernelId(): string | null {
    return this._panel.sessionContext.session?.kernel?.id ?? null;
  }

  /**
   * Whether the checker is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The findings about one cell.
   *
   * @param cellId The nbformat cell id.
   */
  forCell(cellId: string): ReadonlyArray<Diagnostic> {
    return this._store.forCell(cellId);
  }

  /**
   * The source of a cell as the latest answered check saw it.
   *
   * @param cellId The nbformat cell id.
   */
  checkedSource(cellId: string): string | null {
    return this._store.checkedSource(cellId);
  }

  /**
   * Check now, or right after the check in flight.
   */
  checkNow(): Promise<void> {
    return this._scheduler.runNow();
  }

  /**
   * Hold the automatic checks until the returned handle is disposed; one
   * check follows then if any was asked for meanwhile (see `INotebookFindings`).
   */
  holdChecks(): IDisposable {
    return this._scheduler.hold(AFTER_EXECUTION_DELAY_MS);
  }

  /**
   * Ask for a check after a delay (debounced, coalesced).
   *
   * @param delayMs The delay in ms.
   */
  schedule(delayMs: number): void {
    if (this._getSettings().enabled) {
      this._scheduler.schedule(delayMs);
    }
  }

  /**
   * Follow another view of the notebook once the current one closes.
   *
   * @param panel Another panel of the same document.
   */
  adopt(panel: NotebookPanel): void {
    this._panel = panel;
  }

  /**
   * The server recorded executions of this notebook's kernel (or reset its
   * history): check again unless the latest check already saw that history.
   *
   * @param event The `history_changed` event.
   */
  historyChanged(event: IHistoryChanged): void {
    if (event.kernel_id !== this.kernelId) {
      return;
    }
    const seen = this._kernel;
    if (
      seen !== null &&
      seen.id === event.kernel_id &&
      seen.epoch === event.epoch &&
      seen.executions === event.executions &&
      seen.execution_count === event.execution_count
    ) {
      return;
    }
    this.schedule(AFTER_EXECUTION_DELAY_MS);
  }

  /**
   * Apply new settings: clear the findings when disabled, re-check otherwise
   * (a check in flight for the old settings is dropped).
   */
  settingsChanged(): void {
    const settings = this._getSettings();
    if (!settings.enabled) {
      this._scheduler.cancel();
      this._scheduler.abort();
      this._error = null;
      this._setFindings([], null, 'disabled', new Map());
      return;
    }
    if (this._status === 'disabled') {
      this._status = 'idle';
    }
    this._scheduler.supersede(0);
  }

  /**
   * Stop watching the notebook.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._scheduler.dispose();
    this._triggers.dispose();
    Signal.clearData(this);
  }

  private async _check(ticket: IRunTicket): Promise<void> {
    if (this._isDisposed || !this._getSettings().enabled) {
      return;
    }
    if (!(await this._serverReady)) {
      return;
    }
    const model = this._panel.content.model;
    if (this._isDisposed || model === null || !ticket.isCurrent()) {
      return;
    }
    const body = buildCheckRequest(
      model,
      this.kernelId,
      this._panel.context.path || null,
      this._getSettings()
    );
    const abort = new AbortController();
    const stop = () => abort.abort();
    ticket.signal.addEventListener('abort', stop);
    const timeout = setTimeout(stop, CHECK_TIMEOUT_MS);
    this._setStatus('checking');
    try {
      const response = await this._client.check(body, abort.signal);
      if (this._isDisposed || !ticket.isCurrent()) {
        return;
      }
      this._errorReported = false;
      this._error = null;
      const sources = new Map(body.cells.map(c => [c.id, c.source]));
      this._lastCheck = {
        time: new Date(),
        cells: body.cells.length,
        withKernel: response.kernel !== null
      };
      this._setFindings(response.diagnostics, response.kernel, 'idle', sources);
    } catch (reason) {
      if (
        this._isDisposed ||
        !ticket.isCurrent() ||
        !this._getSettings().enabled
      ) {
        return;
      }
      this._reportError(reason);
      const error = failureReason(reason, this._trans);
      if (this._status !== 'error' || this._error !== error) {
        this._error = error;
        this._status = 'error';
        this._changed.emit();
      }
    } finally {
      clearTimeout(timeout);
      ticket.signal.removeEventListener('abort', stop);
    }
  }

  private _reportError(reason: unknown): void {
    if (this._errorReported) {
      return;
    }
    this._errorReported = true;
    console.error(
      `nbguard: checking ${this._panel.context.path} failed; nbguard keeps ` +
        'trying quietly.',
      reason
    );
  }

  private _setStatus(status: CheckStatus): void {
    if (this._status !== status) {
      this._status = status;
      this._changed.emit();
    }
  }

  private _setFindings(
    diagnostics: ReadonlyArray<Diagnostic>,
    kernel: KernelSummary | null,
    status: CheckStatus,
    sources: Map<string, string>
  ): void {
    const touched = this._store.update(diagnostics, sources);
    this._kernel = kernel;
    this._status = status;
    if (touched.size > 0) {
      this._cellsChanged.emit(touched);
    }
    this._changed.emit();
  }

  private _panel: NotebookPanel;
  private readonly _client: NbGuardClient;
  private readonly _trans: TranslationBundle;
  private _error: string | null = null;
  private _lastCheck: ICheckInfo | null = null;
  private readonly _getSettings: () => INbGuardSettings;
  private readonly _serverReady: Promise<boolean>;
  private readonly _scheduler: CheckScheduler;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _cellsChanged = new Signal<this, ReadonlySet<string>>(this);
  private readonly _store = new FindingsStore();
  private readonly _triggers: CheckTriggers;
  private _kernel: KernelSummary | null = null;
  private _status: CheckStatus;
  private _errorReported = false;
  private _isDisposed = false;
}

/**
 * Types of the notebook checker.
 */
export namespace NotebookChecker {
  /**
   * Options to create a checker.
   */
  export interface IOptions {
    /**
     * A panel of the notebook to watch (views of one document share it).
     */
    panel: NotebookPanel;
    /**
     * The REST client.
     */
    client: NbGuardClient;
    /**
     * Returns the current settings.
     */
    settings: () => INbGuardSettings;
    /**
     * Resolves to whether the server extension is usable; checks wait for it.
     */
    serverReady: Promise<boolean>;
    /**
     * The translation bundle for the reasons a check failed.
     */
    trans?: TranslationBundle;
  }
}
