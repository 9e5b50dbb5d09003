import { Cell } from '@jupyterlab/cells';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';

import type { Diagnostic } from './api';
import { clampPosition } from './editor/positions';
import { ICellRef } from './findings';

/**
 * The cells of a notebook as `findings.ts` needs them.
 *
 * @param notebook The notebook widget.
 * @returns Its cells in page order.
 */
export function cellRefs(notebook: Notebook): ICellRef[] {
  return notebook.widgets.map(cell => ({
    id: cell.model.id,
    executionCount: executionCountOf(cell)
  }));
}

/**
 * The execution count shown in a cell's prompt, null if none.
 *
 * @param cell The cell widget.
 */
export function executionCountOf(cell: Cell): number | null {
  const model = cell.model as { executionCount?: number | null };
  return model.executionCount ?? null;
}

/**
 * Bring a finding into view: activate its notebook and cell, scroll to it and
 * put the cursor at the start of its range.
 *
 * @param activate Activates the notebook panel in the shell.
 * @param panel The notebook panel the finding is about.
 * @param diagnostic The finding.
 */
export async function revealFinding(
  activate: (panel: NotebookPanel) => void,
  panel: NotebookPanel,
  diagnostic: Diagnostic
): Promise<void> {
  activate(panel);
  if (diagnostic.cell_id === null) {
    return;
  }
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(
    cell => cell.model.id === diagnostic.cell_id
  );
  if (index < 0) {
    return;
  }
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  const cell = notebook.widgets[index];
  await notebook.scrollToCell(cell, 'center');
  if (diagnostic.range === null) {
    notebook.mode = 'command';
    notebook.node.focus();
    return;
  }
  notebook.mode = 'edit';
  const editor = cell.editor;
  if (editor) {
    const { line, column } = clampPosition(
      cell.model.sharedModel.getSource(),
      diagnostic.range.start
    );
    editor.setCursorPosition({ line, column });
    editor.revealPosition(editor.getCursorPosition());
    editor.focus();
  }
}
