import {
  Diagnostic as EditorDiagnostic,
  forEachDiagnostic
} from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { Signal } from '@lumino/signaling';

import type { Diagnostic } from '../api';
import {
  DIAGNOSTIC_SOURCE,
  nbguardDiagnostics,
  QUIET_CLASS,
  toEditorDiagnostics,
  UNDERLINE_CLASS
} from '../editor/diagnostics';
import { toText } from '../editor/positions';

/**
 * A finding as the server sends it.
 */
function finding(overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code: 'NBG201',
    rule: 'stale-cell',
    severity: 'warning',
    cell_id: 'stale-reader',
    message: "'prices' was rebound by cell [3] after this cell ran; re-run it.",
    range: { start: { line: 1, column: 12 }, end: { line: 1, column: 18 } },
    names: ['prices'],
    related: [
      {
        cell_id: 'update-prices',
        execution_count: 3,
        message: 'rebinds prices'
      }
    ],
    ...overrides
  };
}

interface IMarked {
  from: number;
  to: number;
  diagnostic: EditorDiagnostic;
}

/**
 * Read the diagnostics the lint state holds, with their current positions.
 */
function marked(view: EditorView): IMarked[] {
  const result: IMarked[] = [];
  forEachDiagnostic(view.state, (diagnostic, from, to) => {
    result.push({ diagnostic, from, to });
  });
  return result;
}

/**
 * Let the extension's deferred sync run: the editors on screen in the next
 * task, the others (jsdom lays nothing out, so all) in the idle slice after.
 */
