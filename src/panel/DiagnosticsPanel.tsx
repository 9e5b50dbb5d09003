import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Diagnostic } from '../api';
import {
  cellLabel,
  countBySeverity,
  describeCounts,
  IPlacedFinding,
  isQuiet,
  listedFindings,
  placeFindings,
  relatedLabel,
  severityLabel
} from '../findings';
import { SEVERITY_ICONS, shieldIcon } from '../icons';
import { cellRefs } from '../navigation';
import { PANEL_ID, type INbGuard, type INbGuardVerify } from '../tokens';

/**
 * One row of the findings list.
 */
function FindingRow(props: {
  finding: IPlacedFinding;
  label: string;
  trans: TranslationBundle;
  onOpen: (diagnostic: Diagnostic) => void;
}): JSX.Element {
  const { diagnostic } = props.finding;
  const Icon = SEVERITY_ICONS[diagnostic.severity];
  const related = diagnostic.related.map(
    r => `${relatedLabel(props.trans, r)} ${r.message}`
  );
  return (
    <li
      className={`jp-nbguard-DiagnosticsPanel-row jp-nbguard-mod-${diagnostic.severity}`}
    >
      <button
        type="button"
        className="jp-nbguard-DiagnosticsPanel-rowButton"
        title={[diagnostic.message, ...related].join('\n')}
        onClick={() => props.onOpen(diagnostic)}
      >
        <Icon.react
          className="jp-nbguard-DiagnosticsPanel-severity"
          tag="span"
          title={severityLabel(props.trans, diagnostic.severity)}
        />
        <span className="jp-nbguard-DiagnosticsPanel-cell">{props.label}</span>
        <span className="jp-nbguard-DiagnosticsPanel-code">
          {diagnostic.code}
        </span>
        <span className="jp-nbguard-DiagnosticsPanel-rule">
          {diagnostic.rule}
        </span>
        <span className="jp-nbguard-DiagnosticsPanel-message">
          {diagnostic.message}
        </span>
      </button>
    </li>
  );
}

/**
 * Whether the notebook reproduced in a restart-and-verify since its kernel
 * last restarted, with a button to its report when one is kept.
 */
function VerifyLine(props: {
  state: INbGuardVerify.IState;
  trans: TranslationBundle;
  onOpen: () => void;
}): JSX.Element {
  const { state, trans } = props;
  const latest = state.latest;
  let text: string;
  if (state.running) {
    text = trans.__('Verification running…');
  } else if (latest) {
    const time = latest.finished.toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit'
    });
    text =
      latest.compared === 1
        ? trans.__('Verified %1: %2 of 1 cell reproduced', time, latest.same)
        : trans.__(
            'Verified %1: %2 of %3 cells reproduced',
            time,
            latest.same,
            latest.compared
          );
  } else {
    text = trans.__('Not verified since the last restart');
  }
  const mod = latest
    ? latest.reproduced
      ? ' jp-nbguard-mod-reproduced'
      : ' jp-nbguard-mod-diverged'
    : '';
  return (
    <div className={`jp-nbguard-DiagnosticsPanel-verify${mod}`}>
      <span className="jp-nbguard-DiagnosticsPanel-verifyText">{text}</span>
      {state.hasReport && (
        <button
          type="button"
          className="jp-nbguard-DiagnosticsPanel-verifyLink"
          onClick={props.onOpen}
        >
          {trans.__('Open report')}
        </button>
      )}
    </div>
  );
}

/**
 * The side panel listing every nbguard finding of the current notebook.
 * Clicking a row jumps to the finding.
 */
