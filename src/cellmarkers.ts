import { Cell } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';

import type { Diagnostic, Severity } from './api';
import {
  formatFinding,
  isQuiet,
  markedFindings,
  worstSeverity
} from './findings';
import { NO_FINDINGS } from './store';
import type { INbGuard } from './tokens';

/**
 * The class of the badge element in a cell.
 */
export const BADGE_CLASS = 'jp-nbguard-CellMarker';

/**
 * The class on a cell node that has findings.
 */
export const MARKED_CLASS = 'jp-nbguard-mod-marked';

const SEVERITY_CLASSES: Readonly<Record<Severity, string>> = {
  error: 'jp-nbguard-mod-error',
  warning: 'jp-nbguard-mod-warning',
  info: 'jp-nbguard-mod-info'
};

/**
 * What a cell's marker says it is, most urgent first: each has its own glyph
 * (style/base.css) and first tooltip line; anything else shows the count only.
 */
export type MarkerKind =
  'verify' | 'stale' | 'out-of-order' | 'edited' | 'other';

const KIND_BY_CODE: ReadonlyArray<[string, MarkerKind]> = [
  ['NBG301', 'verify'],
  ['NBG201', 'stale'],
  ['NBG204', 'out-of-order'],
  ['NBG202', 'edited']
];

/**
 * The kind of a cell's marker, from its problems (not its info findings).
 *
 * @param problems The cell's findings of severity warning or error.
 */
export function markerKind(problems: ReadonlyArray<Diagnostic>): MarkerKind {
  for (const [code, kind] of KIND_BY_CODE) {
    if (problems.some(d => d.code === code)) {
      return kind;
    }
  }
  return 'other';
}

/**
 * The first line of the marker's tooltip for a kind, translated.
 */
function kindLine(trans: TranslationBundle, kind: MarkerKind): string | null {
  switch (kind) {
    case 'verify':
      return trans.__('Did not reproduce in the latest Restart and Verify');
    case 'stale':
      return trans.__('Stale: data it read changed since it ran');
    case 'out-of-order':
      return trans.__('Out of order: it read a value from a cell below');
    case 'edited':
      return trans.__('Edited since it ran');
    default:
      return null;
  }
}

/**
 * Put (or remove) the marker of a cell: a severity class on the cell node and
 * a badge with the number of problems (errors and warnings), whose title lists
 * them. Info findings never mark a cell: a cell whose only findings are info
 * gets no marker; otherwise the title only mentions how many there are.
 *
 * The badge sits in the cell's prompt area, right of JupyterLab's collapser
 * bar (see `.jp-nbguard-CellMarker` in base.css), so it never hides the
 * collapser's active or edited colour.
 *
 * @param cell The cell widget.
 * @param diagnostics The findings about this cell (empty: remove the marker).
 * @param trans The translation bundle.
 */
export function applyCellMarker(
  cell: Cell,
  diagnostics: ReadonlyArray<Diagnostic>,
  trans: TranslationBundle
): void {
  const node = cell.node;
  const problems = markedFindings(diagnostics);
  const quiet = diagnostics.filter(isQuiet).length;
  const worst = worstSeverity(problems);
  for (const [severity, className] of Object.entries(SEVERITY_CLASSES)) {
    node.classList.toggle(className, severity === worst);
  }
  node.classList.toggle(MARKED_CLASS, worst !== null);
  let badge = node.querySelector<HTMLElement>(`:scope > .${BADGE_CLASS}`);
  if (worst === null) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement('div');
    badge.classList.add(BADGE_CLASS);
    badge.setAttribute('role', 'status');
    node.appendChild(badge);
  }
  const kind = markerKind(problems);
  badge.dataset.severity = worst;
  badge.dataset.kind = kind;
  badge.textContent = String(problems.length);
  const lines = problems.map(d => `• ${formatFinding(d)}`);
  if (quiet > 0) {
    lines.push(
      trans._n(
        'and %1 info finding in the nbguard panel',
        'and %1 info findings in the nbguard panel',
        quiet
      )
    );
  }
  const heading = kindLine(trans, kind);
  const title = [
    trans._n('nbguard: %1 problem', 'nbguard: %1 problems', problems.length),
    ...(heading ? [heading] : []),
    ...lines
  ].join('\n');
  badge.title = title;
  badge.setAttribute('aria-label', title);
}

/**
 * Keeps the cell markers of one notebook panel in sync with its findings.
 */
export class CellMarkers implements IDisposable {
  /**
   * Start marking the cells of a panel.
   *
   * @param panel The notebook panel.
   * @param guard The nbguard service.
   * @param trans The translation bundle.
   */
  constructor(
    readonly panel: NotebookPanel,
    private readonly guard: INbGuard,
    private readonly trans: TranslationBundle
  ) {
    // Cell list changes trigger a re-check, whose result refreshes the markers.
    guard.changed.connect(this._onChanged, this);
    this._scheduleRefresh();
  }

  /**
   * Whether the markers are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Remove every marker and stop listening.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.guard.changed.disconnect(this._onChanged, this);
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
    }
    if (!this.panel.isDisposed) {
      for (const cell of this.panel.content.widgets) {
        applyCellMarker(cell, NO_FINDINGS, this.trans);
      }
    }
    this._applied = new WeakMap();
  }

  /**
   * Re-apply the markers of every cell now.
   */
  refresh(): void {
    if (this._isDisposed || this.panel.isDisposed) {
      return;
    }
    const settings = this.guard.settings;
    const findings = this.guard.findings(this.panel);
    const show = settings.enabled && settings.showCellMarkers && findings;
    // The service keeps a cell's array while its findings do not change, and
    // it reports every status change: a cell is rewritten only when its
    // array is not the one last applied (a thousand-cell notebook otherwise
    // rebuilt every badge's tooltip on each run and each keystroke's check).
    const applied = this._applied;
    for (const cell of this.panel.content.widgets) {
      const found = show ? findings.forCell(cell.model.id) : NO_FINDINGS;
      if (applied.get(cell) !== found) {
        applied.set(cell, found);
        applyCellMarker(cell, found, this.trans);
      }
    }
  }

  private _onChanged(_: INbGuard, args: INbGuard.IChangedArgs): void {
    if (args.panel === this.panel) {
      this._scheduleRefresh();
    }
  }

  /**
   * Coalesce refreshes to one per animation frame.
   */
  private _scheduleRefresh(): void {
    if (this._isDisposed || this._frame !== null) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = null;
      this.refresh();
    });
  }

  private _isDisposed = false;
  private _frame: number | null = null;
  /**
   * The findings array each cell's marker was made from.
   */
  private _applied = new WeakMap<Cell, ReadonlyArray<Diagnostic>>();
}
