import type { ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IStateDB } from '@jupyterlab/statedb';
import type { PartialJSONObject } from '@lumino/coreutils';

import type { IVerifyCell, VerifyCompareResponse } from './api';
import type { RunEnd } from './runner';

/**
 * What a code cell showed before restart-and-verify replaced it.
 */
export interface ICellSnapshot {
  /**
   * The nbformat cell id.
   */
  readonly id: string;
  /**
   * The outputs, exactly as the cell model serialised them (`toJSON`).
   */
  readonly outputs: nbformat.IOutput[];
  /**
   * The execution count shown in the prompt.
   */
  readonly execution_count: nbformat.ExecutionCount;
  /**
   * Whether the outputs were trusted (a run trusts them; restoring must not).
   */
  readonly trusted: boolean;
}

/**
 * Every code cell's outputs and execution count before a verification.
 */
export interface INotebookSnapshot {
  /**
   * The notebook path when the snapshot was taken.
   */
  readonly path: string;
  /**
   * When the snapshot was taken (ISO 8601).
   */
  readonly taken: string;
  /**
   * The code cells in page order.
   */
  readonly cells: ICellSnapshot[];
}

/**
 * What the state database keeps per notebook until the report is dismissed.
 */
export interface IStoredVerification {
  /**
   * The outputs to restore.
   */
  readonly snapshot: INotebookSnapshot;
  /**
   * The server's comparison, null while the run has not finished (or never
   * did: a reload or a crash mid-run).
   */
  readonly report: VerifyCompareResponse | null;
  /**
   * How the run ended, null while it runs.
   */
  readonly ended: RunEnd | null;
  /**
   * The id of the cell the run stopped at, if it stopped early.
   */
  readonly stoppedAt: string | null;
  /**
   * When the comparison came in (ISO 8601); absent while the run has not
   * finished.
   */
  readonly finished?: string;
  /**
   * The outputs the run gave the cells that did not reproduce (`changed` or
   * `error`), so the report can show them beside the previous ones after a
   * reload or a restore. Only those cells: the rest would double the kept
   * state for nothing.
   */
  readonly after?: ICellSnapshot[];
}

/**
 * Whether a cell model is a code cell model.
 */
function isCode(model: { type: string }): model is ICodeCellModel {
  return model.type === 'code';
}

/**
 * Snapshot every code cell's outputs and execution count.
 *
 * @param model The notebook model.
 * @param path The notebook path (the snapshot's key in the state database).
 * @param now The current time (injected for tests).
 * @returns A deep copy that later edits of the notebook cannot change.
 */
export function takeSnapshot(
  model: INotebookModel,
  path: string,
  now: Date = new Date()
): INotebookSnapshot {
  const cells: ICellSnapshot[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (!isCode(cell)) {
      continue;
    }
    const json = cell.toJSON();
    cells.push({
      id: cell.id,
      // A JSON round trip: plain data, safe to store, detached from the model.
      outputs: JSON.parse(JSON.stringify(json.outputs)),
      execution_count: json.execution_count,
      trusted: cell.trusted
    });
  }
  return { path, taken: now.toISOString(), cells };
}

/**
 * A non-stream output that `add` never merges with its neighbours.
 */
const PLACEHOLDER: nbformat.IDisplayData = {
  output_type: 'display_data',
  data: {},
  metadata: {}
};

/**
 * Replace a cell's outputs with exactly these ones.
 *
 * `outputs.fromJSON` would merge consecutive streams of the same name,
 * which a saved notebook may keep apart; `set` never merges, so each output
 * goes in as a placeholder and is then set in place.
 *
 * @param cell The code cell model.
 * @param outputs The outputs to show.
 */
function setOutputsExactly(
  cell: ICodeCellModel,
  outputs: ReadonlyArray<nbformat.IOutput>
): void {
  cell.outputs.clear();
  outputs.forEach((output, index) => {
    cell.outputs.add(PLACEHOLDER);
    cell.outputs.set(index, output);
  });
}

/**
 * Put the snapshot's outputs and execution counts back into the notebook.
 *
 * Cells are matched by id; cells deleted since the snapshot are skipped and
 * cells added since are left alone.
 *
 * @param model The notebook model.
 * @param snapshot The snapshot to restore.
 * @returns How many cells were restored.
 */
export function restoreSnapshot(
  model: INotebookModel,
  snapshot: INotebookSnapshot
): number {
  const byId = new Map(snapshot.cells.map(cell => [cell.id, cell]));
  let restored = 0;
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const saved = byId.get(cell.id);
    if (!saved || !isCode(cell)) {
      continue;
    }
    cell.trusted = saved.trusted;
    setOutputsExactly(cell, saved.outputs);
    cell.executionCount = saved.execution_count;
    cell.executionState = 'idle';
    restored++;
  }
  return restored;
}

/**
 * The new outputs of the cells that did not reproduce, detached from the
 * model (a restore or a new run must not change what the report shows).
 *
 * @param cells The cells sent to `verify/compare`, with their new outputs.
 * @param response The server's comparison.
 * @param trusted Whether each cell's new outputs are trusted, by cell id.
 * @returns One entry per `changed` or `error` cell, in the order sent.
 */
export function divergedOutputs(
  cells: ReadonlyArray<IVerifyCell>,
  response: VerifyCompareResponse,
  trusted: ReadonlyMap<string, boolean>
): ICellSnapshot[] {
  const diverged = new Set(
    response.cells
      .filter(c => c.status === 'changed' || c.status === 'error')
      .map(c => c.cell_id)
  );
  return cells
    .filter(cell => diverged.has(cell.id))
    .map(cell => ({
      id: cell.id,
      outputs: JSON.parse(JSON.stringify(cell.after.outputs)),
      execution_count: null,
      trusted: trusted.get(cell.id) ?? false
    }));
}

/**
 * Keeps each notebook's pending verification in JupyterLab's state database,
 * so the previous outputs survive a page reload and a kernel that dies.
 */
export class SnapshotStore {
  /**
   * Create a store.
   *
   * @param state The state database.
   */
  constructor(private readonly _state: IStateDB) {}

  /**
   * The state database key of a notebook.
   *
   * @param path The notebook path.
   */
  static key(path: string): string {
    return `jupyterlab-nbguard:verify:${path}`;
  }

  /**
   * Save a notebook's pending verification.
   *
   * @param value What to keep.
   */
  async save(value: IStoredVerification): Promise<void> {
    await this._state.save(
      SnapshotStore.key(value.snapshot.path),
      value as unknown as PartialJSONObject
    );
  }

  /**
   * The pending verification of a notebook, if any.
   *
   * @param path The notebook path.
   * @returns What was kept, or null.
   */
  async load(path: string): Promise<IStoredVerification | null> {
    const value = (await this._state.fetch(SnapshotStore.key(path))) as
      { snapshot?: unknown } | null | undefined;
    if (
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      typeof value.snapshot !== 'object' ||
      value.snapshot === null
    ) {
      return null;
    }
    return value as unknown as IStoredVerification;
  }

  /**
   * Forget a notebook's pending verification (the user dismissed it).
   *
   * @param path The notebook path.
   */
  async remove(path: string): Promise<void> {
    await this._state.remove(SnapshotStore.key(path));
  }
}
