import { Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Event } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { Diagnostic, NbGuardClient, ServerStatus } from './api';
import { IHistoryChanged, NotebookChecker } from './model';
import { DEFAULT_SETTINGS, INbGuardSettings } from './settings';
import type { INbGuard, INotebookFindings } from './tokens';

/**
 * The part of a shared cell model the service needs to place an editor.
 */
interface ISharedCellLike {
  getId(): string;
  readonly notebook: unknown;
}

/**
 * Whether an editor's shared model is a notebook (or console) cell.
 *
 * @param shared The `sharedModel` of an editor model.
 * @returns Whether it has a cell id and may belong to a notebook.
 */
export function isSharedCell(shared: unknown): shared is ISharedCellLike {
  return (
    typeof shared === 'object' &&
    shared !== null &&
    typeof (shared as Partial<ISharedCellLike>).getId === 'function' &&
    'notebook' in shared
  );
}

/**
 * The schema id of the server's `history_changed` event (`docs/api.md`).
 */
export const HISTORY_CHANGED =
  'https://events.jupyter.org/jupyterlab_nbguard/history_changed/v1';

/**
 * The additions to contract version 1 this frontend relies on; a server
 * without one of them is older than the frontend.
 */
export const REQUIRED_FEATURES: ReadonlyArray<string> = [
  'severity',
  'history-events'
];

/**
 * Read a `history_changed` emission, null if it is another event.
 *
 * @param emission An event from the server's event bus.
 */
export function historyChangedOf(
  emission: Event.Emission
): IHistoryChanged | null {
  if (emission.schema_id !== HISTORY_CHANGED) {
    return null;
  }
  const { kernel_id, epoch, executions, execution_count } = emission;
  if (
    typeof kernel_id !== 'string' ||
    typeof epoch !== 'number' ||
    typeof executions !== 'number' ||
    typeof execution_count !== 'number'
  ) {
    return null;
  }
  return { kernel_id, epoch, executions, execution_count };
}

/**
 * The nbguard service: one `NotebookChecker` per open notebook (shared by
 * the views of one document), the settings, the version handshake with the
 * server extension and the server's history events.
 */
export class NbGuardService implements INbGuard, IDisposable {
  /**
   * Create the service and start tracking notebooks.
   *
   * @param options The tracker, client and translation bundle.
   */
  constructor(options: NbGuardService.IOptions) {
    this._client = options.client;
    this._trans = options.trans;
    this._serverReady = new Promise<boolean>(resolve => {
      this._resolveServerReady = resolve;
    });
    options.tracker.widgetAdded.connect((_, panel) => this._track(panel));
    options.tracker.forEach(panel => this._track(panel));
    options.events?.stream.connect(this._onEvent, this);
  }

  /**
   * The current settings.
   */
  get settings(): INbGuardSettings {
    return this._settings;
  }

  /**
   * Emitted when the settings change.
   */
  get settingsChanged(): ISignal<this, INbGuardSettings> {
    return this._settingsChanged;
  }

  /**
   * Emitted when the findings of a notebook change.
   */
  get changed(): ISignal<this, INbGuard.IChangedArgs> {
    return this._changed;
  }

  /**
   * What the handshake found, null until it has answered.
   */
  get serverStatus(): ServerStatus | null {
    return this._serverStatus;
  }

  /**
   * Whether the service is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The findings of an open notebook.
   *
   * @param panel The notebook panel.
   */
  findings(panel: NotebookPanel): INotebookFindings | null {
    return this._checkers.get(panel) ?? null;
  }

  /**
   * The findings about the cell whose editor uses this model.
   *
   * @param model A cell editor's model.
   */
  diagnosticsForEditorModel(
    model: CodeEditor.IModel
  ): ReadonlyArray<Diagnostic> {
    const found = this._checkerOf(model);
    return found ? found.checker.forCell(found.cellId) : [];
  }

