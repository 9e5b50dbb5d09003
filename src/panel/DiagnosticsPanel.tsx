import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message, MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { INbGuardAction, INbGuardActions } from '../actions/tokens';
import type { Diagnostic } from '../api';
import { countBySeverity, describeCounts } from '../findings';
import { shieldIcon } from '../icons';
import {
  PANEL_ID,
  type INbGuard,
  type INbGuardVerify,
  type INotebookFindings
} from '../tokens';
import type { ILocation } from './jump';
import { nameRange } from './labels';
import { ListingCache } from './listing';
import { orphansOf, type GroupBy, type IFindingFilter } from './model';
import type { NamespaceReader, NamespaceResult } from './namespace';
import type { IRowContext } from './rows';
import { VerifyLine } from './verifyline';
import { MemoFindingsView } from './view';
import { PanelViewState } from './viewstate';

/**
 * The Notebook Health panel: the findings of the current notebook grouped
 * by cell or rule, filters, the names live only in the kernel, and whether
 * the notebook reproduced. It follows the active notebook.
 */
export class DiagnosticsPanel extends ReactWidget {
  /**
   * Create the panel.
   *
   * @param options The service, tracker, translation and callbacks.
   */
  constructor(private readonly options: DiagnosticsPanel.IOptions) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-nbguard-DiagnosticsPanel');
    this.title.icon = shieldIcon;
    this.title.caption = options.trans.__('Notebook Health (nbguard)');
    options.guard.changed.connect(this._onChanged, this);
    options.tracker.currentChanged.connect(this._onCurrentChanged, this);
    options.verify?.changed.connect(this._onVerifyChanged, this);
    this._view = options.view ?? new PanelViewState();
    this._view.changed.connect(this._onViewChanged, this);
  }

  /**
   * The grouping and filters the user chose; they outlive the findings
   * list (it re-mounts when it empties) and follow the user across notebooks.
   */
  get view(): PanelViewState {
    return this._view;
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
    this._view.changed.disconnect(this._onViewChanged, this);
    if (this._idle !== null) {
      cancelIdleCallback(this._idle);
      this._idle = null;
    }
    super.dispose();
  }

  /**
   * Render the panel for the current notebook.
   */
  protected render(): JSX.Element {
    const { guard, tracker, trans } = this.options;
    const panel = tracker.currentWidget;
    const findings = panel ? guard.findings(panel) : null;
    if (!panel || !findings) {
      return (
        <div className="jp-nbguard-DiagnosticsPanel-empty">
          {trans.__('Open a notebook to see its health.')}
        </div>
      );
    }
    const { showInfo, enabled } = guard.settings;
    const { listed, placed, context, labelOf, orphans } = this._listing.derive(
      panel,
      findings,
      showInfo,
      (positions, cellIds) => this._context(panel, positions, cellIds),
      trans
    );
    const checkedAt = findings.lastCheck
      ? trans.__('Checked at %1.', findings.lastCheck.time.toLocaleTimeString())
      : trans.__('Not checked yet.');
    return (
      <div className="jp-nbguard-DiagnosticsPanel-content">
        <header className="jp-nbguard-DiagnosticsPanel-header">
          <h2
            className="jp-nbguard-DiagnosticsPanel-title"
            title={panel.context.path}
          >
            {trans.__('nbguard: %1', panel.title.label)}
          </h2>
          <div className="jp-nbguard-DiagnosticsPanel-summary">
            {enabled
              ? describeCounts(
                  countBySeverity(listed),
                  trans,
                  showInfo !== 'off'
                )
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
          <div className="jp-nbguard-DiagnosticsPanel-empty jp-nbguard-mod-calm">
            {`${trans.__('No findings in this notebook.')} ${checkedAt}`}
          </div>
        ) : (
          <MemoFindingsView
            context={context}
            placed={placed}
            withInfo={showInfo !== 'off'}
            labelOf={labelOf}
            checkedAt={checkedAt}
            view={this._view.view}
            onGroupBy={this._onGroupBy}
            onFilter={this._onFilter}
            orphans={this._listing.orphansSection(
              orphans,
              this._namespaceOf(findings),
              context
            )}
          />
        )}
      </div>
    );
  }

  /**
   * Before rendering, start reading the kernel namespace if the orphans
   * section needs it (only while the panel is shown).
   */
  protected onUpdateRequest(msg: Message): void {
    this._readNamespaceIfNeeded();
    super.onUpdateRequest(msg);
  }

  /**
   * Render once shown: updates are skipped while hidden.
   */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.update();
  }

  private _context(
    panel: NotebookPanel,
    positions: ReadonlyMap<string, number>,
    cellIds: ReadonlyArray<string>
  ): IRowContext {
    const { trans, actions } = this.options;
    return {
      trans,
      positions,
      cellIds,
      open: diagnostic => this._reveal(panel, diagnostic),
      jump: (cellIndex, names) => {
        const cell = panel.content.widgets[cellIndex];
        if (!cell) {
          return;
        }
        this._jump(panel, {
          cellId: cell.model.id,
          range: nameRange(cell.model.sharedModel.getSource(), names)
        });
      },
      openRule: code => this.options.openRule?.(code),
      actionsFor: diagnostic =>
        actions ? actions.actionsFor(panel, diagnostic) : [],
      runAction: action => runAction(action),
      showOrphans: () => {
        const section = this.node.querySelector<HTMLElement>(
          '.jp-nbguard-DiagnosticsPanel-orphans'
        );
        section?.scrollIntoView?.({ block: 'start' });
        section?.querySelector<HTMLElement>('button')?.focus();
      }
    };
  }

  private _reveal(panel: NotebookPanel, diagnostic: Diagnostic): void {
    this.options.reveal(panel, diagnostic).catch(reason => {
      console.error('nbguard: could not show the finding.', reason);
    });
  }

  private _jump(panel: NotebookPanel, location: ILocation): void {
    const jump =
      this.options.jump ??
      ((p: NotebookPanel, l: ILocation) =>
        this.options.reveal(p, {
          code: '',
          rule: '',
          severity: 'info',
          cell_id: l.cellId,
          message: '',
          range: l.range,
          names: [],
          related: []
        }));
    Promise.resolve(jump(panel, location)).catch(reason => {
      console.error('nbguard: could not show the cell.', reason);
    });
  }

  private _namespaceOf(findings: INotebookFindings): NamespaceResult | null {
    const kernelId = findings.kernel?.id;
    return kernelId ? (this._namespace.get(kernelId)?.result ?? null) : null;
  }

  private _readNamespaceIfNeeded(): void {
    const reader = this.options.namespace;
    const panel = this.options.tracker.currentWidget;
    const findings = panel ? this.options.guard.findings(panel) : null;
    const kernelId = findings?.kernel?.id;
    if (!reader || !findings || !kernelId || !this.isVisible) {
      return;
    }
    if (orphansOf(findings.diagnostics).length === 0) {
      return;
    }
    // Read again after each check: the kernel ran code, sizes may differ.
    const stamp = findings.lastCheck?.time.getTime() ?? 0;
    const known = this._namespace.get(kernelId);
    if (known && known.stamp === stamp) {
      return;
    }
    this._namespace.set(kernelId, { stamp, result: known?.result ?? null });
    void reader.read(kernelId).then(result => {
      if (this.isDisposed) {
        return;
      }
      this._namespace.set(kernelId, { stamp, result });
      this.update();
    });
  }

  private _onChanged(_: INbGuard, args: INbGuard.IChangedArgs): void {
    if (args.panel === this.options.tracker.currentWidget) {
      this._updateWhenIdle();
    }
  }

  /**
   * Render after a check in idle time: a check answers while the user types,
   * and a long list must not hold up the next keystroke. Without idle
   * callbacks (or while hidden, where updates wait for the show) it is a
   * plain update.
   */
  private _updateWhenIdle(): void {
    if (typeof requestIdleCallback !== 'function' || !this.isVisible) {
      this.update();
      return;
    }
    if (this._idle !== null) {
      return;
    }
    this._idle = requestIdleCallback(
      () => {
        this._idle = null;
        if (!this.isDisposed) {
          MessageLoop.sendMessage(this, Widget.Msg.UpdateRequest);
        }
      },
      { timeout: PANEL_IDLE_TIMEOUT_MS }
    );
  }

  private _onCurrentChanged(): void {
    this.update();
  }

  private _onViewChanged(): void {
    this.update();
  }

  private _onVerifyChanged(_: INbGuardVerify, panel: NotebookPanel): void {
    if (panel === this.options.tracker.currentWidget) {
      this.update();
    }
  }

  private readonly _view: PanelViewState;
  private readonly _onGroupBy = (groupBy: GroupBy): void =>
    this._view.setGroupBy(groupBy);
  private readonly _onFilter = (filter: IFindingFilter): void =>
    this._view.setFilter(filter);
  private readonly _listing = new ListingCache();
  private _idle: number | null = null;
  private readonly _namespace = new Map<
    string,
    { stamp: number; result: NamespaceResult | null }
  >();
}

