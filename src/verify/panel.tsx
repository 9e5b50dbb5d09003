import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { diffLines, IReportRow, statusLabel } from './report';
import { verifyIcon } from './icons';
import { OutputsSideBySide } from './outputs';
import type { IRunProgress } from './runner';
import type { VerifySession } from './session';
import type { ICellSnapshot } from './snapshot';

/**
 * How often, at most, the progress of a run is rendered (ms).
 */
const PROGRESS_EVERY_MS = 250;

/**
 * Elapsed time as `m:ss`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)}:${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * The running verification: which cell, how long, and Cancel.
 */
function Progress(props: {
  progress: IRunProgress;
  trans: TranslationBundle;
  onCancel: () => void;
}): JSX.Element {
  const { progress, trans } = props;
  const [now, setNow] = React.useState(Date.now());
  React.useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, []);
  const step = progress.current + 1;
  const text =
    progress.phase === 'restarting'
      ? trans.__('Restarting the kernel…')
      : trans.__('Running cell %1 of %2', step, progress.total);
  return (
    <div className="jp-nbguard-Verify-progress" role="status">
      <div className="jp-nbguard-Verify-progressText">
        <span>{text}</span>
        <span className="jp-nbguard-Verify-elapsed">
          {formatElapsed(now - progress.started)}
        </span>
      </div>
      <progress
        className="jp-nbguard-Verify-bar"
        max={Math.max(progress.total, 1)}
        value={Math.max(step - 1, 0)}
      />
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-warn"
        onClick={props.onCancel}
      >
        {trans.__('Cancel')}
      </button>
    </div>
  );
}

/**
 * A unified diff with added and removed lines highlighted.
 */
