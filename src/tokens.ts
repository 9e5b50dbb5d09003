import { CodeEditor } from '@jupyterlab/codeeditor';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import type { Diagnostic, KernelSummary } from './api';
import type { INbGuardSettings } from './settings';

/**
 * The npm name of the extension, prefix of every plugin and command id.
 */
export const EXTENSION_ID = 'jupyterlab-nbguard';

/**
 * The id of the core plugin, which owns the settings (`schema/plugin.json`).
 */
export const PLUGIN_ID = `${EXTENSION_ID}:plugin`;

/**
 * The id of the findings side panel widget.
 */
export const PANEL_ID = 'jp-nbguard-findings';

/**
 * The translation domain of the extension.
 */
export const TRANSLATION_DOMAIN = 'jupyterlab_nbguard';

/**
 * Where a notebook's checking stands.
 */
export type CheckStatus = 'idle' | 'checking' | 'error' | 'disabled';

/**
 * What the latest answered check looked at.
 */
export interface ICheckInfo {
  /**
   * When the answer arrived.
   */
  readonly time: Date;
  /**
   * How many cells were sent.
   */
  readonly cells: number;
  /**
   * Whether the check compared the cells with a kernel's history (false: the
   * saved execution counts stood in for it).
   */
  readonly withKernel: boolean;
}

/**
 * The nbguard findings of one open notebook, kept up to date by the checker.
 */
export interface INotebookFindings {
  /**
   * The notebook panel these findings are about.
   */
  readonly panel: NotebookPanel;
  /**
   * Every finding of the latest check, in the order the server sent them.
   */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /**
   * The kernel history summary of the latest check, if a kernel was involved.
   */
  readonly kernel: KernelSummary | null;
  /**
   * Where checking stands.
   */
  readonly status: CheckStatus;
  /**
   * Why the latest check failed (the server's message when it sent one),
   * null once a check succeeds or checking is disabled.
   */
  readonly error: string | null;
  /**
   * What the latest answered check looked at, null before the first answer.
   */
  readonly lastCheck: ICheckInfo | null;
  /**
   * Emitted whenever `diagnostics` or `status` change.
   */
  readonly changed: ISignal<INotebookFindings, void>;
  /**
   * The findings about one cell.
   *
   * @param cellId The nbformat cell id.
   */
  forCell(cellId: string): ReadonlyArray<Diagnostic>;
  /**
   * The source of a cell as the latest answered check saw it: the findings'
   * ranges are positions in that text.
   *
   * @param cellId The nbformat cell id.
   * @returns The source, null if that check did not include the cell.
   */
  checkedSource(cellId: string): string | null;
  /**
   * Check the notebook now (or right after the check in flight).
   *
   * @returns Resolves when that check has settled; never rejects.
   */
  checkNow(): Promise<void>;
  /**
   * Hold the automatic checks (after runs, edits, the server's history
   * events) until the returned handle is disposed; one check follows then if
   * any was asked for meanwhile, unless `checkNow` ran since. For work that
   * replaces the notebook's state wholesale: a verification runs every cell,
   * and a check of each state on the way would only compete with it.
   *
   * @returns The hold; holds nest.
   */
  holdChecks(): IDisposable;
}

/**
 * The nbguard service: findings of every open notebook and the user settings.
 */
export interface INbGuard {
  /**
   * The current settings.
   */
  readonly settings: INbGuardSettings;
  /**
   * Emitted when the settings change.
   */
  readonly settingsChanged: ISignal<INbGuard, INbGuardSettings>;
  /**
   * Emitted when the findings of a notebook change (or its checker goes away).
   */
  readonly changed: ISignal<INbGuard, INbGuard.IChangedArgs>;
  /**
   * The findings of an open notebook, or null if it is not tracked.
   *
   * @param panel The notebook panel.
   */
  findings(panel: NotebookPanel): INotebookFindings | null;
  /**
   * The findings about the cell whose editor uses this model.
   *
   * @param model A cell editor's model (a notebook cell model).
   * @returns The findings, empty if the model is not a cell of a tracked notebook.
   */
  diagnosticsForEditorModel(
    model: CodeEditor.IModel
  ): ReadonlyArray<Diagnostic>;
  /**
   * Emitted only when what `diagnosticsForEditorModel` gives for this editor
   * may have changed (its cell's findings, the source they are about, or the
   * settings), so that a check updates only the editors it concerns.
   *
   * @param model A cell editor's model (a notebook cell model).
   */
  cellChanged(model: CodeEditor.IModel): ISignal<INbGuard, void>;
  /**
   * The source the findings of `diagnosticsForEditorModel` were computed for.
   *
   * @param model A cell editor's model (a notebook cell model).
   * @returns The source, null if unknown.
   */
  checkedSourceForEditorModel(model: CodeEditor.IModel): string | null;
}

/**
 * Types of the nbguard service.
 */
export namespace INbGuard {
  /**
   * The argument of the `changed` signal.
   */
  export interface IChangedArgs {
    /**
     * The notebook whose findings changed.
     */
    readonly panel: NotebookPanel;
  }
}

/**
 * The nbguard service token.
 */
export const INbGuard = new Token<INbGuard>(
  `${EXTENSION_ID}:INbGuard`,
  'Hidden-state findings of the open notebooks, checked by the nbguard server extension.'
);

/**
 * The latest restart-and-verify of a notebook, in numbers.
 */
export interface IVerifyRecord {
  /**
   * When the comparison came in.
   */
  readonly finished: Date;
  /**
   * Whether every compared cell reproduced and the run completed.
   */
  readonly reproduced: boolean;
  /**
   * How many compared cells gave the same outputs.
   */
  readonly same: number;
  /**
   * How many cells were compared (skipped cells are not).
   */
  readonly compared: number;
}

/**
 * Restart-and-verify as other parts of nbguard see it (the Notebook Health
 * panel): whether each notebook reproduced since its kernel last restarted,
 * and a way to open its report.
 */
export interface INbGuardVerify {
  /**
   * Emitted with the notebook whose verification state changed.
   */
  readonly changed: ISignal<INbGuardVerify, NotebookPanel>;
  /**
   * Where the verification of a notebook stands.
   *
   * @param panel The notebook panel.
   */
  state(panel: NotebookPanel): INbGuardVerify.IState;
  /**
   * Show the report of a notebook's verification, if one is kept.
   *
   * @param panel The notebook panel.
   * @returns Whether there was a report to show.
   */
  openReport(panel: NotebookPanel): boolean;
}

/**
 * Types of the restart-and-verify service.
 */
export namespace INbGuardVerify {
  /**
   * Where one notebook's verification stands.
   */
  export interface IState {
    /**
     * Whether a verification is running.
     */
    readonly running: boolean;
    /**
     * The latest verification that finished since the kernel last restarted
     * (a verification's own restart excepted), null if none.
     */
    readonly latest: IVerifyRecord | null;
    /**
     * Whether a report (or a kept snapshot) can be opened: the user has not
     * dismissed it.
     */
    readonly hasReport: boolean;
  }
}

/**
 * The restart-and-verify service token.
 */
export const INbGuardVerify = new Token<INbGuardVerify>(
  `${EXTENSION_ID}:INbGuardVerify`,
  'Whether each open notebook reproduced in a restart-and-verify since its kernel last restarted, and its report.'
);
