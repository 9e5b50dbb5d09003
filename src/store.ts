import type { Diagnostic } from './api';
import { sameDiagnostics } from './checkbody';

/**
 * What `forCell` gives a cell without findings: always this array, so that
 * views can tell "unchanged" by identity.
 */
export const NO_FINDINGS: ReadonlyArray<Diagnostic> = Object.freeze([]);

/**
 * The findings of one notebook's latest answered check, by cell, with the
 * source each cell had when it was checked.
 *
 * Findings are compared with the previous answer: `diagnostics` keeps the
 * same array when nothing changed, and `update` names only the cells whose
 * findings (or checked source) changed, so that only their editors update.
 */
export class FindingsStore {
  /**
   * Every finding of the latest answer; the same array while they do not
   * change.
   */
  get diagnostics(): ReadonlyArray<Diagnostic> {
    return this._diagnostics;
  }

  /**
   * The findings about one cell.
   *
   * @param cellId The nbformat cell id.
   */
  forCell(cellId: string): ReadonlyArray<Diagnostic> {
    return this._byCell.get(cellId) ?? NO_FINDINGS;
  }

  /**
   * The source of a cell as the latest answered check saw it.
   *
   * @param cellId The nbformat cell id.
   */
  checkedSource(cellId: string): string | null {
    return this._checkedSources.get(cellId) ?? null;
  }

  /**
   * Hold a new answer.
   *
   * @param diagnostics Its findings.
   * @param sources The source of each cell sent in the check.
   * @returns The ids of the cells whose findings changed, or whose checked
   *   source changed while they have findings.
   */
  update(
    diagnostics: ReadonlyArray<Diagnostic>,
    sources: Map<string, string>
  ): Set<string> {
    const byCell = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      if (d.cell_id !== null) {
        const list = byCell.get(d.cell_id) ?? [];
        list.push(d);
        byCell.set(d.cell_id, list);
      }
    }
    const touched = new Set<string>();
    for (const [id, list] of byCell) {
      const before = this._byCell.get(id);
      if (before === undefined || !sameDiagnostics(before, list)) {
        touched.add(id);
      } else {
        byCell.set(id, before); // the same array: nothing to redo for it
      }
    }
    for (const id of this._byCell.keys()) {
      if (!byCell.has(id)) {
        touched.add(id);
      }
    }
    for (const [id, source] of sources) {
      if (this._checkedSources.get(id) !== source && byCell.has(id)) {
        touched.add(id);
      }
    }
    if (!sameDiagnostics(this._diagnostics, diagnostics)) {
      this._diagnostics = this._reuse(diagnostics, byCell);
    }
    this._byCell = byCell;
    this._checkedSources = sources;
    return touched;
  }

  /**
   * The new answer with the previous objects of every cell whose findings
   * did not change, so that views keyed on a finding (the panel's rows) redo
   * only the changed ones.
   */
  private _reuse(
    diagnostics: ReadonlyArray<Diagnostic>,
    byCell: Map<string, Diagnostic[]>
  ): ReadonlyArray<Diagnostic> {
    const next = new Map<string, number>();
    return diagnostics.map(d => {
      if (d.cell_id === null) {
        return d;
      }
      const list = byCell.get(d.cell_id);
      const i = next.get(d.cell_id) ?? 0;
      next.set(d.cell_id, i + 1);
      return list?.[i] ?? d;
    });
  }

  private _diagnostics: ReadonlyArray<Diagnostic> = [];
  private _byCell = new Map<string, Diagnostic[]>();
  private _checkedSources = new Map<string, string>();
}