function Diff(props: { diff: string }): JSX.Element {
  return (
    <pre className="jp-nbguard-Verify-diff">
      {diffLines(props.diff).map((line, i) => (
        <span
          key={i}
          className={`jp-nbguard-Verify-diffLine jp-mod-${line.kind}`}
        >
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/**
 * One cell of the report; its header jumps to the cell. A cell that did not
 * reproduce shows its outputs before and after, rendered side by side, and
 * the diff of the normalised outputs.
 */
function Row(props: {
  row: IReportRow;
  outputs: { before: ICellSnapshot; after: ICellSnapshot } | null;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
  onOpen: (cellId: string) => void;
}): JSX.Element {
  const { row, outputs, trans } = props;
  return (
    <li
      className={`jp-nbguard-Verify-row jp-mod-${row.status}${row.isRootCause ? ' jp-mod-rootCause' : ''}`}
      data-cell-id={row.cellId}
    >
      <button
        type="button"
        className="jp-nbguard-Verify-rowButton"
        title={trans.__('Go to %1', row.label)}
        onClick={() => props.onOpen(row.cellId)}
      >
        <span className="jp-nbguard-Verify-status">
          {statusLabel(trans, row.status)}
        </span>
        <span className="jp-nbguard-Verify-cell">{row.label}</span>
        {row.isRootCause && (
          <span className="jp-nbguard-Verify-tag jp-mod-rootCause">
            {trans.__('root cause')}
          </span>
        )}
        {row.consequenceOf !== null && (
          <span className="jp-nbguard-Verify-tag">
            {trans.__('consequence of %1', row.consequenceOf)}
          </span>
        )}
      </button>
      {outputs && (
        <OutputsSideBySide
          before={outputs.before}
          after={outputs.after}
          rendermime={props.rendermime}
          trans={trans}
        />
      )}
      {row.diff !== null && row.diff.length > 0 && <Diff diff={row.diff} />}
    </li>
  );
}

/**
 * What the panel says above the rows, by phase.
 */
function Headline(props: {
  session: VerifySession;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { session, trans } = props;
  switch (session.phase) {
    case 'running':
      return null;
    case 'comparing':
      return <p role="status">{trans.__('Comparing the outputs…')}</p>;
    case 'failed':
      return (
        <p className="jp-nbguard-Verify-failure" role="alert">
          {trans.__('The verification did not finish: %1', session.error ?? '')}
        </p>
      );
    case 'interrupted':
      return (
        <p className="jp-nbguard-Verify-failure" role="alert">
          {trans.__(
            'A verification of this notebook did not finish (the page was reloaded or closed during the run). The outputs from before it are kept.'
          )}
        </p>
      );
    case 'report': {
      const report = session.report;
      if (!report) {
        return null;
      }
      return (
        <>
          <p
            className={`jp-nbguard-Verify-summary ${report.reproduced ? 'jp-mod-reproduced' : 'jp-mod-diverged'}`}
          >
            {report.summary}
          </p>
          {report.endNote && (
            <p className="jp-nbguard-Verify-endNote">{report.endNote}</p>
          )}
        </>
      );
    }
  }
}

/**
 * The restart-and-verify panel: progress while running, then the report.
 */
export class VerifyPanel extends ReactWidget {
  /**
   * Create the panel.
   *
   * @param options The session to show and what the buttons do.
   */
  constructor(private readonly _options: VerifyPanel.IOptions) {
    super();
    this.addClass('jp-nbguard-Verify');
    this.id = `jp-nbguard-verify-${_options.session.panel.id}`;
    this.title.icon = verifyIcon;
    this.title.closable = true;
    this._session = _options.session;
    this.session = _options.session;
  }

  /**
   * The verification this panel shows. A new verification of the same
   * notebook takes over the open panel: closing it and splitting the main
   * area again would lay the notebook out twice, at two widths, before the
   * first cell could run.
   */
  get session(): VerifySession {
    return this._session;
  }
  set session(session: VerifySession) {
    this._session.changed.disconnect(this._onChanged, this);
    this._session = session;
    const { trans } = this._options;
    this.title.label = trans.__('Verify: %1', session.panel.title.label);
    this.title.caption = trans.__(
      'Restart-and-verify report of %1',
      session.panel.context.path
    );
    session.changed.connect(this._onChanged, this);
    this._rendered = session.phase;
    this.update();
  }

  private _onChanged(): void {
    const phase = this._session.phase;
    const ended =
      phase !== this._rendered && (phase === 'report' || phase === 'failed');
    this._rendered = phase;
    if (ended && this.isVisible) {
      // The end is what the user waits for: rendered now rather than at
      // the next animation frame, where `update()` would put it.
      this.onUpdateRequest(Widget.Msg.UpdateRequest);
      return;
    }
    if (phase === 'running' && this._shown > 0) {
      // The progress changes with every cell: a few times a second is what
      // a reader follows, each frame only repaints the panel while the
      // notebook's outputs need the frames.
      if (this._progressTimer === 0) {
        const wait = this._shown + PROGRESS_EVERY_MS - performance.now();
        this._progressTimer = window.setTimeout(
          () => {
            this._progressTimer = 0;
            this.update();
          },
          Math.max(0, wait)
        );
      }
      return;
    }
    this.update();
  }

  protected onUpdateRequest(msg: Message): void {
    window.clearTimeout(this._progressTimer);
    this._progressTimer = 0;
    this._shown = this._session.phase === 'running' ? performance.now() : 0;
    super.onUpdateRequest(msg);
  }

  dispose(): void {
    window.clearTimeout(this._progressTimer);
    super.dispose();
  }

  render(): JSX.Element {
    const { trans } = this._options;
    const session = this._session;
    const progress = session.progress;
    const running = session.phase === 'running' && progress !== null;
    const rows = session.phase === 'report' ? (session.report?.rows ?? []) : [];
    return (
      <div className="jp-nbguard-Verify-content">
        <h2 className="jp-nbguard-Verify-title">
          {trans.__('Restart and verify: %1', session.panel.title.label)}
        </h2>
        {running && (
          <Progress
            progress={progress}
            trans={trans}
            onCancel={() => void session.cancel()}
          />
        )}
        <Headline session={session} trans={trans} />
        {session.restored && (
          <p className="jp-nbguard-Verify-restored" role="status">
            {trans.__('The previous outputs have been restored.')}
          </p>
        )}
        {!running && session.phase !== 'comparing' && (
          <div className="jp-nbguard-Verify-actions">
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-accept"
              disabled={session.snapshot === null}
              onClick={() => this._options.onRestore()}
            >
              {trans.__('Restore previous outputs')}
            </button>
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              onClick={() => this._options.onDismiss()}
            >
              {trans.__('Dismiss')}
            </button>
          </div>
        )}
        {rows.length > 0 && (
          <ul className="jp-nbguard-Verify-rows">
            {rows.map(row => (
              <Row
                key={row.cellId}
                row={row}
                outputs={session.outputsOf(row.cellId)}
                rendermime={session.panel.content.rendermime}
                trans={trans}
                onOpen={this._options.onOpenCell}
              />
            ))}
          </ul>
        )}
      </div>
    );
  }

  private _session: VerifySession;
  private _rendered: VerifySession['phase'] | null = null;
  // When the progress was last rendered (0: not running), and its timer.
  private _shown = 0;
  private _progressTimer = 0;
}

/**
 * Types of the panel.
 */
export namespace VerifyPanel {
  export interface IOptions {
    /**
     * The first verification shown (see `session`).
     */
    readonly session: VerifySession;
    readonly trans: TranslationBundle;
    /**
     * Put the previous outputs back.
     */
    readonly onRestore: () => void;
    /**
     * Forget the snapshot and close the panel.
     */
    readonly onDismiss: () => void;
    /**
     * Bring a cell of the notebook into view.
     */
    readonly onOpenCell: (cellId: string) => void;
  }
}
