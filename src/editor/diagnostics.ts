import {
  Diagnostic as EditorDiagnostic,
  forEachDiagnostic,
  setDiagnostics
} from '@codemirror/lint';
import {
  EditorState,
  Extension,
  Text,
  Transaction,
  TransactionSpec
} from '@codemirror/state';
import {
  EditorView,
  PluginValue,
  ViewPlugin,
  ViewUpdate
} from '@codemirror/view';
import { ISignal } from '@lumino/signaling';

import type { Diagnostic } from '../api';
import { formatFinding } from '../findings';
import { rangeToOffsets } from './positions';
import { SyncQueue, type IPendingSync } from './queue';

/**
 * The CSS class on every nbguard underline (next to CodeMirror's
 * `cm-lintRange-<severity>`).
 */
export const UNDERLINE_CLASS = 'jp-nbguard-Underline';

/**
 * The extra CSS class on underlines of info findings (faint and dotted).
 */
export const QUIET_CLASS = 'jp-nbguard-mod-quiet';

/**
 * The `source` of the CodeMirror diagnostics nbguard creates.
 */
export const DIAGNOSTIC_SOURCE = 'nbguard';

/**
 * Convert nbguard findings about one cell to CodeMirror diagnostics.
 *
 * Findings without a range are left out (the cell marker and the panel show
 * them). Ranges are clamped to the document.
 *
 * @param doc The cell's document.
 * @param diagnostics The findings about that cell.
 * @param renderTooltip Renders a finding's hover (links, actions); a plain
 *   message when absent or when it gives null.
 * @param actions The quick actions of a finding, as lint actions.
 * @returns The CodeMirror diagnostics.
 */
export function toEditorDiagnostics(
  doc: Text,
  diagnostics: ReadonlyArray<Diagnostic>,
  renderTooltip?: IDiagnosticsSource['renderTooltip'],
  actions?: IDiagnosticsSource['actions']
): EditorDiagnostic[] {
  const result: EditorDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (!diagnostic.range) {
      continue;
    }
    const { from, to } = rangeToOffsets(doc, diagnostic.range);
    result.push({
      from,
      to,
      severity: diagnostic.severity,
      message: formatFinding(diagnostic),
      source: DIAGNOSTIC_SOURCE,
      markClass:
        diagnostic.severity === 'info'
          ? `${UNDERLINE_CLASS} ${QUIET_CLASS}`
          : UNDERLINE_CLASS,
      renderMessage: () =>
        renderTooltip?.(diagnostic) ?? renderFinding(diagnostic),
      ...lintActions(diagnostic, actions)
    });
  }
  return result;
}

/**
 * The quick actions of a finding as `@codemirror/lint` actions (buttons under
 * the message), when the source offers any.
 */
function lintActions(
  diagnostic: Diagnostic,
  actions: IDiagnosticsSource['actions']
): Pick<EditorDiagnostic, 'actions'> {
  const offered = actions?.(diagnostic) ?? [];
  return offered.length === 0
    ? {}
    : {
        actions: offered.map(action => ({
          name: action.label,
          apply: () => void action.run()
        }))
      };
}

/**
 * Render the tooltip body of a finding: the rule, code and message, then
 * where the conflicting definition or execution is.
 */
function renderFinding(diagnostic: Diagnostic): HTMLElement {
  const node = document.createElement('div');
  node.className = 'jp-nbguard-Tooltip';
  const header = document.createElement('div');
  header.className = 'jp-nbguard-Tooltip-message';
  header.textContent = formatFinding(diagnostic);
  node.appendChild(header);
  if (diagnostic.related.length > 0) {
    const list = document.createElement('ul');
    list.className = 'jp-nbguard-Tooltip-related';
    for (const related of diagnostic.related) {
      const item = document.createElement('li');
      // Without the notebook at hand there is no page position to name the
      // cell by, and an execution count would read as a prompt.
      item.textContent = related.message;
      list.appendChild(item);
    }
    node.appendChild(list);
  }
  return node;
}

/**
 * Where the extension reads the findings of its cell from.
 */
export interface IDiagnosticsSource {
  /**
   * The findings about the editor's cell right now.
   */
  diagnostics(): ReadonlyArray<Diagnostic>;
  /**
   * The cell source the findings were computed for; their ranges are
   * positions in it. Null or absent: unknown, the findings apply as they are.
   */
  checkedSource?(): string | null;
  /**
   * Render the hover tooltip of a finding (rule link, cell links, quick
   * actions); null or absent: the plain message.
   */
  renderTooltip?(diagnostic: Diagnostic): HTMLElement | null;
  /**
   * The quick actions of a finding, shown as CodeMirror lint actions; absent:
   * none (e.g. when the tooltip shows them itself).
   */
  actions?(
    diagnostic: Diagnostic
  ): ReadonlyArray<{ readonly label: string; run(): Promise<void> }>;
  /**
   * Emitted when the findings may have changed.
   */
  readonly changed: ISignal<unknown, unknown>;
}

