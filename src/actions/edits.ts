import { ISessionContextDialogs } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { Notebook, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator } from '@jupyterlab/translation';

import type { Diagnostic, InsertCellFix, MoveCellFix } from '../_schema';
import {
  ignoreEditInSource,
  insertionIndex,
  moveIndices,
  RESTORED_TAG
} from './logic';

/**
 * The notebook edits and runs behind the quick actions. Each edit is one
 * transaction of the shared model, kept apart from the edits around it in the
 * undo history, so one undo takes it back.
 */

/**
 * Something whose changes the undo manager groups by time (Yjs
 * `UndoManager.stopCapturing`): nothing typed just before or after an
 * action must end up in the same undo step.
 */
interface ICapturing {
  stopCapturing(): void;
}

/**
 * The Yjs undo manager of a shared notebook or cell (`@jupyter/ydoc` has one
 * on both, not in their interfaces), null if there is none.
 */
function undoManagerOf(shared: object | null | undefined): ICapturing | null {
  const undo = (shared as { undoManager?: ICapturing | null } | null)
    ?.undoManager;
  return undo && typeof undo.stopCapturing === 'function' ? undo : null;
}

/**
 * Run `edit` as its own undo step of `undo` (when there is one).
 */
function ownUndoStep(undo: ICapturing | null, edit: () => void): void {
  undo?.stopCapturing();
  edit();
  undo?.stopCapturing();
}

/**
 * The ids of a notebook's cells in page order.
 */
export function cellIdsOf(notebook: Notebook): string[] {
  return notebook.widgets.map(cell => cell.model.id);
}

/**
 * Run these cells, in page order, through JupyterLab's own execution (the
 * prompts, outputs and kernel-status handling are those of *Run*).
 *
 * @param panel The notebook.
 * @param cellIds The cells to run; ids not in the notebook are skipped.
 * @param sessionDialogs The session dialogs (to pick a kernel if none).
 * @param translator The translator.
 * @returns Whether every cell ran without error.
 */
export async function runCellsInPageOrder(
  panel: NotebookPanel,
  cellIds: ReadonlyArray<string>,
  sessionDialogs: ISessionContextDialogs | null,
  translator: ITranslator | null
): Promise<boolean> {
  const wanted = new Set(cellIds);
  const cells: Cell[] = panel.content.widgets.filter(cell =>
    wanted.has(cell.model.id)
  );
  if (cells.length === 0) {
    return true;
  }
  return NotebookActions.runCells(
    panel.content,
    cells,
    panel.sessionContext,
    sessionDialogs ?? undefined,
    translator ?? undefined
  );
}

/**
 * Insert the code the server says restores a deleted definition, as a new
 * code cell marked as restored (metadata `nbguard.restored` and the tag
 * `nbguard-restored`), and make it the active cell.
 *
 * @param panel The notebook.
 * @param diagnostic The NBG203 finding (its first related entry names the
 *   execution that bound the name).
 * @param fix The finding's `insert-cell` fix.
 * @returns The new cell's index, or null if the target cell is gone.
 */
export function restoreCell(
  panel: NotebookPanel,
  diagnostic: Diagnostic,
  fix: InsertCellFix
): number | null {
  const notebook = panel.content;
  const model = notebook.model;
  const index = insertionIndex(cellIdsOf(notebook), fix.before_cell_id);
  if (!model || index === null) {
    return null;
  }
  const origin = diagnostic.related[0] ?? null;
  ownUndoStep(undoManagerOf(model.sharedModel), () => {
    model.sharedModel.insertCell(index, {
      cell_type: 'code',
      source: fix.source,
      metadata: {
        // Created by the user's click from their own kernel's history.
        trusted: true,
        tags: [RESTORED_TAG],
        nbguard: {
          restored: {
            names: [...diagnostic.names],
            from_cell_id: origin?.cell_id ?? null,
            execution_count: origin?.execution_count ?? null
          }
        }
      }
    });
  });
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  notebook.mode = 'command';
  void notebook.scrollToItem(index, 'center');
  return index;
}

/**
 * Move the cell that binds a name above its first reader, as the server's
 * `move-cell` fix says, with JupyterLab's own move (which keeps a running
 * cell's execution attached). The shared model makes the move one
 * transaction; one undo puts the cell back.
 *
 * @param panel The notebook.
 * @param fix The NBG101 finding's fix.
 * @returns Whether the cell moved.
 */
export function moveCellAbove(panel: NotebookPanel, fix: MoveCellFix): boolean {
  const notebook = panel.content;
  const model = notebook.model;
  const move = moveIndices(cellIdsOf(notebook), fix);
  if (!model || !move) {
    return false;
  }
  // Not wrapped in another transact: moveCells files its execution state
  // under the undo item its own transaction creates.
  ownUndoStep(undoManagerOf(model.sharedModel), () => {
    NotebookActions.moveCells(notebook, move.from, move.to);
  });
  notebook.deselectAll();
  notebook.activeCellIndex = move.to;
  notebook.mode = 'command';
  void notebook.scrollToItem(move.to, 'center');
  return true;
}

/**
 * Add `# nbguard: ignore[CODE]` to the line of a finding, as one edit of the
 * cell source (undone by the cell editor's undo).
 *
 * @param panel The notebook.
 * @param diagnostic The finding (with a cell and a range).
 * @returns Whether the source changed.
 */
export function ignoreHere(
  panel: NotebookPanel,
  diagnostic: Diagnostic
): boolean {
  if (diagnostic.cell_id === null || diagnostic.range === null) {
    return false;
  }
  const cell = panel.content.widgets.find(
    c => c.model.id === diagnostic.cell_id
  );
  if (!cell) {
    return false;
  }
  const shared = cell.model.sharedModel;
  const edit = ignoreEditInSource(
    shared.getSource(),
    diagnostic.range.start.line,
    diagnostic.code
  );
  if (!edit) {
    return false;
  }
  const undo =
    undoManagerOf(shared) ?? undoManagerOf(panel.content.model?.sharedModel);
  ownUndoStep(undo, () => {
    shared.updateSource(edit.from, edit.to, edit.insert);
  });
  return true;
}
