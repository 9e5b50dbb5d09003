import { ILabShell } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import type { Severity } from './api';
import {
  countBySeverity,
  describeCounts,
  listedFindings,
  severityLabel
} from './findings';
import { SEVERITY_ICONS, shieldIcon } from './icons';
import type { INbGuardSettings } from './settings';
import { EXTENSION_ID, type INbGuard, type INotebookFindings } from './tokens';

const SEVERITIES: ReadonlyArray<Severity> = ['error', 'warning', 'info'];

/**
 * The tooltip of the status item: what was checked, when, and what was found
 * (or why checking is off or failing), and what a click does.
 *
 * @param trans The translation bundle.
 * @param path The notebook's path.
 * @param findings The notebook's findings, null if it is not tracked.
 * @param settings The current settings.
 * @returns One or two lines.
 */
export function statusSummary(
  trans: TranslationBundle,
  path: string,
  findings: INotebookFindings | null,
  settings: Pick<INbGuardSettings, 'enabled' | 'showInfo'>
): string {
  const click = trans.__('Click to open the nbguard panel.');
  if (!settings.enabled || findings?.status === 'disabled') {
    return `${trans.__(
      'nbguard is off: notebooks are not checked (Settings → nbguard → Enabled).'
    )} ${click}`;
  }
  if (!findings) {
    return trans.__('nbguard: no notebook is checked here.');
  }
  const check = findings.lastCheck;
  let checked: string;
  if (check === null) {
    checked = trans.__('nbguard has not checked %1 yet.', path);
  } else {
    const time = check.time.toLocaleTimeString();
    const what = trans._n('%1 cell', '%1 cells', check.cells);
    checked = check.withKernel
      ? trans.__(
          'nbguard checked %1 (%2, against its kernel history) at %3',
          path,
          what,
          time
        )
      : trans.__(
          'nbguard checked %1 (%2, no kernel: saved counts) at %3',
          path,
          what,
          time
        );
    const counts = countBySeverity(
      listedFindings(findings.diagnostics, settings.showInfo)
    );
    checked = `${checked}: ${describeCounts(
      counts,
      trans,
      settings.showInfo !== 'off'
    )}.`;
  }
  const lines = [checked];
  if (findings.error) {
    lines.push(trans.__('The last check failed: %1', findings.error));
  } else if (findings.status === 'checking') {
    lines.push(trans.__('Checking…'));
  }
  return `${lines.join('\n')}\n${click}`;
}

/**
 * The status bar item: finding counts of the current notebook per severity
 * (info counted apart), or that nbguard is off or failing. Clicking it opens
 * the findings panel.
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
   * Render the item: "nbguard off" while disabled, "check failed" after a
   * failed check, else the counts (errors and warnings, then info apart and
   * quiet, unless info is hidden).
   */
  protected render(): JSX.Element | null {
    const { guard, tracker, trans, onClick } = this.options;
    const panel = tracker.currentWidget;
    const findings = panel ? guard.findings(panel) : null;
    const settings = guard.settings;
    const summary = statusSummary(
      trans,
      panel?.context.path ?? '',
      findings,
      settings
    );
    let body: JSX.Element | JSX.Element[];
    let state: string;
    if (!settings.enabled || findings?.status === 'disabled') {
      state = 'off';
      body = <span className="jp-nbguard-Status-state">{trans.__('off')}</span>;
    } else if (findings?.error) {
      state = 'failed';
      body = (
        <span className="jp-nbguard-Status-state">
          {trans.__('check failed')}
        </span>
      );
    } else {
      state = findings?.status === 'checking' ? 'checking' : 'idle';
      const counts = countBySeverity(
        listedFindings(findings?.diagnostics ?? [], settings.showInfo)
      );
      const shown = SEVERITIES.filter(
        severity => severity !== 'info' || settings.showInfo !== 'off'
      );
      body = shown.map(severity => {
        const Icon = SEVERITY_ICONS[severity];
        return (
          <span
            key={severity}
            className={`jp-nbguard-Status-count jp-nbguard-mod-${severity}`}
            title={severityLabel(trans, severity)}
          >
            <Icon.react tag="span" className="jp-nbguard-Status-icon" />
            {counts[severity]}
          </span>
        );
      });
    }
    return (
      <button
        type="button"
        className={`jp-nbguard-Status-button jp-nbguard-mod-${state}`}
        title={summary}
        aria-label={summary}
        onClick={onClick}
      >
        <shieldIcon.react tag="span" className="jp-nbguard-Status-icon" />
        <span className="jp-nbguard-Status-label">{trans.__('nbguard')}</span>
        {body}
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
    return (
      options.guard.settings.showStatusBar &&
      (labShell === null || labShell.currentWidget === panel)
    );
  };
  if (labShell) {
    labShell.currentChanged.connect(() => item.update(), item);
  }
  statusBar.registerStatusItem(`${EXTENSION_ID}:status`, {
    item,
    align: 'left',
    rank: 4,
    isActive,
    activeStateChanged: mergeSignals(item, labShell, options.guard)
  });
  return item;
}

/**
 * A signal emitted when the item, the shell's current widget or the settings
 * (`showStatusBar`) change.
 */
function mergeSignals(
  item: FindingsStatus,
  labShell: ILabShell | null,
  guard: INbGuard
): ISignal<FindingsStatus, void> {
  const merged = new Signal<FindingsStatus, void>(item);
  item.activeStateChanged.connect(() => merged.emit());
  labShell?.currentChanged.connect(() => merged.emit(), item);
  guard.settingsChanged.connect(() => merged.emit(), item);
  item.disposed.connect(() => Signal.clearData(item));
  return merged;
}