  /**
   * A signal emitted only when the findings about this editor's cell (or
   * the source they were computed for, or the settings) change.
   *
   * @param model A cell editor's model.
   */
  cellChanged(model: CodeEditor.IModel): ISignal<INbGuard, void> {
    const shared: unknown = model.sharedModel;
    if (!isSharedCell(shared) || shared.notebook === null) {
      return this._never;
    }
    const notebook = shared.notebook as object;
    let cells = this._cellSignals.get(notebook);
    if (!cells) {
      cells = new Map();
      this._cellSignals.set(notebook, cells);
    }
    const id = shared.getId();
    let signal = cells.get(id);
    if (!signal) {
      signal = new Signal<INbGuard, void>(this);
      cells.set(id, signal);
    }
    return signal;
  }

  /**
   * The source the findings about this editor's cell were computed for.
   *
   * @param model A cell editor's model.
   */
  checkedSourceForEditorModel(model: CodeEditor.IModel): string | null {
    const found = this._checkerOf(model);
    return found ? found.checker.checkedSource(found.cellId) : null;
  }

  /**
   * Replace the settings and apply them to every notebook.
   *
   * @param settings The new settings.
   */
  configure(settings: INbGuardSettings): void {
    this._settings = settings;
    this._settingsChanged.emit(settings);
    for (const checker of new Set(this._checkers.values())) {
      checker.settingsChanged();
    }
    for (const panel of this._checkers.keys()) {
      this._changed.emit({ panel });
    }
    // What an editor shows depends on the settings too.
    for (const cells of this._allCellSignals) {
      cells.forEach(signal => signal.emit());
    }
  }

  /**
   * Ask the server extension for its version, once. Checks wait for the
   * answer; if the extension is missing or speaks another contract, the user
   * gets one warning and no check is sent.
   *
   * @returns What the handshake found; never rejects.
   */
  async handshake(): Promise<ServerStatus> {
    if (this._handshake === null) {
      this._handshake = this._client.handshake().then(status => {
        this._serverStatus = status;
        this._resolveServerReady(
          status.kind === 'ok' || status.kind === 'error'
        );
        this._reportServerStatus(status);
        return status;
      });
    }
    return this._handshake;
  }

  /**
   * Dispose every checker.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._resolveServerReady(false);
    for (const checker of this._checkers.values()) {
      checker.dispose();
    }
    this._checkers.clear();
    Signal.clearData(this);
  }

  private _reportServerStatus(status: ServerStatus): void {
    const trans = this._trans;
    switch (status.kind) {
      case 'ok': {
        const lacking = REQUIRED_FEATURES.filter(
          feature => !status.features.includes(feature)
        );
        if (lacking.length > 0) {
          console.error('nbguard: the server extension is older:', status);
          Notification.warning(
            trans.__(
              'The nbguard server extension (version %1) is older than this JupyterLab extension: notebooks are checked, but per-rule severities, ignored names and updates after other clients run code need the newer server. Upgrade jupyterlab_nbguard in the Python environment of the Jupyter server and restart it.',
              status.version
            ),
            { autoClose: false }
          );
        }
        return;
      }
      case 'missing':
      case 'incompatible':
        console.error('nbguard: server extension unusable:', status);
        Notification.warning(
          status.kind === 'missing'
            ? trans.__(
                'The nbguard server extension is missing, so notebooks are not checked for hidden state. Install jupyterlab_nbguard in the Python environment of the Jupyter server, restart it, and see whether `jupyter server extension list` lists jupyterlab_nbguard as enabled.'
              )
            : trans.__(
                'The nbguard server extension speaks another API version than this JupyterLab extension, so notebooks are not checked for hidden state. Reinstall jupyterlab_nbguard, restart the server, and see `jupyter server extension list`.'
              ),
          { autoClose: false }
        );
        return;
      case 'error':
        console.error(
          'nbguard: version handshake failed; will keep checking.',
          status.reason
        );
        return;
    }
  }

  /**
   * The checker of the notebook a cell editor's model belongs to.
   */
  private _checkerOf(
    model: CodeEditor.IModel
  ): { checker: NotebookChecker; cellId: string } | null {
    const shared: unknown = model.sharedModel;
    if (!isSharedCell(shared) || shared.notebook === null) {
      return null;
    }
    for (const [panel, checker] of this._checkers) {
      if (panel.content.model?.sharedModel === shared.notebook) {
        return { checker, cellId: shared.getId() };
      }
    }
    return null;
  }

