import { Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { Diagnostic, NbGuardClient, ServerStatus } from './api';
import { NotebookChecker } from './model';
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
 * The nbguard service: one `NotebookChecker` per open notebook, the settings,
 * and the version handshake with the server extension.
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
    for (const [panel, checker] of this._checkers) {
      checker.settingsChanged();
      this._changed.emit({ panel });
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
      case 'ok':
        return;
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

  private _track(panel: NotebookPanel): void {
    if (this._isDisposed || this._checkers.has(panel)) {
      return;
    }
    const checker = new NotebookChecker({
      panel,
      client: this._client,
      settings: () => this._settings,
      serverReady: this._serverReady,
      trans: this._trans
    });
    this._checkers.set(panel, checker);
    checker.changed.connect(() => this._changed.emit({ panel }), this);
    panel.disposed.connect(() => {
      checker.dispose();
      this._checkers.delete(panel);
      this._changed.emit({ panel });
    }, this);
  }

  private readonly _client: NbGuardClient;
  private readonly _trans: TranslationBundle;
  private readonly _checkers = new Map<NotebookPanel, NotebookChecker>();
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
  }
}
