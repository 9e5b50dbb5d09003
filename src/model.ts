import { ISessionContext } from '@jupyterlab/apputils';
import { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import {
  INotebookModel,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Kernel, KernelMessage, ServerConnection } from '@jupyterlab/services';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  CheckCell,
  CheckRequest,
  Diagnostic,
  KernelSummary,
  NbGuardClient
} from './api';
import { CheckScheduler } from './scheduler';
import type { INbGuardSettings } from './settings';
import type { CheckStatus, ICheckInfo, INotebookFindings } from './tokens';

/**
 * Delay between the end of an execution and the check that follows, in ms.
 */
export const AFTER_EXECUTION_DELAY_MS = 100;

/**
 * How long a check request may take before it is abandoned, in ms.
 */
export const CHECK_TIMEOUT_MS = 30000;

/**
 * Build the body of a `check` request from a notebook model.
 *
 * @param model The notebook model.
 * @param kernelId The id of the notebook's kernel, null if none.
 * @param path The notebook's path, null if unknown.
 * @param settings The settings (for `select` and `ignore`).
 * @returns The request body.
 */
export function buildCheckRequest(
  model: INotebookModel,
  kernelId: string | null,
  path: string | null,
  settings: Pick<INbGuardSettings, 'select' | 'ignore'>
): CheckRequest {
  const cells: CheckCell[] = [];
  for (const cell of model.cells) {
    cells.push(toCheckCell(cell));
  }
  return {
    cells,
    kernel_id: kernelId,
    path,
    select: settings.select.length > 0 ? [...settings.select] : null,
    ignore: settings.ignore.length > 0 ? [...settings.ignore] : null
  };
}

/**
 * Say why a check failed, in the words the user should read: the server's own
 * message for an error answer (a 400 names the bad field, e.g. an unknown rule
 * in the Select setting), else what happened to the request.
 *
 * @param reason What the request rejected with.
 * @param trans The translation bundle.
 * @returns One line.
 */
export function failureReason(
  reason: unknown,
  trans: TranslationBundle
): string {
  if (reason instanceof ServerConnection.ResponseError) {
    const status = reason.response.status;
    const message = reason.message.trim();
    return message && !message.startsWith('Invalid response:')
      ? trans.__('The server refused the check (%1): %2', status, message)
      : trans.__('The server refused the check (%1).', status);
  }
  if (reason instanceof DOMException && reason.name === 'AbortError') {
    return trans.__(
      'The server did not answer within %1 s.',
      CHECK_TIMEOUT_MS / 1000
    );
  }
  if (reason instanceof ServerConnection.NetworkError) {
    return trans.__('The Jupyter server cannot be reached.');
  }
  return reason instanceof Error && reason.message
    ? reason.message
    : String(reason);
}

/**
 * Convert a cell model to the contract's `Cell`.
 */
function toCheckCell(cell: ICellModel): CheckCell {
  const cellType =
    cell.type === 'code' || cell.type === 'markdown' ? cell.type : 'raw';
  return {
    id: cell.id,
    cell_type: cellType,
    source: cell.sharedModel.getSource(),
    execution_count:
      cell.type === 'code' ? (cell as ICodeCellModel).executionCount : null
  };
}

/**
 * Keeps the nbguard findings of one notebook panel up to date.
 *
 * It re-checks the notebook after an execution finishes, after edits
 * (debounced), when the kernel changes or restarts, and when another client
 * (a console, a second browser tab) runs code in the same kernel. Requests
 * never block the notebook, and at most one is in flight at a time.
 */
export class NotebookChecker implements INotebookFindings, IDisposable {
  /**
   * Create a checker and start watching the panel.
   *
   * @param options The panel, client and settings.
   */
  constructor(options: NotebookChecker.IOptions) {
    this.panel = options.panel;
    this._client = options.client;
    this._getSettings = options.settings;
    this._serverReady = options.serverReady;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_nbguard');
    this._scheduler = new CheckScheduler(
      () => this._check(),
      reason => this._reportError(reason)
    );
    this._status = this._getSettings().enabled ? 'idle' : 'disabled';

    const panel = this.panel;
    NotebookActions.executed.connect(this._onExecuted, this);
    panel.content.modelContentChanged.connect(this._onContentChanged, this);
    panel.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    panel.sessionContext.statusChanged.connect(this._onStatusChanged, this);
    panel.sessionContext.iopubMessage.connect(this._onIOPubMessage, this);
    void panel.context.ready.then(() => this.schedule(0));
  }

  /**
   * The notebook panel.
   */
  readonly panel: NotebookPanel;

  /**
   * Every finding of the latest check.
   */
  get diagnostics(): ReadonlyArray<Diagnostic> {
    return this._diagnostics;
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
    return this._byCell.get(cellId) ?? [];
  }

  /**
   * The source of a cell as the latest answered check saw it.
   *
   * @param cellId The nbformat cell id.
   */
  checkedSource(cellId: string): string | null {
    return this._checkedSources.get(cellId) ?? null;
  }

