import { Cell } from '@jupyterlab/cells';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';

import type { Diagnostic, Position } from './api';
import { clampPosition } from './editor/positions';
import { ICellRef, IPlacedFinding } from './findings';

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
 * Compare two positions in page order.
 */
function compare(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.column - b.column;
}

/**
 * The finding after (or before) a place in the notebook, wrapping around.
 *
 * Findings are in page order (`placeFindings`); notebook-level findings and
 * findings about cells no longer shown are skipped.
 *
 * @param placed The findings in page order.
 * @param cellIndex The active cell's index.
 * @param cursor Where in that cell (the start of its selection), null for
 * "before its first character" going forward, "after its last" going back.
 * @param direction 1 for the next finding, -1 for the previous one.
 * @returns The finding to go to, null if there is none.
 */
export function neighbourFinding(
  placed: ReadonlyArray<IPlacedFinding>,
  cellIndex: number,
  cursor: Position | null,
  direction: 1 | -1
): IPlacedFinding | null {
  const inCells = placed.filter(item => item.cellIndex >= 0);
  if (inCells.length === 0) {
    return null;
  }
  // Where each finding is relative to the place: > 0 after it, < 0 before it.
  const side = (item: IPlacedFinding): number => {
    if (item.cellIndex !== cellIndex) {
      return item.cellIndex - cellIndex;
    }
    if (cursor === null) {
      return direction;
    }
    // A finding without a range stands for the whole cell: before its text,
    // as placeFindings orders it.
    return compare(
      item.diagnostic.range?.start ?? { line: -1, column: -1 },
      cursor
    );
  };
  if (direction === 1) {
    return inCells.find(item => side(item) > 0) ?? inCells[0];
  }
  const before = inCells.filter(item => side(item) < 0);
  return before[before.length - 1] ?? inCells[inCells.length - 1];
}

/**
 * Bring a finding into view, always the same way: its notebook and cell
 * active, the cell scrolled into view, its range selected in the editor, and
 * the notebook in command mode (so the arrow keys and shortcuts go on moving
 * between cells; Enter edits at the selection).
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
  notebook.mode = 'command';
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  const cell = notebook.widgets[index];
  await notebook.scrollToCell(cell, 'center');
  // A windowed notebook creates a cell's editor when the cell is first shown:
  // select the range only once it exists, or the next "next" starts from 0:0.
  await cell.ready;
  const editor = cell.editor;
  if (editor && diagnostic.range !== null) {
    const source = cell.model.sharedModel.getSource();
    const start = clampPosition(source, diagnostic.range.start);
    const end = clampPosition(source, diagnostic.range.end);
    editor.setSelection({
      start: { line: start.line, column: start.column },
      end: { line: end.line, column: end.column }
    });
    editor.revealPosition({ line: start.line, column: start.column });
  }
  notebook.mode = 'command';
  notebook.node.focus();
}
