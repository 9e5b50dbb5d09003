import { JupyterFrontEnd } from '@jupyterlab/application';
import { ISessionContextDialogs, Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { Diagnostic } from '../_schema';
import type { INbGuard } from '../tokens';
import { cellIdsOf, ignoreHere, moveCellAbove, restoreCell } from './edits';
import { runCellsInPageOrder } from './edits';
import { DeleteError, deleteFromKernel } from './kernel';
import { cellsWithFinding, CODES, ignoreEditInSource } from './logic';
import type { INbGuardAction, INbGuardActions } from './tokens';

/**
 * The command ids of the quick actions.
 */
export namespace ActionIDs {
  export const runStaleCells = 'nbguard:run-stale-cells';
  export const restoreDeleted = 'nbguard:restore-deleted';
  export const moveDefinitionAbove = 'nbguard:move-definition-above';
  export const deleteFromKernel = 'nbguard:delete-from-kernel';
  export const ignoreHere = 'nbguard:ignore-here';
}

/**
 * The arguments of the action commands. All are optional: without them a
 * command acts on the current notebook and its active cell (the palette).
 */
export interface IActionArgs {
  /**
   * The id of the notebook panel (`NotebookPanel.id`).
   */
  readonly notebook?: string;
  /**
   * The cell the finding is about.
   */
  readonly cellId?: string;
  /**
   * The rule code (run-stale-cells: `NBG201`, the default, or `NBG209`).
   */
  readonly code?: string;
  /**
   * The name involved (delete-from-kernel: the name to delete).
   */
  readonly name?: string;
  /**
   * The 0-based line of the finding (ignore-here).
   */
  readonly line?: number;
}

/**
 * Read the action arguments out of a command's JSON arguments.
 */
export function actionArgs(args: ReadonlyPartialJSONObject): IActionArgs {
  const text = (key: string) =>
    typeof args[key] === 'string' ? (args[key] as string) : undefined;
  return {
    notebook: text('notebook'),
    cellId: text('cellId'),
    code: text('code'),
    name: text('name'),
    line: typeof args.line === 'number' ? args.line : undefined
  };
}

/**
 * The quick actions: what each finding offers, and carrying them out.
 */
export class NbGuardActions implements INbGuardActions {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly guard: INbGuard,
    private readonly tracker: INotebookTracker,
    private readonly trans: TranslationBundle,
    private readonly translator: ITranslator | null,
    private readonly sessionDialogs: ISessionContextDialogs | null
  ) {}

  actionsFor(panel: NotebookPanel, diagnostic: Diagnostic): INbGuardAction[] {
    const trans = this.trans;
    const actions: INbGuardAction[] = [];
    const action = (
      id: string,
      label: string,
      caption: string,
      args: IActionArgs
    ) => {
      const full = { notebook: panel.id, ...args };
      actions.push({
        id,
        label,
        caption,
        run: async () => {
          await this.app.commands.execute(id, { ...full });
        }
      });
    };
    const cellId = diagnostic.cell_id ?? undefined;
    const name = diagnostic.names[0];
    if (diagnostic.code === CODES.stale && cellId) {
      action(
        ActionIDs.runStaleCells,
        trans.__('Run stale cells in page order'),
        trans.__(
          'Run every cell nbguard finds stale, top to bottom, as Run does'
        ),
        {}
      );
    } else if (diagnostic.code === CODES.superseded && cellId) {
      action(
        ActionIDs.runStaleCells,
        trans.__('Re-run to refresh'),
        trans.__('Run this cell again so that it shows the current values'),
        { code: CODES.superseded, cellId }
      );
    } else if (diagnostic.fix?.kind === 'insert-cell' && cellId) {
      action(
        ActionIDs.restoreDeleted,
        trans.__('Restore the deleted code'),
        trans.__(
          'Insert the code that last defined %1, from the kernel history, as a new cell',
          name
        ),
        { cellId, name }
      );
    } else if (diagnostic.fix?.kind === 'move-cell' && cellId) {
      action(
        ActionIDs.moveDefinitionAbove,
        trans.__('Move definition above'),
        trans.__('Move the cell that defines %1 above its first use', name),
        { cellId, name }
      );
    }
    if (diagnostic.code === CODES.deletedButLive && cellId === undefined) {
      for (const orphan of diagnostic.names) {
        action(
          ActionIDs.deleteFromKernel,
          trans.__('Delete %1 from kernel', orphan),
          trans.__('Run `del %1` in the kernel, after a confirmation', orphan),
          { name: orphan }
        );
      }
    }
    if (cellId && diagnostic.range && this._canIgnore(panel, diagnostic)) {
      action(
        ActionIDs.ignoreHere,
        trans.__('Ignore here'),
        trans.__('Add # nbguard: ignore[%1] to this line', diagnostic.code),
        {
          cellId,
          code: diagnostic.code,
          name,
          line: diagnostic.range.start.line
        }
      );
    }
    return actions;
  }

  actionsForCellModel(
    model: CodeEditor.IModel,
    diagnostic: Diagnostic
  ): INbGuardAction[] {
    const notebook = (model.sharedModel as { notebook?: unknown }).notebook;
    const panel = notebook
      ? this.tracker.find(p => p.model?.sharedModel === notebook)
      : undefined;
    return panel ? this.actionsFor(panel, diagnostic) : [];
  }

  /**
   * The notebook the arguments name, else the current one.
   */
  panelOf(args: IActionArgs): NotebookPanel | null {
    if (args.notebook) {
      return this.tracker.find(p => p.id === args.notebook) ?? null;
    }
    return this.tracker.currentWidget;
  }

  /**
   * The finding the arguments describe, among the panel's current findings:
   * the named cell's, else the active cell's, else the first.
   *
   * @param panel The notebook.
   * @param args The command arguments.
   * @param accept Which findings the command acts on.
   */
  findingOf(
    panel: NotebookPanel,
    args: IActionArgs,
    accept: (d: Diagnostic) => boolean
  ): Diagnostic | null {
    const all = this.guard.findings(panel)?.diagnostics ?? [];
    const matching = all.filter(
      d =>
        accept(d) &&
        (args.cellId === undefined || d.cell_id === args.cellId) &&
        (args.code === undefined || d.code === args.code) &&
        (args.name === undefined || d.names.includes(args.name)) &&
        (args.line === undefined || d.range?.start.line === args.line)
    );
    if (args.cellId === undefined) {
      const active = panel.content.activeCell?.model.id;
      const here = matching.find(d => d.cell_id === active);
      if (here) {
        return here;
      }
    }
    return matching[0] ?? null;
  }

  /**
   * Run the cells with an NBG201 finding (or the one NBG209 cell named).
   */
  async runStale(args: IActionArgs): Promise<void> {
    const panel = this.panelOf(args);
    const findings = panel ? this.guard.findings(panel) : null;
    if (!panel || !findings) {
      return;
    }
    const code = args.code ?? CODES.stale;
    let ids = cellsWithFinding(
      cellIdsOf(panel.content),
      findings.diagnostics,
      code
    );
    if (args.cellId !== undefined) {
      ids = ids.filter(id => id === args.cellId);
    }
    if (ids.length === 0) {
      Notification.info(this.trans.__('No stale cells to run.'), {
        autoClose: 3000
      });
      return;
    }
    await runCellsInPageOrder(panel, ids, this.sessionDialogs, this.translator);
  }

  /**
   * Insert the code that last bound an orphan name above its first reader.
   */
  async restore(args: IActionArgs): Promise<void> {
    const panel = this.panelOf(args);
    const diagnostic = panel
      ? this.findingOf(panel, args, d => d.fix?.kind === 'insert-cell')
      : null;
    if (!panel || diagnostic?.fix?.kind !== 'insert-cell') {
      this._nothing(this.trans.__('No deleted code to restore.'));
      return;
    }
    if (restoreCell(panel, diagnostic, diagnostic.fix) === null) {
      this._nothing(this.trans.__('The notebook changed; check it again.'));
      return;
    }
    await this._recheck(panel);
  }

  /**
   * Move the cell that binds a name above its first reader.
   */
  async moveAbove(args: IActionArgs): Promise<void> {
    const panel = this.panelOf(args);
    const diagnostic = panel
      ? this.findingOf(panel, args, d => d.fix?.kind === 'move-cell')
      : null;
    if (!panel || diagnostic?.fix?.kind !== 'move-cell') {
      this._nothing(this.trans.__('No definition to move.'));
      return;
    }
    if (!moveCellAbove(panel, diagnostic.fix)) {
      this._nothing(this.trans.__('The notebook changed; check it again.'));
      return;
    }
    await this._recheck(panel);
  }

  /**
   * Delete an orphan from the kernel after a confirmation, then re-check.
   */
  async deleteOrphan(args: IActionArgs): Promise<void> {
    const panel = this.panelOf(args);
    const listing = panel
      ? this.findingOf(
          panel,
          { notebook: args.notebook, name: args.name },
          d => d.code === CODES.deletedButLive && d.cell_id === null
        )
      : null;
    const name = args.name ?? listing?.names[0];
    if (!panel || !listing || name === undefined) {
      this._nothing(this.trans.__('No name lives only in the kernel.'));
      return;
    }
    try {
      if (await deleteFromKernel(panel, name, this.trans)) {
        await this._recheck(panel);
      }
    } catch (reason) {
      if (!(reason instanceof DeleteError)) {
        throw reason;
      }
      console.warn(`nbguard: ${reason.message}`);
      Notification.warning(reason.message, { autoClose: 5000 });
    }
  }

  /**
   * Add `# nbguard: ignore[CODE]` to the line of a finding.
   */
  async ignore(args: IActionArgs): Promise<void> {
    const panel = this.panelOf(args);
    let lineArgs = args;
    if (panel && args.line === undefined && args.cellId === undefined) {
      // From the palette: the finding on the cursor's line, if any.
      const editor = panel.content.activeCell?.editor;
      if (editor && panel.content.mode === 'edit') {
        lineArgs = { ...args, line: editor.getCursorPosition().line };
      }
    }
    const accept = (d: Diagnostic) =>
      d.cell_id !== null && d.range !== null && this._canIgnore(panel!, d);
    const diagnostic = panel
      ? (this.findingOf(panel, lineArgs, accept) ??
        this.findingOf(panel, args, accept))
      : null;
    if (!panel || !diagnostic || !ignoreHere(panel, diagnostic)) {
      this._nothing(this.trans.__('No finding to ignore here.'));
      return;
    }
    await this._recheck(panel);
  }

  /**
   * Whether the line of a finding can take an ignore comment now.
   */
  private _canIgnore(panel: NotebookPanel, diagnostic: Diagnostic): boolean {
    const cell = panel.content.widgets.find(
      c => c.model.id === diagnostic.cell_id
    );
    return (
      cell !== undefined &&
      diagnostic.range !== null &&
      ignoreEditInSource(
        cell.model.sharedModel.getSource(),
        diagnostic.range.start.line,
        diagnostic.code
      ) !== null
    );
  }

  private async _recheck(panel: NotebookPanel): Promise<void> {
    await this.guard.findings(panel)?.checkNow();
  }

  private _nothing(message: string): void {
    console.info(`nbguard: ${message}`);
    Notification.info(message, { autoClose: 3000 });
  }
}
