import { NotebookPanel } from '@jupyterlab/notebook';

import type { Range } from '../api';
import { clampPosition } from '../editor/positions';

/**
 * A place in a notebook to bring into view.
 */
export interface ILocation {
  /**
   * The nbformat id of the cell.
   */
  readonly cellId: string;
  /**
   * The span to select in its source, null to select the cell only.
   */
  readonly range: Range | null;
}

/**
 * Jump to a cell: activate the notebook, make the cell active, scroll it to
 * the middle and, when a range is given, select it in the editor (edit mode,
 * so the selection is visible and typing replaces it). Without a range the
 * notebook stays in command mode on that cell, as a click on its prompt does.
 *
 * @param activate Activates the notebook panel in the shell.
 * @param panel The notebook panel.
 * @param location Where to go.
 * @returns Whether the cell was found.
 */
export async function revealLocation(
  activate: (panel: NotebookPanel) => void,
  panel: NotebookPanel,
  location: ILocation
): Promise<boolean> {
  activate(panel);
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(
    cell => cell.model.id === location.cellId
  );
  if (index < 0) {
    return false;
  }
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  const cell = notebook.widgets[index];
  await notebook.scrollToCell(cell, 'center');
  if (location.range === null) {
    notebook.mode = 'command';
    notebook.node.focus();
    return true;
  }
  notebook.mode = 'edit';
  const editor = cell.editor;
  if (editor) {
    const source = cell.model.sharedModel.getSource();
    const start = { ...clampPosition(source, location.range.start) };
    const end = { ...clampPosition(source, location.range.end) };
    editor.setSelection({ start, end });
    editor.revealSelection({ start, end });
    editor.focus();
  }
  return true;
}
