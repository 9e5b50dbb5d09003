import { ILabShell } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import type { Severity } from './api';
import { countBySeverity, describeCounts, severityLabel } from './findings';
import { SEVERITY_ICONS, shieldIcon } from './icons';
import { EXTENSION_ID, type INbGuard } from './tokens';

const SEVERITIES: ReadonlyArray<Severity> = ['error', 'warning', 'info'];

/**
 * The status bar item: finding counts of the current notebook per severity.
 * Clicking it opens the findings panel.
 */
export class FindingsStatus extends ReactWidget {
  /**
   * Create the item.
   *
   * @param options The service, tracker, translation and click handler.
   */
  constructor(private readonly options: FindingsStatus.IOptions) {
    super();
    this.addClass('jp-nbguard-Status');
    options.guard.changed.connect(this._onChanged, this);
    options.tracker.currentChanged.connect(this._onCurrentChanged, this);
  }

  /**
   * Emitted when whether the item should show changes.
   */
  get activeStateChanged(): ISignal<this, void> {
    return this._activeStateChanged;
  }

  /**
   * Stop listening and dispose the item.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.options.guard.changed.disconnect(this._onChanged, this);
    this.options.tracker.currentChanged.disconnect(
      this._onCurrentChanged,
      this
    );
    super.dispose();
  }

  /**
   * Render the counts.
   */
  protected render(): JSX.Element | null {
    const { guard, tracker, trans, onClick } = this.options;
    const panel = tracker.currentWidget;
    const findings = panel ? guard.findings(panel) : null;
    const counts = countBySeverity(findings?.diagnostics ?? []);
    const summary = trans.__(
      'nbguard: %1. Click to show the findings.',
      describeCounts(counts, trans)
    );
    return (
      <button
        type="button"
        className="jp-nbguard-Status-button"
        title={summary}
        aria-label={summary}
        onClick={onClick}
      >
        <shieldIcon.react tag="span" className="jp-nbguard-Status-icon" />
        <span className="jp-nbguard-Status-label">{trans.__('nbguard')}</span>
        {SEVERITIES.map(severity => {
          const Icon = SEVERITY_ICONS[severity];
          return (
            <span
              key={severity}
              className="jp-nbguard-Status-count"
              title={severityLabel(trans, severity)}
            >
              <Icon.react tag="span" className="jp-nbguard-Status-icon" />
              {counts[severity]}
            </span>
          );
        })}
      </button>
    );
  }

  private _onChanged(_: INbGuard, args: INbGuard.IChangedArgs): void {
    if (args.panel === this.options.tracker.currentWidget) {
      this.update();
    }
  }

  private _onCurrentChanged(): void {
    this.update();
    this._activeStateChanged.emit();
  }

  private readonly _activeStateChanged = new Signal<this, void>(this);
}

/**
 * Types of the status bar item.
 */
export namespace FindingsStatus {
  /**
   * Options to create the item.
   */
  export interface IOptions {
    /**
     * The nbguard service.
     */
    guard: INbGuard;
    /**
     * The notebook tracker.
     */
    tracker: INotebookTracker;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * Called when the item is clicked.
     */
    onClick: () => void;
  }
}

/**
 * Add the findings counts to the status bar; shown only while a notebook is
 * the current widget.
 *
 * @param statusBar The status bar.
 * @param options The item options.
 * @param labShell The lab shell, to follow the current widget.
 */
export function addStatusItem(
  statusBar: IStatusBar,
  options: FindingsStatus.IOptions,
  labShell: ILabShell | null
): FindingsStatus {
  const item = new FindingsStatus(options);
  const isActive = (): boolean => {
    const panel = options.tracker.currentWidget;
    if (panel === null) {
      return false;
    }
    return labShell === null || labShell.currentWidget === panel;
  };
  if (labShell) {
    labShell.currentChanged.connect(() => item.update(), item);
  }
  statusBar.registerStatusItem(`${EXTENSION_ID}:status`, {
    item,
    align: 'left',
    rank: 4,
    isActive,
    activeStateChanged: mergeSignals(item, labShell)
  });
  return item;
}

/**
 * A signal emitted when either the item or the shell's current widget changes.
 */
function mergeSignals(
  item: FindingsStatus,
  labShell: ILabShell | null
): ISignal<FindingsStatus, void> {
  const merged = new Signal<FindingsStatus, void>(item);
  item.activeStateChanged.connect(() => merged.emit());
  labShell?.currentChanged.connect(() => merged.emit(), item);
  item.disposed.connect(() => Signal.clearData(item));
  return merged;
}