/**
 * The longest the panel waits for idle time to show a check's answer, in ms.
 */
const PANEL_IDLE_TIMEOUT_MS = 300;

/**
 * Run a quick action the user clicked; failures go to the console (the
 * action tells the user itself when it is refused).
 */
function runAction(action: INbGuardAction): void {
  action.run().catch(reason => {
    console.error(`nbguard: the action ${action.id} failed.`, reason);
  });
}

/**
 * Types of the Health panel.
 */
export namespace DiagnosticsPanel {
  /**
   * The `showInfo` setting.
   */
  export type ShowInfo = INbGuard['settings']['showInfo'];

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
     * Shows a finding in its notebook (its range selected).
     */
    reveal: (panel: NotebookPanel, diagnostic: Diagnostic) => Promise<void>;
    /**
     * Jumps to a cell, selecting a range in it; defaults to `reveal`.
     */
    jump?: (panel: NotebookPanel, location: ILocation) => Promise<unknown>;
    /**
     * Restart-and-verify, when its plugin is there: the panel says whether
     * the notebook reproduced and opens the report.
     */
    verify?: INbGuardVerify | null;
    /**
     * Quick actions, when their plugin is there.
     */
    actions?: INbGuardActions | null;
    /**
     * Opens a rule's documentation.
     */
    openRule?: (code: string) => void;
    /**
     * Reads the kernel namespace for the orphans section.
     */
    namespace?: NamespaceReader | null;
    /**
     * The grouping and filters (persisted by the plugin); a fresh one that
     * lasts as long as the panel when absent.
     */
    view?: PanelViewState;
  }
}
