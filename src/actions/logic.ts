import type { Diagnostic, MoveCellFix } from '../_schema';

/**
 * The pure decisions behind the quick actions: which cells, which index,
 * which text. Which code restores a name and where a definition belongs are
 * the server's analysis (a diagnostic's `fix`); this module only maps those
 * answers onto the notebook as it is now.
 */

/**
 * The rule codes whose findings the quick actions know.
 */
export const CODES = {
  useBeforeDef: 'NBG101',
  stale: 'NBG201',
  deletedButLive: 'NBG203',
  superseded: 'NBG209'
} as const;

/**
 * The tag a restored cell carries (shown by JupyterLab's property inspector).
 */
export const RESTORED_TAG = 'nbguard-restored';

/**
 * The ids of the cells that have a finding with `code`, in page order.
 *
 * @param cellIds The ids of the notebook's cells, in page order.
 * @param diagnostics The notebook's findings.
 * @param code The rule code, e.g. `NBG201`.
 * @returns Each such cell once, in the order of `cellIds`; cells no longer
 *   in the notebook are left out.
 */
export function cellsWithFinding(
  cellIds: ReadonlyArray<string>,
  diagnostics: ReadonlyArray<Diagnostic>,
  code: string
): string[] {
  const flagged = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.code === code && diagnostic.cell_id !== null) {
      flagged.add(diagnostic.cell_id);
    }
  }
  return cellIds.filter(id => flagged.has(id));
}

/**
 * Where a new cell goes so that it comes right above `beforeCellId`.
 *
 * @param cellIds The ids of the notebook's cells, in page order.
 * @param beforeCellId The cell to insert above; null means at the end.
 * @returns The insertion index, or null if that cell is no longer in the
 *   notebook (the finding is out of date: better do nothing than guess).
 */
export function insertionIndex(
  cellIds: ReadonlyArray<string>,
  beforeCellId: string | null
): number | null {
  if (beforeCellId === null) {
    return cellIds.length;
  }
  const index = cellIds.indexOf(beforeCellId);
  return index < 0 ? null : index;
}

/**
 * The `from` and `to` of a move that puts one cell right above another, as
 * `NotebookActions.moveCells` takes them.
 *
 * @param cellIds The ids of the notebook's cells, in page order.
 * @param fix The server's move (the cell and the cell to go above).
 * @returns The indices, or null if either cell is gone or the cell already
 *   comes before the target.
 */
export function moveIndices(
  cellIds: ReadonlyArray<string>,
  fix: MoveCellFix
): { from: number; to: number } | null {
  const from = cellIds.indexOf(fix.cell_id);
  const before = cellIds.indexOf(fix.before_cell_id);
  if (from < 0 || before < 0 || from < before) {
    return null;
  }
  return { from, to: before };
}

/**
 * The `# nbguard: ignore` comment as the engine reads it
 * (`jupyterlab_nbguard/engine/suppression.py`, same pattern).
 */
const IGNORE_COMMENT = /#\s*nbguard:\s*ignore(?:\[([^\]]*)\])?/i;

/**
 * A text edit within one line.
 */
export interface ILineEdit {
  /**
   * The first replaced character (UTF-16 offset in the line).
   */
  readonly from: number;
  /**
   * The end of the replaced characters.
   */
  readonly to: number;
  /**
   * The new text.
   */
  readonly insert: string;
}

/**
 * The edit that makes a line say `# nbguard: ignore[CODE]`.
 *
 * A line without such a comment gets one at its end, after any comment it
 * has (the engine finds the marker anywhere in the line); a line whose
 * comment ignores other codes gets the code added to its list.
 *
 * @param line The text of the line (without its newline).
 * @param code The rule code to ignore there.
 * @returns The edit, or null if the line already ignores that code (or
 *   everything), or ends in a backslash continuation, where a comment would
 *   break the code.
 */
export function ignoreEdit(line: string, code: string): ILineEdit | null {
  const match = IGNORE_COMMENT.exec(line);
  if (match) {
    const codes: string | undefined = match[1];
    if (codes === undefined) {
      return null;
    }
    const listed = codes
      .split(',')
      .map(c => c.trim())
      .filter(c => c.length > 0);
    if (listed.some(c => code.toUpperCase().startsWith(c.toUpperCase()))) {
      return null;
    }
    const close = match.index + match[0].length - 1;
    const start = close - codes.length;
    return {
      from: start,
      to: close,
      insert: [...listed, code].join(', ')
    };
  }
  const end = line.replace(/\s+$/, '').length;
  if (line.slice(0, end).endsWith('\\')) {
    return null;
  }
  return {
    from: end,
    to: line.length,
    insert: `${end > 0 ? '  ' : ''}# nbguard: ignore[${code}]`
  };
}

/**
 * The offset in a source of the start of one of its lines.
 *
 * @param source The cell source.
 * @param line The 0-based line number.
 * @returns The offset, or null if the source has fewer lines.
 */
export function lineStart(source: string, line: number): number | null {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = source.indexOf('\n', offset);
    if (next < 0) {
      return null;
    }
    offset = next + 1;
  }
  return offset;
}

/**
 * Apply `ignoreEdit` to one line of a cell source.
 *
 * @param source The cell source.
 * @param line The 0-based line of the finding.
 * @param code The rule code to ignore.
 * @returns The edit in source offsets, or null if there is nothing to do.
 */
export function ignoreEditInSource(
  source: string,
  line: number,
  code: string
): ILineEdit | null {
  const start = lineStart(source, line);
  if (start === null) {
    return null;
  }
  const newline = source.indexOf('\n', start);
  const text = source.slice(start, newline < 0 ? source.length : newline);
  const edit = ignoreEdit(text, code);
  return edit
    ? { from: start + edit.from, to: start + edit.to, insert: edit.insert }
    : null;
}

/**
 * Whether a name can be deleted with `del name` as it is: a Python
 * identifier, nothing that would run other code.
 *
 * @param name The name.
 */
export function isDeletableName(name: string): boolean {
  return /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(name);
}
