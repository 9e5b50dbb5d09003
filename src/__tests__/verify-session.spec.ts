import type { ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { NotebookPanel } from '@jupyterlab/notebook';
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

import type {
  IVerifyRequest,
  VerifyCompareResponse,
  VerifyClient
} from '../verify/api';
import { VerifyPanel } from '../verify/panel';
import type { ExecutionResult, IRunCell, IRunHost } from '../verify/runner';
import { VerifySession } from '../verify/session';
import { IStoredVerification, SnapshotStore } from '../verify/snapshot';

import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    {
      id: 'seed',
      cell_type: 'code',
      source: 'import random',
      metadata: {},
      execution_count: 1,
      outputs: []
    },
    { id: 'doc', cell_type: 'markdown', source: 'A draw', metadata: {} },
    {
      id: 'draw',
      cell_type: 'code',
      source: 'random.random()',
      metadata: { tags: ['demo'] },
      execution_count: 2,
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 2,
          data: { 'text/plain': '0.417' },
          metadata: {}
        }
      ]
    },
    {
      id: 'skipme',
      cell_type: 'code',
      source: '# NBVAL_SKIP\nslow()',
      metadata: {},
      execution_count: 3,
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'slow\n' }]
    }
  ]
};

/**
 * Stands for the kernel: each run gives the cell a new count and output.
 */
class FakeHost implements IRunHost {
  executed: string[] = [];
  constructor(private readonly _panel: NotebookPanel) {}
  async restart(): Promise<void> {
    // nothing to restart
  }
  async execute(cell: IRunCell): Promise<ExecutionResult> {
    this.executed.push(cell.id);
    const model = this._panel.content.model!;
    for (let i = 0; i < model.cells.length; i++) {
      const code = model.cells.get(i) as ICodeCellModel;
      if (code.id === cell.id) {
        code.outputs.clear();
        code.outputs.add({
          output_type: 'execute_result',
          execution_count: this.executed.length,
          data: { 'text/plain': `new ${cell.id}` },
          metadata: {}
        });
        code.executionCount = this.executed.length;
      }
    }
    return 'ok';
  }
  async interrupt(): Promise<void> {
    // never interrupted here
  }
  watchKernel(): IDisposable {
    return { isDisposed: false, dispose: () => undefined };
  }
}

/**
 * Stands for the server: records the request, answers a divergence at
 * `draw`.
 */
function fakeClient(requests: IVerifyRequest[]): VerifyClient {
  const answer: VerifyCompareResponse = {
    reproduced: false,
    first_divergence: 'draw',
    cells: [
      { cell_id: 'seed', status: 'same', diff: null, consequence_of: null },
      {
        cell_id: 'draw',
        status: 'changed',
        diff: '--- before\n+++ after\n@@ -1 +1 @@\n-0.417\n+new draw\n',
        consequence_of: null
      },
      { cell_id: 'skipme', status: 'skipped', diff: null, consequence_of: null }
    ]
  };
  return {
    compare: async (body: IVerifyRequest) => {
      requests.push(JSON.parse(JSON.stringify(body)));
      return answer;
    }
  } as unknown as VerifyClient;
}

/** Every code cell's outputs and count, serialised. */
function codeState(panel: NotebookPanel): string {
  const json = panel.content.model!.toJSON() as unknown as INotebookContent;
  return JSON.stringify(
    json.cells
      .filter(c => c.cell_type === 'code')
      .map(c => [c.id, c.outputs, c.execution_count])
  );
}

/**
 * A snapshot store whose writes wait until `open` is called; `onSave` sees
 * each value as it is written.
 */
function gatedStore(
  db: StateDB,
  onSave: (value: IStoredVerification) => void = () => undefined
): { slow: SnapshotStore; open: () => void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>(resolve => (open = resolve));
  class SlowStore extends SnapshotStore {
    async save(value: IStoredVerification): Promise<void> {
      await gate;
      onSave(value);
      await super.save(value);
    }
  }
  return { slow: new SlowStore(db), open: () => open() };
}

const OPTIONS: VerifySession.IRunOptions = {
  continueOnError: false,
  compare: { sanitizers: [], compare_images: false, float_tolerance: 0 }
};

