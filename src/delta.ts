import type { CheckCell, CheckRequest, Diagnostic } from './api';

/**
 * A `check` request relative to an answer held: `since` names it, and a cell
 * whose source is the one sent for that answer leaves it out.
 */
export interface IRelativeRequest extends Omit<CheckRequest, 'cells'> {
  readonly since: string;
  readonly cells: ReadonlyArray<
    Omit<CheckCell, 'source'> & { source?: string }
  >;
}

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
 * What is held per answer: its findings by cell, and the sources sent for it.
 */
interface IHeld {
  readonly groups: Groups;
  readonly sources: ReadonlyMap<string, string>;
}

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
   * `body` relative to the newest answer held: with `since`, and without the
   * sources sent unchanged for it. `body` itself when nothing is held.
   */
  relative(body: CheckRequest): CheckRequest | IRelativeRequest {
    const since = this.latest;
    const base = since === null ? undefined : this._held.get(since);
    if (since === null || !base) {
      return body;
    }
    const cells = body.cells.map(cell => {
      if (base.sources.get(cell.id) !== cell.source) {
        return cell;
      }
      const rest: Omit<CheckCell, 'source'> & { source?: string } = { ...cell };
      delete rest.source;
      return rest;
    });
    return { ...body, since, cells };
  }

  /**
   * Take in an answer and return its full list of findings, or null when it
   * is relative to an answer no longer held (ask again without `since`).
   *
   * @param answer The server's answer.
   * @param sources The sources (by cell id) the request stood for.
   */
  absorb(
    answer: IAnswer,
    sources: ReadonlyMap<string, string> = new Map()
  ): Diagnostic[] | null {
    let groups: Groups;
    if (answer.since === undefined) {
      groups = group(answer.diagnostics);
    } else {
      const base = this._held.get(answer.since)?.groups;
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
      this._remember(answer.revision, { groups, sources });
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

  private _remember(revision: string, held: IHeld): void {
    this._held.set(revision, held);
    this._order.push(revision);
    while (this._order.length > this._keep) {
      this._held.delete(this._order.shift()!);
    }
  }

  private readonly _held = new Map<string, IHeld>();
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
