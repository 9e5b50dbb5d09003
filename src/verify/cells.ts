import type { ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { IVerifyCell } from './api';
import { expectsError, isSkipped, tagsOf } from './markers';
import type { IReportCell } from './report';
import type { IRunCell, IRunOutcome } from './runner';
import type { INotebookSnapshot } from './snapshot';

/**
 * What a verification reads of the notebook's code cells, at each of its
 * steps: what to run, what to send for comparison, how the report names
 * them. Read from the panel each time, in page order, so that cells added,
 * moved or deleted meanwhile are seen as they are then.
 */

/**
 * The code cells to run, in page order, with their markers.
 *
 * @param panel The notebook.
 * @returns One entry per code cell.
 */
export function runCellsOf(panel: NotebookPanel): IRunCell[] {
  const cells: IRunCell[] = [];
  for (const widget of panel.content.widgets) {
    const model = widget.model;
    if (model.type !== 'code') {
      continue;
    }
    const source = model.sharedModel.getSource();
    const tags = tagsOf(model.metadata);
    cells.push({
      id: model.id,
      skip: isSkipped(source, tags),
      expectError: expectsError(source, tags)
    });
  }
  return cells;
}

/**
 * The code cells as the report names them, after the run.
 *
 * @param panel The notebook.
 * @returns Each code cell's id, position and the count it shows now.
 */
export function reportCellsOf(panel: NotebookPanel): IReportCell[] {
  const cells: IReportCell[] = [];
  panel.content.widgets.forEach((widget, index) => {
    if (widget.model.type === 'code') {
      const model = widget.model as ICodeCellModel;
      cells.push({
        id: model.id,
        index,
        executionCount: model.executionCount ?? null
      });
    }
  });
  return cells;
}

/**
 * The `verify/compare` cells: the snapshot against the outputs now shown.
 *
 * @param panel The notebook.
 * @param snapshot What the cells showed before the run.
 * @param outcome What the run did.
 * @returns One entry per code cell that is in the snapshot (a cell added
 * during the run has nothing to be compared with).
 */
export function compareCellsOf(
  panel: NotebookPanel,
  snapshot: INotebookSnapshot | null,
  outcome: IRunOutcome
): IVerifyCell[] {
  const before = new Map((snapshot?.cells ?? []).map(cell => [cell.id, cell]));
  const cells: IVerifyCell[] = [];
  for (const widget of panel.content.widgets) {
    const saved = before.get(widget.model.id);
    if (widget.model.type !== 'code' || !saved) {
      continue;
    }
    const model = widget.model as ICodeCellModel;
    cells.push({
      id: model.id,
      source: model.sharedModel.getSource(),
      tags: tagsOf(model.metadata),
      before: {
        execution_count: saved.execution_count,
        outputs: saved.outputs
      },
      after: {
        ran: outcome.ran.has(model.id),
        outputs: model.outputs.toJSON()
      }
    });
  }
  return cells;
}
