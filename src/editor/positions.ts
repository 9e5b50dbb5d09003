import { Text } from '@codemirror/state';

/**
 * A 0-based position in a cell source, as the nbguard REST API sends it.
 *
 * `column` counts UTF-16 code units, which is what CodeMirror offsets within a
 * line count as well.
 */
export interface IPosition {
  /**
   * 0-based line number.
   */
  line: number;
  /**
   * 0-based column in UTF-16 code units.
   */
  column: number;
}

/**
 * A span between two positions.
 */
export interface IRange {
  /**
   * Where the span starts.
   */
  start: IPosition;
  /**
   * Where the span ends (exclusive).
   */
  end: IPosition;
}

/**
 * A span between two document offsets, with `from <= to`.
 */
export interface IOffsetRange {
  /**
   * Start offset, in UTF-16 code units from the start of the document.
   */
  from: number;
  /**
   * End offset, in UTF-16 code units from the start of the document.
   */
  to: number;
}

/**
 * Build a CodeMirror document from a cell source.
 *
 * Line breaks are split the way CodeMirror splits them by default (`\n`,
 * `\r\n` and `\r`), so offsets agree with those of a JupyterLab editor.
 *
 * @param source The cell source, or an existing document.
 * @returns The document.
 */
export function toText(source: string | Text): Text {
  if (typeof source !== 'string') {
    return source;
  }
  return Text.of(source.split(/\r\n?|\n/));
}

/**
 * Coerce a number coming from the server to a non-negative integer.
 */
function toIndex(value: number): number {
  if (!Number.isFinite(value)) {
    return value === Infinity ? Number.MAX_SAFE_INTEGER : 0;
  }
  return Math.max(0, Math.trunc(value));
}

/**
 * Clamp a position to the document: a line past the end goes to the end of the
 * last line, a column past the end of its line goes to the end of that line.
 *
 * Never throws, whatever the input.
 *
 * @param doc The document (or source) the position refers to.
 * @param position The position to clamp.
 * @returns A position that exists in the document.
 */
export function clampPosition(
  doc: string | Text,
  position: IPosition
): IPosition {
  const text = toText(doc);
  const line = toIndex(position.line);
  if (line >= text.lines) {
    const last = text.line(text.lines);
    return { line: text.lines - 1, column: last.length };
  }
  const lineInfo = text.line(line + 1);
  return { line, column: Math.min(toIndex(position.column), lineInfo.length) };
}

/**
 * Convert a position to an offset in the document, clamping it to the
 * document first.
 *
 * @param doc The document (or source) the position refers to.
 * @param position The position.
 * @returns The offset, between 0 and `doc.length` inclusive.
 */
export function positionToOffset(
  doc: string | Text,
  position: IPosition
): number {
  const text = toText(doc);
  const clamped = clampPosition(text, position);
  return text.line(clamped.line + 1).from + clamped.column;
}

/**
 * Convert an offset in the document to a position, clamping it to the
 * document first.
 *
 * @param doc The document (or source).
 * @param offset The offset.
 * @returns The position of that offset.
 */
export function offsetToPosition(
  doc: string | Text,
  offset: number
): IPosition {
  const text = toText(doc);
  const clamped = Math.min(toIndex(offset), text.length);
  const line = text.lineAt(clamped);
  return { line: line.number - 1, column: clamped - line.from };
}

/**
 * Convert a range to document offsets, clamping both ends to the document.
 *
 * A reversed range is put in order.
 *
 * @param doc The document (or source) the range refers to.
 * @param range The range.
 * @returns The offsets, with `from <= to`.
 */
export function rangeToOffsets(
  doc: string | Text,
  range: IRange
): IOffsetRange {
  const text = toText(doc);
  const a = positionToOffset(text, range.start);
  const b = positionToOffset(text, range.end);
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

/**
 * Compare two positions.
 *
 * @returns A negative number if `a` comes first, positive if `b` does, 0 if equal.
 */
export function comparePositions(a: IPosition, b: IPosition): number {
  return a.line - b.line || a.column - b.column;
}
