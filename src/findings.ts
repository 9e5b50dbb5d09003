import { TranslationBundle } from '@jupyterlab/translation';

import type { Diagnostic, Severity } from './api';
import { comparePositions, IPosition } from './editor/positions';
import type { INbGuardSettings, ShowInfo } from './settings';

/**
 * A cell as far as ordering findings goes.
 */
export interface ICellRef {
  /**
   * The nbformat cell id.
   */
  readonly id: string;
  /**
   * The execution count shown in the prompt, null if none.
   */
  readonly executionCount: number | null;
}

/**
 * A finding placed in its notebook.
 */
export interface IPlacedFinding {
  /**
   * The finding.
   */
  readonly diagnostic: Diagnostic;
  /**
   * Index of its cell in the notebook; -1 for notebook-level findings or
   * findings about a cell that is no longer there.
   */
  readonly cellIndex: number;
}

const SEVERITY_RANK: Record<Severity, number> = {
  error: 0,
  warning: 1,
  info: 2
};

/**
 * Order findings for display: notebook-level first, then in page order of
 * their cells and by position in the cell, findings about unknown cells last.
 *
 * @param diagnostics The findings.
 * @param cells The cells in page order.
 * @returns The placed findings, sorted.
 */
export function placeFindings(
  diagnostics: ReadonlyArray<Diagnostic>,
  cells: ReadonlyArray<ICellRef>
): IPlacedFinding[] {
  const indexById = new Map<string, number>();
  cells.forEach((cell, index) => indexById.set(cell.id, index));
  const key = (d: Diagnostic): number => {
    if (d.cell_id === null) {
      return -1;
    }
    return indexById.get(d.cell_id) ?? Number.MAX_SAFE_INTEGER;
  };
  const start = (d: Diagnostic): IPosition =>
    d.range ? d.range.start : { line: -1, column: -1 };
  return diagnostics
    .map((diagnostic, order) => ({
      diagnostic,
      order,
      sortKey: key(diagnostic)
    }))
    .sort(
      (a, b) =>
        a.sortKey - b.sortKey ||
        comparePositions(start(a.diagnostic), start(b.diagnostic)) ||
        SEVERITY_RANK[a.diagnostic.severity] -
          SEVERITY_RANK[b.diagnostic.severity] ||
        a.order - b.order
    )
    .map(({ diagnostic, sortKey }) => ({
      diagnostic,
      cellIndex:
        sortKey >= 0 && sortKey < Number.MAX_SAFE_INTEGER ? sortKey : -1
    }));
}

/**
 * Find the finding to jump to after the cursor: the first one in a later cell,
 * or later in the same cell; wraps around to the first one.
 *
 * @param placed Findings sorted by `placeFindings`.
 * @param cellIndex The active cell's index.
 * @param cursor The cursor in the active cell, null to skip that cell's findings.
 * @returns The finding, or null if there is none in any cell.
 */
export function nextFinding(
  placed: ReadonlyArray<IPlacedFinding>,
  cellIndex: number,
  cursor: IPosition | null
): IPlacedFinding | null {
  const inCells = placed.filter(item => item.cellIndex >= 0);
  const after = inCells.find(item => {
    if (item.cellIndex !== cellIndex) {
      return item.cellIndex > cellIndex;
    }
    if (cursor === null) {
      return false;
    }
    const start = item.diagnostic.range?.start ?? { line: 0, column: 0 };
    return comparePositions(start, cursor) > 0;
  });
  return after ?? inCells[0] ?? null;
}

/**
 * Count findings per severity.
 *
 * @param diagnostics The findings.
 * @returns The counts.
 */
export function countBySeverity(
  diagnostics: ReadonlyArray<Diagnostic>
): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) {
    if (d.severity in counts) {
      counts[d.severity] += 1;
    }
  }
  return counts;
}

/**
 * Say how many findings of each severity there are, with correct plurals.
 * Info is said apart: it is not a problem, only something to know.
 *
 * @param counts Counts by severity, from `countBySeverity`.
 * @param trans The translation bundle.
 * @param withInfo Whether to say the info count (false when info is hidden).
 * @returns For example "1 error, 2 warnings; 3 info".
 */