export class DiagnosticsPanel extends ReactWidget {
  /**
   * Create the panel.
   *
   * @param options The service, tracker, translation and navigation callback.
   */
  constructor(private readonly options: DiagnosticsPanel.IOptions) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-nbguard-DiagnosticsPanel');
    this.title.icon = shieldIcon;
    this.title.caption = options.trans.__('nbguard Findings');
    options.guard.changed.connect(this._onChanged, this);
    options.tracker.currentChanged.connect(this._onCurrentChanged, this);
    options.verify?.changed.connect(this._onVerifyChanged, this);
  }

  /**
   * Stop listening and dispose the widget.
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
    this.options.verify?.changed.disconnect(this._onVerifyChanged, this);
    super.dispose();
  }

  /**
   * Render the list for the current notebook: problems (errors and warnings)
   * first, then info findings under their own heading, quietly.
   */
  protected render(): JSX.Element {
    const { guard, tracker, trans } = this.options;
    const panel = tracker.currentWidget;
    const findings = panel ? guard.findings(panel) : null;
    if (!panel || !findings) {
      return (
        <div className="jp-nbguard-DiagnosticsPanel-empty">
          {trans.__('Open a notebook to see its nbguard findings.')}
        </div>
      );
    }
    const { showInfo, enabled } = guard.settings;
    const cells = cellRefs(panel.content);
    const listed = listedFindings(findings.diagnostics, showInfo);
    const placed = placeFindings(listed, cells);
    const problems = placed.filter(f => !isQuiet(f.diagnostic));
    const quiet = placed.filter(f => isQuiet(f.diagnostic));
    const counts = countBySeverity(listed);
    const label = (finding: IPlacedFinding): string =>
      finding.diagnostic.cell_id === null
        ? trans.__('notebook')
        : cellLabel(
            trans,
            finding.cellIndex >= 0
              ? cells[finding.cellIndex].executionCount
              : null,
            finding.cellIndex
          );
    const rows = (items: IPlacedFinding[]) =>
      items.map((finding, i) => (
        <FindingRow
          key={`${finding.diagnostic.code}-${finding.diagnostic.cell_id}-${i}`}
          finding={finding}
          label={label(finding)}
          trans={trans}
          onOpen={diagnostic => this._open(panel, diagnostic)}
        />
      ));
    const checkedAt = findings.lastCheck
      ? trans.__('Checked at %1.', findings.lastCheck.time.toLocaleTimeString())
      : '';
    return (
      <div className="jp-nbguard-DiagnosticsPanel-content">
        <header className="jp-nbguard-DiagnosticsPanel-header">
          <h2 className="jp-nbguard-DiagnosticsPanel-title">
            {trans.__('nbguard: %1', panel.title.label)}
          </h2>
          <div className="jp-nbguard-DiagnosticsPanel-summary">
            {enabled
              ? describeCounts(counts, trans, showInfo !== 'off')
              : trans.__('Checking is disabled in the settings.')}
            {findings.status === 'checking'
              ? ` ${trans.__('(checking…)')}`
              : ''}
          </div>
          {this.options.verify ? (
            <VerifyLine
              state={this.options.verify.state(panel)}
              trans={trans}
              onOpen={() => this.options.verify?.openReport(panel)}
            />
          ) : null}
          {enabled && findings.error ? (
            <div className="jp-nbguard-DiagnosticsPanel-error" role="alert">
              {trans.__(
                'The last check failed, so these findings may be out of date. %1',
                findings.error
              )}
            </div>
          ) : null}
        </header>
        {!enabled ? null : placed.length === 0 ? (
          <div className="jp-nbguard-DiagnosticsPanel-empty">
            {`${trans.__('No findings in this notebook.')} ${checkedAt}`}
          </div>
        ) : (
          <>
            <section
              className="jp-nbguard-DiagnosticsPanel-section"
              aria-label={trans.__('Problems')}
            >
              <h3 className="jp-nbguard-DiagnosticsPanel-heading">
                {trans.__('Problems')}
                <span className="jp-nbguard-DiagnosticsPanel-headingCount">
                  {problems.length}
                </span>
              </h3>
              {problems.length === 0 ? (
                <div className="jp-nbguard-DiagnosticsPanel-empty">
                  {`${trans.__('No problems found.')} ${checkedAt}`}
                </div>
              ) : (
                <ul className="jp-nbguard-DiagnosticsPanel-list">
                  {rows(problems)}
                </ul>
              )}
            </section>
            {quiet.length === 0 ? null : (
              <section
                className="jp-nbguard-DiagnosticsPanel-section jp-nbguard-mod-quiet"
                aria-label={trans.__('Information')}
              >
                <h3
                  className="jp-nbguard-DiagnosticsPanel-heading"
                  title={trans.__(
                    'Worth knowing, nothing to fix: Restart & Run All would give the same result.'
                  )}
                >
                  {trans.__('Information')}
                  <span className="jp-nbguard-DiagnosticsPanel-headingCount">
                    {quiet.length}
                  </span>
                </h3>
                <ul className="jp-nbguard-DiagnosticsPanel-list">
                  {rows(quiet)}
                </ul>
              </section>
            )}
          </>
        )}
      </div>
    );
  }

  private _open(panel: NotebookPanel, diagnostic: Diagnostic): void {
    this.options.reveal(panel, diagnostic).catch(reason => {
      console.error('nbguard: could not show the finding.', reason);
    });
  }

  private _onChanged(_: INbGuard, args: INbGuard.IChangedArgs): void {
    if (args.panel === this.options.tracker.currentWidget) {
      this.update();
    }
  }

  private _onCurrentChanged(): void {
    this.update();
  }

  private _onVerifyChanged(_: INbGuardVerify, panel: NotebookPanel): void {
    if (panel === this.options.tracker.currentWidget) {
      this.update();
    }
  }
}

/**
 * Types of the findings panel.
 */
export namespace DiagnosticsPanel {
  /**
   * Options to create the panel.
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
     * Shows a finding in its notebook.
     */
    reveal: (panel: NotebookPanel, diagnostic: Diagnostic) => Promise<void>;
    /**
     * Restart-and-verify, when its plugin is there: the panel says whether
     * the notebook reproduced and opens the report.
     */
    verify?: INbGuardVerify | null;
  }
}
