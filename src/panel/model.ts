import type { Diagnostic, Severity } from '../api';
import { countBySeverity, type IPlacedFinding } from '../findings';

/**
 * How the Health panel groups findings.
 */
export type GroupBy = 'cell' | 'rule';

/**
 * What a group of findings is about.
 *
 * - `notebook`: findings about the notebook or kernel as a whole;
 * - `cell`: findings about one cell of the notebook;
 * - `deleted`: findings about cells no longer in the notebook;
 * - `rule`: findings of one rule, whatever their cell.
 */
export type GroupKind = 'notebook' | 'cell' | 'deleted' | 'rule';

/**
 * One group of the Health panel: a header with counts, then its findings.
 */
export interface IFindingGroup {
  /**
   * A key unique among the groups of one listing (React key, focus memory).
   */
  readonly key: string;
  /**
   * What the group is about.
   */
  readonly kind: GroupKind;
  /**
   * The 0-based page position of the group's cell (kind `cell`), else -1.
   */
  readonly cellIndex: number;
  /**
   * The rule code (kind `rule`), else null.
   */
  readonly code: string | null;
  /**
   * The rule name (kind `rule`), else null.
   */
  readonly rule: string | null;
  /**
   * The findings, in cell order then by position in the cell.
   */
  readonly items: ReadonlyArray<IPlacedFinding>;
  /**
   * How many findings of each severity the group holds.
   */
  readonly counts: Record<Severity, number>;
}

/**
 * Split placed findings into groups, keeping their order.
 *
 * By cell: the notebook-level group first, then one group per cell in page
 * order, then findings about deleted cells. By rule: one group per rule in
 * code order (NBG101 before NBG201), each in cell order.
 *
 * @param placed Findings sorted by `placeFindings`.
 * @param by How to group.
 * @returns The groups; none is empty.
 */
export function groupFindings(
  placed: ReadonlyArray<IPlacedFinding>,
  by: GroupBy
): IFindingGroup[] {
  const groups = new Map<
    string,
    Omit<IFindingGroup, 'counts' | 'items'> & { items: IPlacedFinding[] }
  >();
  for (const item of placed) {
    const { diagnostic, cellIndex } = item;
    let key: string;
    let kind: GroupKind;
    if (by === 'rule') {
      key = `rule:${diagnostic.code}`;
      kind = 'rule';
    } else if (diagnostic.cell_id === null) {
      key = 'notebook';
      kind = 'notebook';
    } else if (cellIndex < 0) {
      key = 'deleted';
      kind = 'deleted';
    } else {
      key = `cell:${cellIndex}`;
      kind = 'cell';
    }
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        kind,
        cellIndex: kind === 'cell' ? cellIndex : -1,
        code: kind === 'rule' ? diagnostic.code : null,
        rule: kind === 'rule' ? diagnostic.rule : null,
        items: []
      };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  const result = [...groups.values()].map(group => ({
    ...group,
    counts: countBySeverity(group.items.map(item => item.diagnostic))
  }));
  if (by === 'rule') {
    result.sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
  } else {
    // Placed findings put notebook-level first and unknown cells last; keep
    // the deleted-cells group last even though its cellIndex is -1.
    const rank = (g: IFindingGroup): number =>
      g.kind === 'notebook'
        ? -1
        : g.kind === 'deleted'
          ? Number.MAX_SAFE_INTEGER
          : g.cellIndex;
    result.sort((a, b) => rank(a) - rank(b));
  }
  return result;
}

/**
 * What the user narrowed the listing to.
 */
export interface IFindingFilter {
  /**
   * The severities shown.
   */
  readonly severities: ReadonlySet<Severity>;
  /**
   * The rule code shown, null for every rule.
   */
  readonly code: string | null;
  /**
   * Text every shown finding contains (case-insensitive, spaces collapsed)
   * in its message, code, rule, one of its names or its cell label.
   */
  readonly text: string;
}

/**
 * The filter that shows everything.
 */
export const NO_FILTER: IFindingFilter = {
  severities: new Set<Severity>(['error', 'warning', 'info']),
  code: null,
  text: ''
};

/**
 * Whether a filter hides nothing.
 *
 * @param filter The filter.
 */
export function isUnfiltered(filter: IFindingFilter): boolean {
  return (
    filter.severities.size === 3 &&
    filter.code === null &&
    filter.text.trim() === ''
  );
}

/**
 * The findings a filter lets through, in the same order.
 *
 * @param placed The findings.
 * @param filter The filter.
 * @param labelOf The cell label of a finding, searched by the text filter.
 * @returns The findings shown.
 */
export function filterFindings(
  placed: ReadonlyArray<IPlacedFinding>,
  filter: IFindingFilter,
  labelOf: (finding: IPlacedFinding) => string
): IPlacedFinding[] {
  const needle = filter.text.trim().replace(/\s+/g, ' ').toLowerCase();
  return placed.filter(item => {
    const d = item.diagnostic;
    if (!filter.severities.has(d.severity)) {
      return false;
    }
    if (filter.code !== null && d.code !== filter.code) {
      return false;
    }
    if (needle === '') {
      return true;
    }
    return [d.message, d.code, d.rule, labelOf(item), ...d.names].some(field =>
      field.toLowerCase().includes(needle)
    );
  });
}

