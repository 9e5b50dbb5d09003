import { TranslationBundle } from '@jupyterlab/translation';

import type { VerifyCompareResponse, VerifyStatus } from './api';
import type { RunEnd } from './runner';

/**
 * A code cell of the notebook as the report names it.
 */
export interface IReportCell {
  /**
   * The nbformat cell id.
   */
  readonly id: string;
  /**
   * 0-based position among all cells of the notebook.
   */
  readonly index: number;
  /**
   * The execution count the run gave it, null if it did not run.
   */
  readonly executionCount: number | null;
}

/**
 * One row of the report.
 */
export interface IReportRow {
  readonly cellId: string;
  /**
   * How the cell is named, e.g. `[5]` or `cell 7`.
   */
  readonly label: string;
  readonly status: VerifyStatus;
  /**
   * The unified diff, null when there is none.
   */
  readonly diff: string | null;
  /**
   * The first divergence of the notebook.
   */
  readonly isRootCause: boolean;
  /**
   * The label of the root cause this row's difference follows from.
   */
  readonly consequenceOf: string | null;
}

/**
 * The report as the panel shows it.
 */
export interface IReport {
  /**
   * One sentence, e.g. "12 of 14 cells reproduced; first divergence: cell [5]".
   */
  readonly summary: string;
  /**
   * How the run ended, in words, null when it simply completed.
   */
  readonly endNote: string | null;
  readonly reproduced: boolean;
  /**
   * How many compared cells gave the same outputs.
   */
  readonly same: number;
  /**
   * How many cells were compared (every status but `skipped`).
   */
  readonly compared: number;
  readonly rows: ReadonlyArray<IReportRow>;
}

/**
 * A cell's label: its page position, as every nbguard message names cells
 * (an execution count would read like a prompt, and changes with each run).
 *
 * @param trans The translation bundle.
 * @param cell The cell, undefined if it is no longer in the notebook.
 * @returns The label.
 */
export function reportCellLabel(
  trans: TranslationBundle,
  cell: IReportCell | undefined
): string {
  if (!cell) {
    return trans.__('a deleted cell');
  }
  return trans.__('cell %1', cell.index + 1);
}

/**
 * Say how the run ended, when that matters for reading the report.
 *
 * @param trans The translation bundle.
 * @param ended How the run ended.
 * @param stoppedAt The label of the cell it stopped at, if any.
 * @returns The note, null for a run that completed.
 */
export function describeEnd(
  trans: TranslationBundle,
  ended: RunEnd,
  stoppedAt: string | null
): string | null {
  const where = stoppedAt ?? trans.__('an unknown cell');
  switch (ended) {
    case 'completed':
      return null;
    case 'error':
      return trans.__(
        'The run stopped at the first unexpected error, in %1; later cells did not run.',
        where
      );
    case 'cancelled':
      return trans.__(
        'The run was cancelled in %1; the report covers the cells that ran before it.',
        where
      );
    case 'died':
      return trans.__(
        'The kernel died while running %1; the report covers the cells that ran before it.',
        where
      );
  }
}

/**
 * Build the report from the server's comparison.
 *
 * @param trans The translation bundle.
 * @param response The server's answer.
 * @param cells The notebook's code cells after the run, in page order.
 * @param ended How the run ended.
 * @param stoppedAt The id of the cell the run stopped at, if any.
 * @returns Rows in page order and the summary.
 */
export function buildReport(
  trans: TranslationBundle,
  response: VerifyCompareResponse,
  cells: ReadonlyArray<IReportCell>,
  ended: RunEnd,
  stoppedAt: string | null
): IReport {
  const byId = new Map(cells.map(cell => [cell.id, cell]));
  const label = (id: string) => reportCellLabel(trans, byId.get(id));
  const order = new Map(cells.map((cell, i) => [cell.id, i]));
  const results = [...response.cells].sort(
    (a, b) =>
      (order.get(a.cell_id) ?? Infinity) - (order.get(b.cell_id) ?? Infinity)
  );
  const rows: IReportRow[] = results.map(result => ({
    cellId: result.cell_id,
    label: label(result.cell_id),
    status: result.status,
    diff: result.diff,
    isRootCause: result.cell_id === response.first_divergence,
    consequenceOf:
      result.consequence_of === null ? null : label(result.consequence_of)
  }));
  const compared = rows.filter(row => row.status !== 'skipped');
  const same = compared.filter(row => row.status === 'same').length;
  let summary =
    compared.length === 1
      ? trans.__('%1 of 1 cell reproduced', same)
      : trans.__('%1 of %2 cells reproduced', same, compared.length);
  if (response.first_divergence !== null) {
    summary = trans.__(
      '%1; first divergence: %2',
      summary,
      label(response.first_divergence)
    );
  }
  return {
    summary,
    endNote: describeEnd(
      trans,
      ended,
      stoppedAt === null ? null : label(stoppedAt)
    ),
    reproduced: response.reproduced && ended === 'completed',
    same,
    compared: compared.length,
    rows
  };
}

/**
 * The kind of one line of a unified diff, for highlighting.
 */
export type DiffLineKind = 'add' | 'remove' | 'hunk' | 'header' | 'context';

/**
 * Split a unified diff into classified lines.
 *
 * @param diff The diff text.
 * @returns One entry per line.
 */
export function diffLines(
  diff: string
): Array<{ kind: DiffLineKind; text: string }> {
  const lines = diff.replace(/\n$/, '').split('\n');
  return lines.map(text => {
    let kind: DiffLineKind = 'context';
    if (text.startsWith('+++') || text.startsWith('---')) {
      kind = 'header';
    } else if (text.startsWith('@@')) {
      kind = 'hunk';
    } else if (text.startsWith('+')) {
      kind = 'add';
    } else if (text.startsWith('-')) {
      kind = 'remove';
    }
    return { kind, text };
  });
}

/**
 * The translated name of a status.
 *
 * @param trans The translation bundle.
 * @param status The status.
 */
export function statusLabel(
  trans: TranslationBundle,
  status: VerifyStatus
): string {
  switch (status) {
    case 'same':
      return trans.__('same');
    case 'changed':
      return trans.__('changed');
    case 'error':
      return trans.__('error');
    case 'not-run':
      return trans.__('not run');
    case 'skipped':
      return trans.__('skipped');
  }
}
