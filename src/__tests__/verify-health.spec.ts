import type { INotebookContent } from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { DiagnosticsPanel } from '../panel/DiagnosticsPanel';
import type { INbGuardVerify } from '../tokens';
import { VerifyRecords } from '../verify/records';
import type { IReport } from '../verify/report';
import type { VerifySession } from '../verify/session';

import { FakeGuard, rendered } from './fakes';
import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    {
      id: 'a',
      cell_type: 'code',
      source: 'x = 1',
      metadata: {},
      execution_count: 1,
      outputs: []
    }
  ]
};

const FINISHED = new Date(2026, 11, 1, 12, 3, 30);

/** A session of `panel` whose comparison is in: 14 of 14 reproduced. */
function finishedSession(panel: NotebookPanel): VerifySession {
  const report: IReport = {
    summary: '14 of 14 cells reproduced',
    endNote: null,
    reproduced: true,
    same: 14,
    compared: 14,
    rows: []
  };
  return {
    panel,
    phase: 'report',
    report,
    finished: FINISHED
  } as unknown as VerifySession;
}

/** Emit a kernel status on the panel's (mock) session context. */
function emitStatus(panel: NotebookPanel, status: Kernel.Status): void {
  (panel.sessionContext.statusChanged as Signal<unknown, Kernel.Status>).emit(
    status
  );
}

describe('VerifyRecords', () => {
  it('keeps the latest result until the kernel restarts, and the report until dismissed', async () => {
    // Given a followed notebook
    const panel = await createPanel(CONTENT);
    const shown: VerifySession[] = [];
    const records = new VerifyRecords(session => shown.push(session));
    records.watch(panel);
    const changes: NotebookPanel[] = [];
    records.changed.connect((_, p) => changes.push(p));
    expect(records.state(panel)).toEqual({
      running: false,
      latest: null,
      hasReport: false
    });
    expect(records.openReport(panel)).toBe(false);

    // When a verification starts, its own restart does not count
    const session = finishedSession(panel);
    records.started(session);
    emitStatus(panel, 'restarting');
    expect(records.state(panel)).toEqual({
      running: true,
      latest: null,
      hasReport: true
    });

    // When it ends with a report
    records.ended(session);

    // Then the result is kept, and the report can be opened
    expect(records.state(panel)).toEqual({
      running: false,
      latest: { finished: FINISHED, reproduced: true, same: 14, compared: 14 },
      hasReport: true
    });
    expect(records.openReport(panel)).toBe(true);
    expect(shown).toEqual([session]);

    // When the report is dismissed, the result still holds
    records.dismissed(session);
    expect(records.state(panel).hasReport).toBe(false);
    expect(records.state(panel).latest?.same).toBe(14);
    expect(records.openReport(panel)).toBe(false);

    // When the user restarts the kernel, the result is forgotten
    emitStatus(panel, 'busy');
    expect(records.state(panel).latest).not.toBeNull();
    emitStatus(panel, 'restarting');
    expect(records.state(panel).latest).toBeNull();
    expect(changes.length).toBeGreaterThanOrEqual(4);
    expect(changes.every(p => p === panel)).toBe(true);
    panel.dispose();
  });

  it('keeps no result for a verification that failed', async () => {
    const panel = await createPanel(CONTENT);
    const records = new VerifyRecords(() => undefined);
    const failed = {
      panel,
      phase: 'failed',
      report: null,
      finished: null
    } as unknown as VerifySession;
    records.started(failed);
    records.ended(failed);
    expect(records.state(panel)).toEqual({
      running: false,
      latest: null,
      hasReport: true
    });
    panel.dispose();
  });
});

/** A restart-and-verify service with a fixed state for one notebook. */
class FakeVerify implements INbGuardVerify {
  constructor(readonly panel: NotebookPanel) {}
  current: INbGuardVerify.IState = {
    running: false,
    latest: null,
    hasReport: false
  };
  opened = 0;
  readonly changed = new Signal<this, NotebookPanel>(this);
  state(): INbGuardVerify.IState {
    return this.current;
  }
  openReport(): boolean {
    this.opened++;
    return this.current.hasReport;
  }
  set(state: INbGuardVerify.IState): void {
    this.current = state;
    this.changed.emit(this.panel);
  }
}

describe('DiagnosticsPanel, reproducibility line', () => {
  it('says whether the notebook reproduced since the restart and opens the report', async () => {
    // Given the Health panel of a notebook never verified
    const panel = await createPanel(CONTENT);
    const guard = new FakeGuard(panel);
    const verify = new FakeVerify(panel);
    const tracker = {
      currentWidget: panel,
      currentChanged: new Signal<INotebookTracker, NotebookPanel | null>(
        {} as INotebookTracker
      )
    } as unknown as INotebookTracker;
    const widget = new DiagnosticsPanel({
      guard,
      tracker,
      trans,
      reveal: async () => undefined,
      verify
    });
    Widget.attach(widget, document.body);
    widget.update();
    await rendered();
    const line = () =>
      widget.node.querySelector('.jp-nbguard-DiagnosticsPanel-verify');
    const link = () =>
      line()?.querySelector('button') as HTMLButtonElement | null;

    // Then it says so, with nothing to open
    expect(line()?.textContent).toBe('Not verified since the last restart');
    expect(link()).toBeNull();

    // When a verification runs
    verify.set({ running: true, latest: null, hasReport: true });
    await rendered();
    expect(line()?.textContent).toContain('Verification running');

    // When it finished with every cell reproduced
    verify.set({
      running: false,
      latest: { finished: FINISHED, reproduced: true, same: 14, compared: 14 },
      hasReport: true
    });
    await rendered();

    // Then the line gives the time and the counts, and opens the report
    const time = FINISHED.toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit'
    });
    expect(line()?.querySelector('span')?.textContent).toBe(
      `Verified ${time}: 14 of 14 cells reproduced`
    );
    expect(line()?.classList).toContain('jp-nbguard-mod-reproduced');
    link()!.click();
    expect(verify.opened).toBe(1);

    // When a later verification diverged and its report was dismissed
    // Then the counts follow, and the link goes
    verify.set({
      running: false,
      latest: { finished: FINISHED, reproduced: false, same: 3, compared: 4 },
      hasReport: false
    });
    await rendered();
    expect(line()?.textContent).toBe(
      `Verified ${time}: 3 of 4 cells reproduced`
    );
    expect(line()?.classList).toContain('jp-nbguard-mod-diverged');
    expect(link()).toBeNull();
    widget.dispose();
    panel.dispose();
  });

  it('shows no line without the verify plugin', async () => {
    const panel = await createPanel(CONTENT);
    const tracker = {
      currentWidget: panel,
      currentChanged: new Signal<INotebookTracker, NotebookPanel | null>(
        {} as INotebookTracker
      )
    } as unknown as INotebookTracker;
    const widget = new DiagnosticsPanel({
      guard: new FakeGuard(panel),
      tracker,
      trans,
      reveal: async () => undefined
    });
    Widget.attach(widget, document.body);
    widget.update();
    await rendered();
    expect(
      widget.node.querySelector('.jp-nbguard-DiagnosticsPanel-verify')
    ).toBeNull();
    expect(widget.node.textContent).toContain('nbguard:');
    widget.dispose();
    panel.dispose();
  });
});
