import type { Diagnostic } from './api';

/**
 * A `check` answer as the server sends it: in full, or relative to an answer
 * the client holds (`since`, `changed_cells`, `cells`; see docs/api.md).
 */
export interface IAnswer {
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  readonly revision?: string;
  readonly since?: string;
  readonly changed_cells?: ReadonlyArray<string | null>;
  readonly cells?: ReadonlyArray<string | null>;
}

type Groups = Map<string | null, Diagnostic[]>;

/**
 * The last few answers one notebook's checks received, to rebuild relative
 * answers into the full list.
 *
 * The server groups findings by cell and says, in a relative answer, which
 * cells' findings changed and in which order the cells with findings come, so
 * rebuilding is concatenation: this never sorts or filters findings (the
 * server owns their order). Several answers are kept because a check may be
 * answered relative to an older one than the newest held (requests overlap).
 */
export class HeldAnswers {
  constructor(private readonly _keep = 4) {}

  /**
   * The revision to send as `since`: the newest answer held, if any.
   */
  get latest(): string | null {
    return this._order.length ? this._order[this._order.length - 1] : null;
  }

  /**
   * Take in an answer and return its full list of findings, or null when it
   * is relative to an answer no longer held (ask again without `since`).
   */
  absorb(answer: IAnswer): Diagnostic[] | null {
    let groups: Groups;
    if (answer.since === undefined) {
      groups = group(answer.diagnostics);
    } else {
      const base = this._held.get(answer.since);
      if (!base || !answer.changed_cells || !answer.cells) {
        return null;
      }
      groups = new Map(base);
      for (const cell of answer.changed_cells) {
        groups.delete(cell);
      }
      for (const [cell, found] of group(answer.diagnostics)) {
        groups.set(cell, found);
      }
      groups = new Map(
        answer.cells.map(cell => [cell, groups.get(cell) ?? []])
      );
    }
    if (answer.revision !== undefined) {
      this._remember(answer.revision, groups);
    }
    return ([] as Diagnostic[]).concat(...groups.values());
  }

  /**
   * Forget every answer (the server may have restarted, or the notebook moved).
   */
  clear(): void {
    this._held.clear();
    this._order.length = 0;
  }

  private _remember(revision: string, groups: Groups): void {
    this._held.set(revision, groups);
    this._order.push(revision);
    while (this._order.length > this._keep) {
      this._held.delete(this._order.shift()!);
    }
  }

  private readonly _held = new Map<string, Groups>();
  private readonly _order: string[] = [];
}

/**
 * Findings by cell, in the order they come (Map keeps insertion order).
 */
function group(diagnostics: ReadonlyArray<Diagnostic>): Groups {
  const groups: Groups = new Map();
  for (const d of diagnostics) {
    const cell = d.cell_id ?? null;
    const found = groups.get(cell);
    if (found) {
      found.push(d);
    } else {
      groups.set(cell, [d]);
    }
  }
  return groups;
}