describe('VerifySession', () => {
  let panel: NotebookPanel;
  let db: StateDB;
  let store: SnapshotStore;
  let requests: IVerifyRequest[];

  beforeEach(async () => {
    panel = await createPanel(CONTENT);
    db = new StateDB();
    store = new SnapshotStore(db);
    requests = [];
  });

  afterEach(() => {
    panel.dispose();
  });

  it('runs, sends before and after to the server, and restores exactly', async () => {
    // Given the outputs before
    const before = codeState(panel);
    const session = new VerifySession({
      panel,
      client: fakeClient(requests),
      store,
      trans
    });
    const host = new FakeHost(panel);

    // When the notebook is verified
    await session.start(OPTIONS, host);

    // Then the skipped cell did not run, the others did, top to bottom
    expect(host.executed).toEqual(['seed', 'draw']);
    // And the server got the snapshot as before, the new outputs as after
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request.kernel_id).toBeNull();
    expect(request.options).toEqual(OPTIONS.compare);
    expect(request.cells.map(c => [c.id, c.after.ran, c.tags])).toEqual([
      ['seed', true, []],
      ['draw', true, ['demo']],
      ['skipme', false, []]
    ]);
    expect(request.cells[1].before).toEqual({
      execution_count: 2,
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 2,
          data: { 'text/plain': '0.417' },
          metadata: {}
        }
      ]
    });
    expect(request.cells[1].after.outputs[0]).toMatchObject({
      data: { 'text/plain': 'new draw' }
    });
    // And the report names the root cause
    expect(session.phase).toBe('report');
    expect(session.report?.summary).toBe(
      '1 of 2 cells reproduced; first divergence: cell 3'
    );
    // And the state database keeps the snapshot with the report, and the
    // new outputs of the cell that changed (only that one)
    const kept = await store.load(panel.context.path);
    expect(kept?.report?.first_divergence).toBe('draw');
    expect(kept?.ended).toBe('completed');
    expect(kept?.after?.map(c => c.id)).toEqual(['draw']);
    expect(session.finished).toBeInstanceOf(Date);
    // And both sides of the changed cell are at hand for the report
    const sides = session.outputsOf('draw');
    expect(sides?.before.outputs[0]).toMatchObject({
      data: { 'text/plain': '0.417' }
    });
    expect(sides?.after.outputs[0]).toMatchObject({
      data: { 'text/plain': 'new draw' }
    });
    expect(session.outputsOf('seed')).toBeNull();
    expect(session.report?.same).toBe(1);
    expect(session.report?.compared).toBe(2);

    // When the previous outputs are restored
    expect(codeState(panel)).not.toBe(before);
    expect(session.restore()).toBe(3);

    // Then every code cell's outputs and count are as before, byte for byte
    expect(codeState(panel)).toBe(before);
    expect(session.restored).toBe(true);

    // When the report is dismissed, the snapshot is forgotten
    await session.dismiss();
    expect(await store.load(panel.context.path)).toBeNull();
  });

  it('restarts without waiting for the state database, which still keeps the snapshot, then the report', async () => {
    // Given a state database that takes its time
    const kept: Array<string | null> = [];
    const { slow, open } = gatedStore(db, value =>
      kept.push(value.report?.first_divergence ?? null)
    );
    const session = new VerifySession({
      panel,
      client: fakeClient(requests),
      store: slow,
      trans
    });
    const host = new FakeHost(panel);
    let keptAtRestart = -1;
    host.restart = async () => {
      keptAtRestart = kept.length;
    };

    // When the notebook is verified
    const run = session.start(OPTIONS, host);
    await new Promise(resolve => setTimeout(resolve, 0));

    // Then the kernel restarted and the report is shown while nothing has
    // been written yet
    expect(keptAtRestart).toBe(0);
    expect(session.phase).toBe('report');
    expect(kept).toEqual([]);
    // And the snapshot is in memory all the same
    expect(session.snapshot?.cells.map(c => c.id)).toEqual([
      'seed',
      'draw',
      'skipme'
    ]);

    // When the database catches up
    open();
    await run;

    // Then the snapshot was written first and the report after it
    expect(kept).toEqual([null, 'draw']);
    expect(
      (await slow.load(panel.context.path))?.report?.first_divergence
    ).toBe('draw');
  });

  it('dismissed while a write is under way, forgets the snapshot for good', async () => {
    const { slow, open } = gatedStore(db);
    const session = new VerifySession({
      panel,
      client: fakeClient(requests),
      store: slow,
      trans
    });
    const run = session.start(OPTIONS, new FakeHost(panel));
    await new Promise(resolve => setTimeout(resolve, 0));

    // When the report is dismissed before the database has written anything
    const dismissed = session.dismiss();
    open();
    await Promise.all([run, dismissed]);

    // Then nothing of it is left in the database
    expect(await slow.load(panel.context.path)).toBeNull();
  });

  it('comes back after a reload with its report, or as interrupted', async () => {
    // Given a finished verification kept in the state database
    const first = new VerifySession({
      panel,
      client: fakeClient(requests),
      store,
      trans
    });
    const before = codeState(panel);
    await first.start(OPTIONS, new FakeHost(panel));
    const kept = await store.load(panel.context.path);

    // When a new page takes it up
    const again = new VerifySession({
      panel,
      client: fakeClient(requests),
      store,
      trans
    });
    again.resume(kept!);

    // Then it shows the report and can still restore
    expect(again.phase).toBe('report');
    expect(again.report?.rows.find(r => r.isRootCause)?.cellId).toBe('draw');
    again.restore();
    expect(codeState(panel)).toBe(before);
    // And the new outputs of the changed cell are still shown, though the
    // notebook no longer holds them
    expect(again.outputsOf('draw')?.after.outputs[0]).toMatchObject({
      data: { 'text/plain': 'new draw' }
    });

    // And a run that never finished comes back as interrupted
    const unfinished = new VerifySession({
      panel,
      client: fakeClient(requests),
      store,
      trans
    });
    unfinished.resume({ ...kept!, report: null, ended: null });
    expect(unfinished.phase).toBe('interrupted');
  });

  it('ends in failed, keeping the snapshot, when the server cannot compare', async () => {
    const client = {
      compare: async () => {
        throw new Error('Not Found');
      }
    } as unknown as VerifyClient;
    const session = new VerifySession({ panel, client, store, trans });
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await session.start(OPTIONS, new FakeHost(panel));
    expect(session.phase).toBe('failed');
    expect(session.error).toBe('Not Found');
    expect(await store.load(panel.context.path)).not.toBeNull();
  });
});