  /**
   * Check now, or right after the check in flight.
   */
  checkNow(): Promise<void> {
    return this._scheduler.runNow();
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
   * Apply new settings: clear the findings when disabled, re-check otherwise.
   */
  settingsChanged(): void {
    const settings = this._getSettings();
    if (!settings.enabled) {
      this._scheduler.cancel();
      this._abort?.abort();
      this._error = null;
      this._setFindings([], null, 'disabled');
      return;
    }
    if (this._status === 'disabled') {
      this._status = 'idle';
    }
    this.schedule(0);
  }

  /**
   * Stop watching the panel.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._scheduler.dispose();
    this._abort?.abort();
    NotebookActions.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  private async _check(): Promise<void> {
    if (this._isDisposed || !this._getSettings().enabled) {
      return;
    }
    if (!(await this._serverReady)) {
      return;
    }
    const model = this.panel.content.model;
    if (this._isDisposed || model === null) {
      return;
    }
    const kernel = this.panel.sessionContext.session?.kernel ?? null;
    const body = buildCheckRequest(
      model,
      kernel?.id ?? null,
      this.panel.context.path || null,
      this._getSettings()
    );
    const abort = new AbortController();
    this._abort = abort;
    const timeout = setTimeout(() => abort.abort(), CHECK_TIMEOUT_MS);
    this._setStatus('checking');
    try {
      const response = await this._client.check(body, abort.signal);
      if (this._isDisposed || abort.signal.aborted) {
        return;
      }
      this._errorReported = false;
      this._error = null;
      this._checkedSources = new Map(body.cells.map(c => [c.id, c.source]));
      this._lastCheck = {
        time: new Date(),
        cells: body.cells.length,
        withKernel: response.kernel !== null
      };
      this._setFindings(response.diagnostics, response.kernel, 'idle');
    } catch (reason) {
      if (this._isDisposed || !this._getSettings().enabled) {
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
      if (this._abort === abort) {
        this._abort = null;
      }
    }
  }

  private _reportError(reason: unknown): void {
    if (this._errorReported) {
      return;
    }
    this._errorReported = true;
    console.error(
      `nbguard: checking ${this.panel.context.path} failed; nbguard keeps ` +
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
    status: CheckStatus
  ): void {
    this._diagnostics = diagnostics;
    this._kernel = kernel;
    this._status = status;
    const byCell = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      if (d.cell_id !== null) {
        const list = byCell.get(d.cell_id) ?? [];
        list.push(d);
        byCell.set(d.cell_id, list);
      }
    }
    this._byCell = byCell;
    this._changed.emit();
  }

  private _onExecuted(
    _: unknown,
    args: { notebook: Notebook; cell: unknown }
  ): void {
    // Another view of the same document shares its model.
    if (
      args.notebook === this.panel.content ||
      (args.notebook.model !== null &&
        args.notebook.model === this.panel.content.model)
    ) {
      this.schedule(AFTER_EXECUTION_DELAY_MS);
    }
  }

  private _onContentChanged(): void {
    this.schedule(this._getSettings().debounceMs);
  }

  private _onKernelChanged(): void {
    this._otherClientRequests.clear();
    this.schedule(0);
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    if (
      status === 'restarting' ||
      status === 'autorestarting' ||
      status === 'starting'
    ) {
      this._restarting = true;
      this._otherClientRequests.clear();
    } else if (status === 'idle' && this._restarting) {
      this._restarting = false;
      this.schedule(AFTER_EXECUTION_DELAY_MS);
    }
  }

  private _onIOPubMessage(
    sessionContext: ISessionContext,
    msg: KernelMessage.IMessage
  ): void {
    const ownClient = sessionContext.session?.kernel?.clientId;
    if (KernelMessage.isExecuteInputMsg(msg)) {
      const parent = msg.parent_header;
      if ('session' in parent && parent.session !== ownClient) {
        this._otherClientRequests.add(parent.msg_id);
      }
      return;
    }
    if (
      KernelMessage.isStatusMsg(msg) &&
      msg.content.execution_state === 'idle'
    ) {
      const parent = msg.parent_header;
      if (
        'msg_id' in parent &&
        this._otherClientRequests.delete(parent.msg_id)
      ) {
        this.schedule(AFTER_EXECUTION_DELAY_MS);
      }
    }
  }

  private readonly _client: NbGuardClient;
  private readonly _trans: TranslationBundle;
  private _error: string | null = null;
  private _lastCheck: ICheckInfo | null = null;
  private _checkedSources = new Map<string, string>();
  private readonly _getSettings: () => INbGuardSettings;
  private readonly _serverReady: Promise<boolean>;
  private readonly _scheduler: CheckScheduler;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _otherClientRequests = new Set<string>();
  private _diagnostics: ReadonlyArray<Diagnostic> = [];
  private _byCell = new Map<string, Diagnostic[]>();
  private _kernel: KernelSummary | null = null;
  private _status: CheckStatus;
  private _abort: AbortController | null = null;
  private _errorReported = false;
  private _restarting = false;
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
     * The notebook panel to watch.
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