  /**
   * The panels showing the notebook a checker watches.
   */
  private _panelsOf(checker: NotebookChecker): NotebookPanel[] {
    const panels: NotebookPanel[] = [];
    for (const [panel, owner] of this._checkers) {
      if (owner === checker) {
        panels.push(panel);
      }
    }
    return panels;
  }

  private _track(panel: NotebookPanel): void {
    if (this._isDisposed || this._checkers.has(panel)) {
      return;
    }
    // A second view of a document (New View for Notebook) shares its checker.
    let checker = [...this._checkers.entries()].find(
      ([other]) => other.context === panel.context
    )?.[1];
    checker ??= this._createChecker(panel);
    const owner = checker;
    this._checkers.set(panel, owner);
    panel.disposed.connect(() => {
      this._checkers.delete(panel);
      const rest = this._panelsOf(owner);
      if (rest.length === 0) {
        owner.dispose();
      } else if (owner.panel === panel) {
        owner.adopt(rest[0]);
      }
      this._changed.emit({ panel });
    }, this);
  }

  /**
   * A checker for a newly opened notebook, its signals passed on to every
   * view of it and to the editors of the cells it names.
   */
  private _createChecker(panel: NotebookPanel): NotebookChecker {
    const checker = new NotebookChecker({
      panel,
      client: this._client,
      settings: () => this._settings,
      serverReady: this._serverReady,
      trans: this._trans
    });
    checker.changed.connect(() => {
      for (const view of this._panelsOf(checker)) {
        this._changed.emit({ panel: view });
      }
    }, this);
    checker.cellsChanged.connect((_, ids) => {
      const shared = checker.panel.content.model?.sharedModel;
      const cells = shared ? this._cellSignals.get(shared) : undefined;
      ids.forEach(id => cells?.get(id)?.emit());
    }, this);
    return checker;
  }

  /**
   * Every cell signal, for a settings change.
   */
  private get _allCellSignals(): Array<Map<string, Signal<INbGuard, void>>> {
    const all: Array<Map<string, Signal<INbGuard, void>>> = [];
    for (const checker of new Set(this._checkers.values())) {
      const shared = checker.panel.content.model?.sharedModel;
      const cells = shared ? this._cellSignals.get(shared) : undefined;
      if (cells) {
        all.push(cells);
      }
    }
    return all;
  }

  private _onEvent(_: Event.IManager, emission: Event.Emission): void {
    const event = historyChangedOf(emission);
    if (event === null) {
      return;
    }
    for (const checker of new Set(this._checkers.values())) {
      checker.historyChanged(event);
    }
  }

  private readonly _client: NbGuardClient;
  private readonly _trans: TranslationBundle;
  private readonly _checkers = new Map<NotebookPanel, NotebookChecker>();
  private readonly _cellSignals = new WeakMap<
    object,
    Map<string, Signal<INbGuard, void>>
  >();
  private readonly _never = new Signal<INbGuard, void>(this);
  private readonly _changed = new Signal<this, INbGuard.IChangedArgs>(this);
  private readonly _settingsChanged = new Signal<this, INbGuardSettings>(this);
  private readonly _serverReady: Promise<boolean>;
  private _resolveServerReady: (ready: boolean) => void = () => undefined;
  private _settings: INbGuardSettings = DEFAULT_SETTINGS;
  private _serverStatus: ServerStatus | null = null;
  private _handshake: Promise<ServerStatus> | null = null;
  private _isDisposed = false;
}

/**
 * Types of the nbguard service.
 */
export namespace NbGuardService {
  /**
   * Options to create the service.
   */
  export interface IOptions {
    /**
     * The notebook tracker.
     */
    tracker: INotebookTracker;
    /**
     * The REST client.
     */
    client: NbGuardClient;
    /**
     * The translation bundle for user-facing messages.
     */
    trans: TranslationBundle;
    /**
     * The server's event bus (`serviceManager.events`), for the history
     * events; without it, only this tab's own executions trigger checks.
     */
    events?: Event.IManager;
  }
}
