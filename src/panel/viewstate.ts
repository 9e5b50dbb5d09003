import type { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONValue } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import type { Severity } from '../api';
import { NO_FILTER, type GroupBy, type IFindingFilter } from './model';

/**
 * The key of the Health panel's view choices in JupyterLab's state
 * database (restored with the workspace, like the panel itself).
 */
export const VIEW_STATE_KEY = 'jupyterlab-nbguard:panel-view';

const SEVERITIES: ReadonlyArray<Severity> = ['error', 'warning', 'info'];

/**
 * What the user chose to see in the Health panel: grouping and filters.
 */
export interface IPanelView {
  /**
   * How findings are grouped.
   */
  readonly groupBy: GroupBy;
  /**
   * What the listing is narrowed to.
   */
  readonly filter: IFindingFilter;
}

/**
 * The view that shows everything, grouped by cell.
 */
export const DEFAULT_VIEW: IPanelView = { groupBy: 'cell', filter: NO_FILTER };

/**
 * The view as JSON for the state database (a set is not JSON).
 *
 * @param view The view.
 * @returns Its JSON form.
 */
export function viewToJSON(view: IPanelView): ReadonlyPartialJSONValue {
  return {
    groupBy: view.groupBy,
    severities: SEVERITIES.filter(s => view.filter.severities.has(s)),
    code: view.filter.code,
    text: view.filter.text
  };
}

/**
 * Read a view saved by `viewToJSON`, keeping the default for any part that
 * is missing or malformed (a workspace edited by hand, an older version).
 *
 * @param value What the state database held.
 * @returns The view.
 */
export function viewFromJSON(
  value: ReadonlyPartialJSONValue | undefined
): IPanelView {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return DEFAULT_VIEW;
  }
  const saved = value as { [key: string]: ReadonlyPartialJSONValue };
  const groupBy: GroupBy = saved.groupBy === 'rule' ? 'rule' : 'cell';
  const severities = Array.isArray(saved.severities)
    ? new Set(
        SEVERITIES.filter(s => (saved.severities as unknown[]).includes(s))
      )
    : NO_FILTER.severities;
  const code =
    typeof saved.code === 'string' && saved.code !== '' ? saved.code : null;
  const text = typeof saved.text === 'string' ? saved.text : '';
  return { groupBy, filter: { severities, code, text } };
}

/**
 * The Health panel's grouping and filters, kept apart from the list that
 * shows them: the list re-mounts when it empties (the calm state replaces
 * it) and shows another notebook's findings on a tab switch, and the user's
 * choices must survive both. With a state database they also survive a
 * reload.
 */
export class PanelViewState {
  /**
   * Create the state.
   *
   * @param options Where to persist it, if anywhere.
   */
  constructor(options: PanelViewState.IOptions = {}) {
    this._db = options.state ?? null;
  }

  /**
   * The current view.
   */
  get view(): IPanelView {
    return this._view;
  }

  /**
   * Emitted when the view changes.
   */
  get changed(): ISignal<this, IPanelView> {
    return this._changed;
  }

  /**
   * Resolves once a saved view has been read (or there was none to read).
   */
  get restored(): Promise<void> {
    return this._restored;
  }

  /**
   * Read the view saved in the state database. A choice the user made
   * before it answers wins over the saved one.
   */
  restore(): Promise<void> {
    const db = this._db;
    if (db === null) {
      return this._restored;
    }
    this._restored = db
      .fetch(VIEW_STATE_KEY)
      .then(value => {
        if (!this._touched && value !== undefined) {
          this._set(viewFromJSON(value), false);
        }
      })
      .catch(reason => {
        console.warn('nbguard: could not read the panel view.', reason);
      });
    return this._restored;
  }

  /**
   * Group findings by cell or rule.
   *
   * @param groupBy How to group.
   */
  setGroupBy(groupBy: GroupBy): void {
    if (groupBy !== this._view.groupBy) {
      this._set({ ...this._view, groupBy }, true);
    }
  }

  /**
   * Narrow the listing.
   *
   * @param filter The filter.
   */
  setFilter(filter: IFindingFilter): void {
    this._set({ ...this._view, filter }, true);
  }

  private _set(view: IPanelView, byUser: boolean): void {
    this._view = view;
    if (byUser) {
      this._touched = true;
      this._db?.save(VIEW_STATE_KEY, viewToJSON(view)).catch(reason => {
        console.warn('nbguard: could not save the panel view.', reason);
      });
    }
    this._changed.emit(view);
  }

  private readonly _db: IStateDB | null;
  private _view: IPanelView = DEFAULT_VIEW;
  private _touched = false;
  private _restored: Promise<void> = Promise.resolve();
  private readonly _changed = new Signal<this, IPanelView>(this);
}

/**
 * Types of the panel view state.
 */
export namespace PanelViewState {
  /**
   * Options to create the state.
   */
  export interface IOptions {
    /**
     * JupyterLab's state database; without it the view lasts the session.
     */
    state?: IStateDB | null;
  }
}
