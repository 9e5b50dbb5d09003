import type { CodeEditor } from '@jupyterlab/codeeditor';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';

import type { Diagnostic } from '../api';
import { EXTENSION_ID } from '../tokens';

/**
 * One quick action offered for a finding: a label to show and what clicking
 * it does. Actions never run on their own; `run` is called on the user's click.
 */
export interface INbGuardAction {
  /**
   * The id of the command behind the action (e.g. `nbguard:run-stale-cells`).
   */
  readonly id: string;
  /**
   * The translated label of a button or menu entry.
   */
  readonly label: string;
  /**
   * A translated longer description (a tooltip).
   */
  readonly caption?: string;
  /**
   * Carry out the action.
   *
   * @returns Resolves once it is done (or cancelled by the user).
   */
  run(): Promise<void>;
}

/**
 * The quick actions of nbguard findings, for the surfaces that show findings
 * (the Health panel, the hover tooltip, CodeMirror lint actions).
 */
export interface INbGuardActions {
  /**
   * The actions that make sense for one finding of a notebook.
   *
   * @param panel The notebook the finding is about.
   * @param diagnostic The finding.
   * @returns The actions, in the order to show them; empty if none apply.
   */
  actionsFor(panel: NotebookPanel, diagnostic: Diagnostic): INbGuardAction[];
  /**
   * The actions of a finding about the cell a cell editor shows (for the
   * CodeMirror lint actions, which know the editor's model, not its notebook).
   *
   * @param model The cell editor's model (a notebook cell model).
   * @param diagnostic The finding.
   * @returns The actions; empty if the cell is in no tracked notebook.
   */
  actionsForCellModel(
    model: CodeEditor.IModel,
    diagnostic: Diagnostic
  ): INbGuardAction[];
}

/**
 * The quick-actions service token.
 */
export const INbGuardActions = new Token<INbGuardActions>(
  `${EXTENSION_ID}:INbGuardActions`,
  'Quick actions for nbguard findings: run stale cells, restore deleted code, move a definition above, delete an orphan from the kernel, ignore a finding.'
);