export function describeCounts(
  counts: Record<Severity, number>,
  trans: TranslationBundle,
  withInfo = true
): string {
  const problems = [
    trans._n('%1 error', '%1 errors', counts.error),
    trans._n('%1 warning', '%1 warnings', counts.warning)
  ].join(', ');
  return withInfo
    ? trans.__('%1; %2', problems, trans.__('%1 info', counts.info))
    : problems;
}

/**
 * Whether a finding is quiet: severity `info` says something worth knowing
 * that does not make the notebook differ from Restart & Run All. Quiet
 * findings never mark a cell and never count as problems.
 *
 * @param diagnostic The finding.
 */
export function isQuiet(diagnostic: Diagnostic): boolean {
  return diagnostic.severity === 'info';
}

/**
 * The findings a surface lists (panel, status bar, next-finding): all of them,
 * or all but info when `showInfo` is `off`.
 *
 * @param diagnostics The findings.
 * @param showInfo The `showInfo` setting.
 */
export function listedFindings(
  diagnostics: ReadonlyArray<Diagnostic>,
  showInfo: ShowInfo
): ReadonlyArray<Diagnostic> {
  return showInfo === 'off'
    ? diagnostics.filter(d => !isQuiet(d))
    : diagnostics;
}

/**
 * The findings the editor underlines, after the settings.
 *
 * @param diagnostics The findings about one cell.
 * @param settings `enabled`, `showUnderlines` and `showInfo`.
 */
export function underlinedFindings(
  diagnostics: ReadonlyArray<Diagnostic>,
  settings: Pick<INbGuardSettings, 'enabled' | 'showUnderlines' | 'showInfo'>
): ReadonlyArray<Diagnostic> {
  if (!settings.enabled || !settings.showUnderlines) {
    return [];
  }
  return settings.showInfo === 'underlines'
    ? diagnostics
    : diagnostics.filter(d => !isQuiet(d));
}

/**
 * The findings *Go to Next/Previous Finding* visits: those the editor shows
 * (info only when info findings are underlined), so the keys never stop on
 * something the cell does not display.
 *
 * @param diagnostics The notebook's findings.
 * @param showInfo Where info findings appear.
 */
export function navigableFindings(
  diagnostics: ReadonlyArray<Diagnostic>,
  showInfo: ShowInfo
): ReadonlyArray<Diagnostic> {
  return showInfo === 'underlines'
    ? diagnostics
    : diagnostics.filter(d => !isQuiet(d));
}

/**
 * The findings the cell marker shows: problems only, never info.
 *
 * @param diagnostics The findings about one cell.
 */
export function markedFindings(
  diagnostics: ReadonlyArray<Diagnostic>
): ReadonlyArray<Diagnostic> {
  return diagnostics.filter(d => !isQuiet(d));
}

/**
 * The most severe severity among findings.
 *
 * @param diagnostics The findings.
 * @returns The severity, or null if there are none.
 */
export function worstSeverity(
  diagnostics: ReadonlyArray<Diagnostic>
): Severity | null {
  let worst: Severity | null = null;
  for (const d of diagnostics) {
    if (worst === null || SEVERITY_RANK[d.severity] < SEVERITY_RANK[worst]) {
      worst = d.severity;
    }
  }
  return worst;
}

/**
 * The translated name of a severity.
 *
 * @param trans The translation bundle.
 * @param severity The severity.
 * @returns Its name.
 */
export function severityLabel(
  trans: TranslationBundle,
  severity: Severity
): string {
  switch (severity) {
    case 'error':
      return trans.__('error');
    case 'warning':
      return trans.__('warning');
    default:
      return trans.__('info');
  }
}

/**
 * The one-line text of a finding, as the tooltip and the cell badge show it:
 * `stale-cell (NBG201): message`.
 *
 * @param diagnostic The finding.
 * @returns The text.
 */
export function formatFinding(diagnostic: Diagnostic): string {
  return `${diagnostic.rule} (${diagnostic.code}): ${diagnostic.message}`;
}