async function flush(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

/**
 * A mutable findings source driving the extension.
 */
class FakeSource {
  findings: Diagnostic[] = [];
  readonly changed = new Signal<this, void>(this);
  diagnostics = (): ReadonlyArray<Diagnostic> => this.findings;
  set(findings: Diagnostic[]): void {
    this.findings = findings;
    this.changed.emit();
  }
}

const SOURCE = 'prices = load()\ntotal = sum(prices)\nprint(total)';

describe('editor/diagnostics', () => {
  let view: EditorView;
  let source: FakeSource;

  beforeEach(() => {
    source = new FakeSource();
    view = new EditorView({
      state: EditorState.create({
        doc: SOURCE,
        extensions: [nbguardDiagnostics(source)]
      }),
      parent: document.body
    });
  });

  afterEach(() => {
    view.destroy();
  });

  it('underlines the exact range of a finding with its message', async () => {
    // Given an editor showing the cell
    // When the server reports a finding on `prices` in line 1
    source.set([finding()]);
    await flush();
    // Then the lint state holds one diagnostic over exactly `prices`
    const found = marked(view);
    expect(found).toHaveLength(1);
    const [{ from, to, diagnostic }] = found;
    expect(from).toBe(SOURCE.indexOf('sum(prices)') + 4);
    expect(to).toBe(from + 'prices'.length);
    expect(view.state.sliceDoc(from, to)).toBe('prices');
    expect(diagnostic.severity).toBe('warning');
    expect(diagnostic.message).toBe(
      "stale-cell (NBG201): 'prices' was rebound by cell [3] after this cell ran; re-run it."
    );
    expect(diagnostic.source).toBe(DIAGNOSTIC_SOURCE);
    // And the underline is in the DOM with the severity class
    const mark = view.contentDOM.querySelector(
      `.cm-lintRange-warning.${UNDERLINE_CLASS}`
    );
    expect(mark?.textContent).toBe('prices');
  });

  it('keeps the severity of each finding', async () => {
    // Given findings of the three severities on the three lines
    source.set([
      finding({
        severity: 'error',
        code: 'NBG101',
        rule: 'use-before-def',
        range: { start: { line: 0, column: 9 }, end: { line: 0, column: 13 } }
      }),
      finding(),
      finding({
        severity: 'info',
        code: 'NBG205',
        rule: 'run-order',
        range: { start: { line: 2, column: 0 }, end: { line: 2, column: 5 } }
      })
    ]);
    // When the editor syncs
    await flush();
    // Then each one is marked with its severity
    const severities = marked(view).map(m => [
      view.state.sliceDoc(m.from, m.to),
      m.diagnostic.severity
    ]);
    expect(severities).toEqual([
      ['load', 'error'],
      ['prices', 'warning'],
      ['print', 'info']
    ]);
  });

  it('does not underline findings without a range', async () => {
    // Given a finding about the whole cell (range null)
    // When it is reported
    source.set([finding({ range: null })]);
    await flush();
    // Then nothing is underlined
    expect(marked(view)).toHaveLength(0);
    expect(view.contentDOM.querySelector('.cm-lintRange')).toBeNull();
  });

  it('removes the underline when the finding goes away', async () => {
    // Given an underlined finding
    source.set([finding()]);
    await flush();
    expect(marked(view)).toHaveLength(1);
    // When the next check reports nothing
    source.set([]);
    await flush();
    // Then the underline is gone
    expect(marked(view)).toHaveLength(0);
  });

  it('clamps a range past the end of the cell instead of throwing', async () => {
    // Given a finding whose range ends beyond the source (the cell shrank)
    source.set([
      finding({
        range: { start: { line: 2, column: 6 }, end: { line: 40, column: 3 } }
      })
    ]);
    // When the editor syncs
    await flush();
    // Then the underline runs to the end of the document
    const [m] = marked(view);
    expect(m.from).toBe(SOURCE.lastIndexOf('total)'));
    expect(m.to).toBe(SOURCE.length);
  });

  it('stops listening once the editor is destroyed', async () => {
    // Given a destroyed editor
    const dispatch = jest.spyOn(view, 'dispatch');
    view.destroy();
    // When findings arrive
    source.set([finding()]);
    await flush();
    // Then the extension did not touch the editor
    expect(dispatch).not.toHaveBeenCalled();
    expect(marked(view)).toHaveLength(0);
  });
});

describe('toEditorDiagnostics', () => {
  it('renders the message, the code and the related locations', () => {
    // Given a finding with a related execution
    const doc = toText(SOURCE);
    // When converting it
    const [diagnostic] = toEditorDiagnostics(doc, [finding()]);
    // Then the tooltip body names rule, code and where the change came from
    const node = diagnostic.renderMessage?.(
      undefined as unknown as EditorView
    ) as HTMLElement;
    expect(node.textContent).toContain('stale-cell (NBG201)');
    // (never by its execution count, which reads as another cell's prompt)
    expect(node.querySelector('li')?.textContent).toBe('rebinds prices');
    expect(diagnostic.markClass).toBe(UNDERLINE_CLASS);
  });

  it("uses the source's tooltip renderer when it gives one", () => {
    // Given a renderer that knows the notebook
    const doc = toText(SOURCE);
    const custom = document.createElement('div');
    custom.textContent = 'with links';
    const render = jest.fn((d: Diagnostic) =>
      d.code === 'NBG201' ? custom : null
    );
    // When converting a finding it renders, and one it does not
    const [mine, other] = toEditorDiagnostics(
      doc,
      [finding(), finding({ code: 'NBG204', rule: 'out-of-order' })],
      render
    );
    const view = undefined as unknown as EditorView;
    // Then the first hover is the renderer's, the second the plain message
    expect(mine.renderMessage?.(view)).toBe(custom);
    expect((other.renderMessage?.(view) as HTMLElement).textContent).toContain(
      'out-of-order (NBG204)'
    );
  });
});

describe('quiet info underlines', () => {
  it('gives info findings the quiet class and warnings not', () => {
    // Given an info finding and a warning
    const doc = toText(SOURCE);
    const [info, warning] = toEditorDiagnostics(doc, [
      finding({ severity: 'info', code: 'NBG209', rule: 'superseded' }),
      finding()
    ]);
    // Then only the info underline is marked quiet (faint, dotted in CSS)
    expect(info.markClass).toBe(`${UNDERLINE_CLASS} ${QUIET_CLASS}`);
    expect(warning.markClass).toBe(UNDERLINE_CLASS);
  });
});

describe('findings in edited text', () => {
  let view: EditorView;
  let findings: Diagnostic[];
  let checked: string | null;
  const changed = new Signal<unknown, void>({});

  beforeEach(async () => {
    // Given `prices` in line 1 and `print` in line 2 underlined, as checked
    findings = [
      finding(),
      finding({
        code: 'NBG102',
        rule: 'undefined-name',
        range: { start: { line: 2, column: 0 }, end: { line: 2, column: 5 } }
      })
    ];
    checked = SOURCE;
    view = new EditorView({
      state: EditorState.create({
        doc: SOURCE,
        extensions: [
          nbguardDiagnostics({
            diagnostics: () => findings,
            checkedSource: () => checked,
            changed
          })
        ]
      }),
      parent: document.body
    });
    await flush();
    expect(marked(view)).toHaveLength(2);
  });

  afterEach(() => {
    view.destroy();
  });

  function texts(): string[] {
    return marked(view).map(m => view.state.sliceDoc(m.from, m.to));
  }

  it('hides the finding the user types over, and maps the others', () => {
    // When the user types over `prices` (replacing its last letter)
    const at = SOURCE.indexOf('sum(prices)') + 4 + 5;
    view.dispatch({ changes: { from: at, to: at + 1, insert: 'x' } });
    // Then its underline is gone at once, the other one stays on `print`
    expect(texts()).toEqual(['print']);
  });

  it('hides a finding the user types right against', () => {
    // When the user appends to `prices`
    const end = SOURCE.indexOf('sum(prices)') + 4 + 'prices'.length;
    view.dispatch({ changes: { from: end, insert: '_new' } });
    // Then that underline is hidden too
    expect(texts()).toEqual(['print']);
  });

  it('ignores an answer about the old text and applies the next check', async () => {
    // Given the user typed over `prices`
    const at = SOURCE.indexOf('sum(prices)') + 4;
    view.dispatch({ changes: { from: at, to: at + 6, insert: 'costs' } });
    // When an answer computed for the old text arrives (a check in flight)
    changed.emit();
    await flush();
    // Then it is not applied on the new text
    expect(texts()).toEqual(['print']);
    // When the check of the new text answers with the same finding moved
    checked = view.state.doc.toString();
    findings = [
      finding({
        range: { start: { line: 1, column: 12 }, end: { line: 1, column: 17 } }
      })
    ];
    changed.emit();
    await flush();
    // Then the editor shows exactly that answer
    expect(texts()).toEqual(['costs']);
  });

  it('shows the same finding again when the next check still reports it', async () => {
    // Given the user typed over `print` and then undid it by retyping
    const at = SOURCE.indexOf('print');
    view.dispatch({ changes: { from: at, to: at + 5, insert: 'print' } });
    expect(texts()).toEqual(['prices']);
    // When the next check answers with the unchanged findings
    changed.emit();
    await flush();
    // Then both underlines are back (the answer is not skipped as a repeat)
    expect(texts()).toEqual(['prices', 'print']);
  });
});
