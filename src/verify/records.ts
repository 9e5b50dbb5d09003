import type { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';

import type { INbGuardVerify, IVerifyRecord } from '../tokens';
import type { VerifySession } from './session';

/**
 * What is known about one notebook's verifications.
 */
interface IEntry {
  running: boolean;
  latest: IVerifyRecord | null;
  /**
   * The session whose report can be opened, until it is dismissed.
   */
  session: VerifySession | null;
}

/**
 * Kernel states after which the kernel no longer holds what a verification
 * ran: it restarted (by hand, or after a crash) or died.
 */
const RESTARTED = new Set(['restarting', 'autorestarting', 'dead']);

/**
 * The record of a session whose comparison is in, null otherwise.
 *
 * @param session The verification.
 */
export function recordOf(session: VerifySession): IVerifyRecord | null {
  const report = session.report;
  if (session.phase !== 'report' || !report) {
    return null;
  }
  return {
    finished: session.finished ?? new Date(),
    reproduced: report.reproduced,
    same: report.same,
    compared: report.compared
  };
}

/**
 * Each open notebook's verification state, for the Notebook Health panel:
 * the plugin tells it when a verification starts, ends, comes back after a
 * reload or is dismissed; it forgets the result when the kernel restarts.
 */
export class VerifyRecords implements INbGuardVerify {
  /**
   * Create the records.
   *
   * @param show Shows a session's report panel (opening it if closed).
   */
  constructor(private readonly _show: (session: VerifySession) => void) {}

  get changed(): ISignal<this, NotebookPanel> {
    return this._changed;
  }

  state(panel: NotebookPanel): INbGuardVerify.IState {
    const entry = this._entries.get(panel);
    return {
      running: entry?.running ?? false,
      latest: entry?.latest ?? null,
      hasReport: !!entry?.session
    };
  }

  openReport(panel: NotebookPanel): boolean {
    const session = this._entries.get(panel)?.session;
    if (!session) {
      return false;
    }
    this._show(session);
    return true;
  }

  /**
   * Follow a notebook: its kernel restarting forgets its result, and the
   * notebook closing forgets it altogether.
   *
   * @param panel The notebook panel.
   */
  watch(panel: NotebookPanel): void {
    const context = panel.sessionContext;
    context.statusChanged.connect((_, status) => {
      if (RESTARTED.has(status)) {
        this._restarted(panel);
      }
    }, this);
    context.kernelChanged.connect((_, change) => {
      // The first connection is not a restart; another kernel is.
      if (change.oldValue !== null) {
        this._restarted(panel);
      }
    }, this);
    panel.disposed.connect(() => {
      this._entries.delete(panel);
    }, this);
  }

  /**
   * A verification of its notebook starts (its restart does not count).
   */
  started(session: VerifySession): void {
    this._update(session.panel, { running: true, latest: null, session });
  }

  /**
   * A verification ended, with a report or not.
   */
  ended(session: VerifySession): void {
    this._update(session.panel, {
      running: false,
      latest: recordOf(session),
      session
    });
  }

  /**
   * A verification kept in the state database came back after a reload.
   */
  resumed(session: VerifySession): void {
    this._update(session.panel, {
      running: false,
      latest: recordOf(session),
      session
    });
  }

  /**
   * The report was dismissed: the result still holds, the report is gone.
   */
  dismissed(session: VerifySession): void {
    const entry = this._entries.get(session.panel);
    if (entry?.session === session) {
      this._update(session.panel, { ...entry, session: null });
    }
  }

  private _restarted(panel: NotebookPanel): void {
    const entry = this._entries.get(panel);
    if (entry && !entry.running && entry.latest) {
      this._update(panel, { ...entry, latest: null });
    }
  }

  private _update(panel: NotebookPanel, entry: IEntry): void {
    this._entries.set(panel, entry);
    this._changed.emit(panel);
  }

  private readonly _entries = new Map<NotebookPanel, IEntry>();
  private readonly _changed = new Signal<this, NotebookPanel>(this);
}
