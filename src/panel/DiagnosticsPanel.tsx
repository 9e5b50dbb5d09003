import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import type { INbGuardAction, INbGuardActions } from '../actions/tokens';
import type { Diagnostic } from '../api';
import {
  countBySeverity,
  describeCounts,
  IPlacedFinding,
  listedFindings,
  placeFindings
} from '../findings';
import { shieldIcon } from '../icons';
import { cellRefs } from '../navigation';
import {
  PANEL_ID,
  type INbGuard,
  type INbGuardVerify,
  type INotebookFindings
} from '../tokens';
import type { ILocation } from './jump';
import { findingTarget, nameRange, positionsById, targetLabel } from './labels';
import { orphansOf } from './model';
import type { NamespaceReader, NamespaceResult } from './namespace';
import { OrphansSection } from './orphans';
import type { IRowContext } from './rows';
import { VerifyLine } from './verifyline';
import { FindingsView } from './view';

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
    const cells = cellRefs(panel.content);
    const positions = positionsById(cells);
    const listed = listedFindings(findings.diagnostics, showInfo);
    const placed = placeFindings(listed, cells);
    const context = this._context(
      panel,
      positions,
      cells.map(c => c.id)
    );
    const labelOf = (finding: IPlacedFinding): string =>
      targetLabel(trans, findingTarget(finding.diagnostic, positions));
    const checkedAt = findings.lastCheck
      ? trans.__('Checked at %1.', findings.lastCheck.time.toLocaleTimeString())
      : trans.__('Not checked yet.');
    const orphans = orphansOf(findings.diagnostics);
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
          <FindingsView
            context={context}
            placed={placed}
            withInfo={showInfo !== 'off'}
            labelOf={labelOf}
            checkedAt={checkedAt}
            orphans={
              orphans.length > 0 ? (
                <OrphansSection
                  orphans={orphans}
                  namespace={this._namespaceOf(findings)}
                  context={context}
                />
              ) : null
            }
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

  private readonly _namespace = new Map<
    string,
    { stamp: number; result: NamespaceResult | null }
  >();
}

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
  }
}
