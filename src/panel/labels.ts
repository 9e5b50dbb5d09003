import { TranslationBundle } from '@jupyterlab/translation';

import type { Diagnostic, Range, Related } from '../api';
import type { ICellRef } from '../findings';

/**
 * Where a reference to a cell points.
 *
 * - `cell`: a cell of the notebook, at 0-based page position `index`;
 * - `deleted`: a cell that is no longer in the notebook;
 * - `outside`: code run outside the notebook (a console, another client);
 * - `notebook`: the notebook or kernel as a whole.
 */
export type CellTarget =
  | { readonly kind: 'cell'; readonly index: number; readonly id: string }
  | { readonly kind: 'deleted' }
  | { readonly kind: 'outside' }
  | { readonly kind: 'notebook' };

/**
 * Index the cells of a notebook by id.
 *
 * @param cells The cells in page order.
 * @returns Their 0-based page positions by id.
 */
export function positionsById(
  cells: ReadonlyArray<ICellRef>
): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  cells.forEach((cell, index) => map.set(cell.id, index));
  return map;
}

/**
 * Where a finding's own cell is.
 *
 * @param diagnostic The finding.
 * @param positions Page positions by cell id.
 */
export function findingTarget(
  diagnostic: Diagnostic,
  positions: ReadonlyMap<string, number>
): CellTarget {
  if (diagnostic.cell_id === null) {
    return { kind: 'notebook' };
  }
  const index = positions.get(diagnostic.cell_id);
  return index === undefined
    ? { kind: 'deleted' }
    : { kind: 'cell', index, id: diagnostic.cell_id };
}

/**
 * Where a related location of a finding is.
 *
 * @param related The related location.
 * @param positions Page positions by cell id.
 */
export function relatedTarget(
  related: Related,
  positions: ReadonlyMap<string, number>
): CellTarget {
  if (related.cell_id === null) {
    return { kind: 'outside' };
  }
  const index = positions.get(related.cell_id);
  return index === undefined
    ? { kind: 'deleted' }
    : { kind: 'cell', index, id: related.cell_id };
}

/**
 * How every nbguard surface names a cell: by its 1-based position among all
 * the cells of the page, markdown included (`cell 4`), as the server's
 * messages and the command line do. Never by its execution count: `[4]` reads
 * as the prompt of another cell.
 *
 * @param trans The translation bundle.
 * @param target Where the reference points.
 * @returns The label.
 */
export function targetLabel(
  trans: TranslationBundle,
  target: CellTarget
): string {
  switch (target.kind) {
    case 'cell':
      return trans.__('cell %1', target.index + 1);
    case 'deleted':
      return trans.__('a deleted cell');
    case 'outside':
      return trans.__('outside the notebook');
    default:
      return trans.__('notebook');
  }
}

/**
 * One piece of a message: text, or a reference to a cell to render as a link.
 */
export type MessagePart =
  | { readonly text: string }
  | { readonly text: string; readonly cellIndex: number };

/**
 * Split a message so that its cell references become links: `cell 4` (a
 * page position) points at the fourth cell. A reference by execution count,
 * `cell [7]`, points at the cell of a related location with that count, the
 * one the server meant; other text stays text.
 *
 * @param message The finding's message.
 * @param related The finding's related locations.
 * @param positions Page positions by cell id.
 * @param cellCount How many cells the notebook has.
 * @returns The parts, in order; their texts joined give the message.
 */
export function linkCellReferences(
  message: string,
  related: ReadonlyArray<Related>,
  positions: ReadonlyMap<string, number>,
  cellCount: number
): MessagePart[] {
  const parts: MessagePart[] = [];
  const pattern = /\bcell (\d+|\[\d+\])/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(message)) !== null) {
    const index = referencedIndex(match[1], related, positions, cellCount);
    if (index === null) {
      continue;
    }
    const start = match.index;
    if (start > last) {
      parts.push({ text: message.slice(last, start) });
    }
    parts.push({ text: match[0], cellIndex: index });
    last = start + match[0].length;
  }
  if (last < message.length) {
    parts.push({ text: message.slice(last) });
  }
  return parts;
}

/**
 * The page position a `4` or `[7]` of a message refers to, null if none.
 */
function referencedIndex(
  ref: string,
  related: ReadonlyArray<Related>,
  positions: ReadonlyMap<string, number>,
  cellCount: number
): number | null {
  if (ref.startsWith('[')) {
    const count = Number(ref.slice(1, -1));
    const hit = related.find(
      r => r.execution_count === count && r.cell_id !== null
    );
    const index = hit?.cell_id ? positions.get(hit.cell_id) : undefined;
    return index ?? null;
  }
  const position = Number(ref);
  return position >= 1 && position <= cellCount ? position - 1 : null;
}

/**
 * The range to select when jumping to a related cell: the first place its
 * source names one of the finding's names as a whole word (where it is
 * bound, when it is), else null (the cell alone is shown).
 *
 * @param source The related cell's source.
 * @param names The finding's names.
 * @returns The range in line and UTF-16 column, or null.
 */
export function nameRange(
  source: string,
  names: ReadonlyArray<string>
): Range | null {
  const lines = source.split('\n');
  for (const name of names) {
    const root = name.split('.')[0];
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(root)) {
      continue;
    }
    const word = new RegExp(
      `(?<![\\p{L}\\p{N}_.])${root}(?![\\p{L}\\p{N}_])`,
      'u'
    );
    const binding = new RegExp(
      `${word.source}\\s*(?:[-+*/%&|^@]|//|\\*\\*|<<|>>)?=(?!=)`,
      'u'
    );
    for (const pattern of [binding, word]) {
      for (let line = 0; line < lines.length; line++) {
        const match = pattern.exec(lines[line]);
        if (match) {
          return {
            start: { line, column: match.index },
            end: { line, column: match.index + root.length }
          };
        }
      }
    }
  }
  return null;
}