/**
 * Drop the nbguard underlines an edit touches, in the same transaction.
 *
 * A finding is about the text it underlines; once the user types over (or
 * right against) it, the message no longer describes what is there. It stays
 * hidden until a check of the new text answers. Other underlines are mapped
 * through the edit, and other sources' diagnostics are kept.
 *
 * @param tr The transaction.
 * @returns The effect that replaces the lint state, or null if none is touched.
 */
export function hideEditedFindings(tr: Transaction): TransactionSpec | null {
  if (!tr.docChanged) {
    return null;
  }
  const kept: EditorDiagnostic[] = [];
  let hidden = false;
  forEachDiagnostic(tr.startState, (diagnostic, from, to) => {
    let touched = false;
    tr.changes.iterChangedRanges((fromA, toA) => {
      touched ||= fromA <= to && toA >= from;
    });
    if (touched && diagnostic.source === DIAGNOSTIC_SOURCE) {
      hidden = true;
      return;
    }
    kept.push({
      ...diagnostic,
      from: tr.changes.mapPos(from, 1),
      to: Math.max(tr.changes.mapPos(from, 1), tr.changes.mapPos(to, -1))
    });
  });
  return hidden ? setDiagnostics(tr.startState, kept) : null;
}

/**
 * A stable key of the findings, to skip updates that change nothing.
 */
function findingsKey(diagnostics: ReadonlyArray<Diagnostic>): string {
  return JSON.stringify(
    diagnostics.map(d => [d.code, d.severity, d.message, d.range])
  );
}

/**
 * The queue every nbguard editor of the page shares.
 */
const SHARED_QUEUE = new SyncQueue();

/**
 * Keeps an editor's lint state in sync with its cell's findings.
 */
class FindingsSync implements PluginValue, IPendingSync {
  constructor(
    private readonly view: EditorView,
    private readonly source: IDiagnosticsSource,
    private readonly queue: SyncQueue
  ) {
    source.changed.connect(this._schedule, this);
    this._schedule();
  }

  /**
   * Whether the editor is on screen.
   */
  get inView(): boolean {
    return this.view.inView;
  }

  /**
   * Apply the cell's findings (called by the queue).
   */
  sync(): void {
    this._sync();
  }

  /**
   * After an edit the findings no longer match the text: the next answer of
   * the server must be applied even if it equals the last one.
   */
  update(update: ViewUpdate): void {
    if (update.docChanged) {
      this._key = null;
    }
  }

  destroy(): void {
    this._destroyed = true;
    this.source.changed.disconnect(this._schedule, this);
    this.queue.delete(this);
  }

  /**
   * Dispatching is not allowed while the view is being built or updated, so
   * the sync runs in a later task (see `SyncQueue`).
   */
  private _schedule(): void {
    if (!this._destroyed) {
      this.queue.add(this);
    }
  }

  private _sync(): void {
    if (this._destroyed) {
      return;
    }
    const diagnostics = this.source.diagnostics();
    const checked = this.source.checkedSource?.() ?? null;
    if (
      diagnostics.length > 0 &&
      checked !== null &&
      checked !== this.view.state.doc.toString()
    ) {
      // An answer about text the user has changed since: its ranges would
      // land on the wrong characters. The check of the new text follows.
      return;
    }
    const key = findingsKey(diagnostics);
    if (key === this._key) {
      return;
    }
    this._key = key;
    const state = this.view.state;
    this.view.dispatch(
      setDiagnostics(
        state,
        toEditorDiagnostics(
          state.doc,
          diagnostics,
          this.source.renderTooltip?.bind(this.source),
          this.source.actions?.bind(this.source)
        )
      )
    );
  }

  private _destroyed = false;
  private _key: string | null = findingsKey([]);
}

/**
 * A CodeMirror extension that underlines nbguard findings in one cell editor,
 * with a hover tooltip per finding (through `@codemirror/lint`).
 *
 * The findings come from the server; the editor only re-reads them when
 * `source.changed` fires, and only applies findings computed for the text it
 * shows. Between two checks, CodeMirror maps the underlines through the
 * user's edits, and underlines an edit touches are hidden.
 *
 * @param source Where the findings of the editor's cell come from.
 * @param queue When to apply them (the page's shared queue by default).
 * @returns The extension.
 */
export function nbguardDiagnostics(
  source: IDiagnosticsSource,
  queue: SyncQueue = SHARED_QUEUE
): Extension {
  return [
    ViewPlugin.define(view => new FindingsSync(view, source, queue)),
    EditorState.transactionExtender.of(hideEditedFindings)
  ];
}