/**
 * The rules present among findings, in code order, for the rule filter.
 *
 * @param diagnostics The findings.
 * @returns `[code, rule name, count]` triples.
 */
export function rulesPresent(
  diagnostics: ReadonlyArray<Diagnostic>
): Array<[string, string, number]> {
  const byCode = new Map<string, [string, string, number]>();
  for (const d of diagnostics) {
    const entry = byCode.get(d.code);
    if (entry) {
      entry[2] += 1;
    } else {
      byCode.set(d.code, [d.code, d.rule, 1]);
    }
  }
  return [...byCode.values()].sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Where the keyboard moves the focus in the list of rows (roving tabindex):
 * arrows move by one, Page keys by `page`, Home and End to the ends. The
 * focus stops at the ends rather than wrapping, as in a listbox.
 *
 * @param current The focused row, -1 if none.
 * @param key The `KeyboardEvent.key`.
 * @param total How many rows there are.
 * @param page How many rows a Page key moves.
 * @returns The row to focus, or null if the key does not move the focus.
 */
export function moveFocus(
  current: number,
  key: string,
  total: number,
  page = 10
): number | null {
  if (total <= 0) {
    return null;
  }
  const clamp = (i: number): number => Math.max(0, Math.min(total - 1, i));
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : clamp(current + 1);
    case 'ArrowUp':
      return current < 0 ? total - 1 : clamp(current - 1);
    case 'PageDown':
      return clamp(Math.max(current, 0) + page);
    case 'PageUp':
      return clamp(Math.max(current, 0) - page);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    default:
      return null;
  }
}

/**
 * How many rows to render at a time when the list is long. Rendering 2,000
 * rows at once costs hundreds of milliseconds; a window of 200 stays light.
 */
export const ROW_WINDOW = 200;

/**
 * The rows rendered: `start` inclusive, `end` exclusive.
 */
export interface IRowRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The window of rows to render so that row `focus` is rendered with a
 * margin around it. Stepping towards an edge of the window extends it (up to
 * three windows, dropping rows at the far side); a jump elsewhere (End, a
 * filter) renders one window around the focus.
 *
 * @param range The rows rendered now.
 * @param focus The row that must be rendered, -1 if none.
 * @param total How many rows there are.
 * @returns The rows to render (within 0 and `total`).
 */
export function rangeFor(
  range: IRowRange,
  focus: number,
  total: number
): IRowRange {
  const margin = 10;
  const clamp = (start: number, end: number): IRowRange => ({
    start: Math.max(0, Math.min(start, total)),
    end: Math.max(0, Math.min(end, total))
  });
  if (focus < 0 || focus >= total) {
    return clamp(range.start, range.end);
  }
  const nearEnd = focus >= range.end - margin && range.end < total;
  const nearStart = focus < range.start + margin && range.start > 0;
  if (focus >= range.start && focus < range.end && !nearEnd && !nearStart) {
    return clamp(range.start, range.end);
  }
  if (nearEnd && focus >= range.start && focus < range.end + margin) {
    const end = range.end + ROW_WINDOW;
    return clamp(Math.max(range.start, end - 3 * ROW_WINDOW), end);
  }
  if (nearStart && focus < range.end && focus >= range.start - margin) {
    const start = range.start - ROW_WINDOW;
    return clamp(start, Math.min(range.end, start + 3 * ROW_WINDOW));
  }
  const start = Math.max(
    0,
    Math.min(focus - ROW_WINDOW / 2, total - ROW_WINDOW)
  );
  return clamp(start, start + ROW_WINDOW);
}

/**
 * A name live in the kernel that no cell of the notebook defines (from the
 * notebook-level NBG203 finding), with the finding narrowed to that name so
 * quick actions (delete from kernel) apply to it alone.
 */
export interface IOrphan {
  /**
   * The name.
   */
  readonly name: string;
  /**
   * The notebook-level NBG203 finding, with `names` and `related` narrowed
   * to this name.
   */
  readonly diagnostic: Diagnostic;
}

/**
 * The orphan names of a check, in the order the server lists them.
 *
 * @param diagnostics The findings of the notebook.
 * @returns One entry per orphan name.
 */
export function orphansOf(diagnostics: ReadonlyArray<Diagnostic>): IOrphan[] {
  const result: IOrphan[] = [];
  const seen = new Set<string>();
  for (const d of diagnostics) {
    if (d.code !== 'NBG203' || d.cell_id !== null) {
      continue;
    }
    for (const name of d.names) {
      if (seen.has(name)) {
        continue;
      }
      seen.add(name);
      const quoted = `'${name}'`;
      result.push({
        name,
        diagnostic: {
          ...d,
          names: [name],
          related: d.related.filter(r => r.message.includes(quoted))
        }
      });
    }
  }
  return result;
}