describe('VerifyPanel', () => {
  it('shows the summary, the root cause and the highlighted diff', async () => {
    // Given a finished verification
    const panel = await createPanel(CONTENT);
    const session = new VerifySession({
      panel,
      client: fakeClient([]),
      store: new SnapshotStore(new StateDB()),
      trans
    });
    await session.start(OPTIONS, new FakeHost(panel));
    const opened: string[] = [];
    let restored = 0;

    // When its panel is shown
    const widget = new VerifyPanel({
      session,
      trans,
      onRestore: () => restored++,
      onDismiss: () => undefined,
      onOpenCell: id => opened.push(id)
    });
    Widget.attach(widget, document.body);
    widget.update();
    await new Promise(resolve => setTimeout(resolve, 50));
    const node = widget.node;

    // Then it says what reproduced and which cell diverged first
    expect(node.querySelector('.jp-nbguard-Verify-summary')?.textContent).toBe(
      '1 of 2 cells reproduced; first divergence: cell 3'
    );
    const root = node.querySelector('.jp-nbguard-Verify-row.jp-mod-rootCause');
    expect(root?.getAttribute('data-cell-id')).toBe('draw');
    expect(root?.textContent).toContain('root cause');
    // And the diff's changed lines are marked
    expect(
      Array.from(root!.querySelectorAll('.jp-mod-remove, .jp-mod-add')).map(
        l => l.textContent
      )
    ).toEqual(['-0.417\n', '+new draw\n']);
    // And its outputs before and after are rendered side by side, by
    // rendermime, without prompts; a cell that reproduced shows none
    const side = (kind: string) =>
      root!.querySelector(
        `.jp-nbguard-Verify-side.jp-mod-${kind} .jp-OutputArea-output`
      );
    expect(
      root!.querySelector('.jp-nbguard-Verify-sideHeading')?.textContent
    ).toBe('Before');
    expect(side('before')?.textContent).toBe('0.417');
    expect(side('after')?.textContent).toBe('new draw');
    expect(
      node.querySelector(
        '.jp-nbguard-Verify-row[data-cell-id="seed"] .jp-nbguard-Verify-side'
      )
    ).toBeNull();
    // And a row click opens its cell, and the buttons do their jobs
    (root!.querySelector('button') as HTMLButtonElement).click();
    expect(opened).toEqual(['draw']);
    const restore = Array.from(node.querySelectorAll('button')).find(
      b => b.textContent === 'Restore previous outputs'
    );
    restore!.click();
    expect(restored).toBe(1);
    widget.dispose();
    panel.dispose();
  });
});
