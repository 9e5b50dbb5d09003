import { Notification } from '@jupyterlab/apputils';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { Event } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import type {
  CheckRequest,
  CheckResponse,
  Diagnostic,
  NbGuardClient
} from '../api';
import { NotebookChecker, STRUCTURE_DELAY_MS } from '../model';
import { HISTORY_CHANGED, NbGuardService, REQUIRED_FEATURES } from '../service';
import { DEFAULT_SETTINGS, INbGuardSettings } from '../settings';

import { createPanel, silenceFixtureWarnings } from './notebook';

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
    {
      id: 'load',
      cell_type: 'code',
      source: 'prices = [1, 2]',
      metadata: {},
      execution_count: 1,
      outputs: []
    },
    {
      id: 'total',
      cell_type: 'code',
      source: 'total = sum(prices)',
      metadata: {},
      execution_count: 2,
      outputs: []
    }
  ]
};

const STALE: Diagnostic = {
  code: 'NBG201',
  rule: 'stale-cell',
  severity: 'warning',
  cell_id: 'total',
  message: 'prices changed',
  range: { start: { line: 0, column: 12 }, end: { line: 0, column: 18 } },
  names: ['prices'],
  related: []
};

/**
 * A REST client whose answers the test releases one by one.
 */
class HeldClient {
  requests: CheckRequest[] = [];
  signals: AbortSignal[] = [];
  pending: Array<(answer: CheckResponse) => void> = [];
  hold = false;
  answer: CheckResponse = { diagnostics: [], kernel: null };
  check = jest.fn((body: CheckRequest, signal?: AbortSignal) => {
    this.requests.push(body);
    this.signals.push(signal!);
    if (!this.hold) {
      return Promise.resolve(this.answer);
    }
    return new Promise<CheckResponse>(resolve => this.pending.push(resolve));
  });
  handshake = jest.fn(async () => ({
    kind: 'ok',
    version: '0.1.0',
    features: [...REQUIRED_FEATURES]
  }));
  asClient(): NbGuardClient {
    return this as unknown as NbGuardClient;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

silenceFixtureWarnings();

describe('NotebookChecker re-check triggers', () => {
  let panel: NotebookPanel;
  let client: HeldClient;
  let settings: INbGuardSettings;
  let checker: NotebookChecker;

  beforeEach(async () => {
    panel = await createPanel(CONTENT);
    client = new HeldClient();
    // A debounce no test waits for: only the trigger under test can check.
    settings = { ...DEFAULT_SETTINGS, debounceMs: 60000 };
    checker = new NotebookChecker({
      panel,
      client: client.asClient(),
      settings: () => settings,
      serverReady: Promise.resolve(true)
    });
    await sleep(20);
    expect(client.requests).toHaveLength(1);
  });

  afterEach(() => {
    checker.dispose();
    panel.dispose();
  });

  const settle = () => sleep(STRUCTURE_DELAY_MS + 40);
  const ids = (i: number) => client.requests[i].cells.map(c => c.id);

  it('re-checks soon after a cell is added', async () => {
    panel.content.model!.sharedModel.insertCell(1, {
      cell_type: 'code',
      source: 'x = 1',
      id: 'added'
    });
    await settle();
    expect(client.requests).toHaveLength(2);
    expect(ids(1)).toEqual(['load', 'added', 'total']);
  });

  it('re-checks soon after a cell is deleted', async () => {
    panel.content.model!.sharedModel.deleteCell(0);
    await settle();
    expect(client.requests).toHaveLength(2);
    expect(ids(1)).toEqual(['total']);
  });

  it('re-checks soon after a cell is moved', async () => {
    panel.content.model!.sharedModel.moveCell(0, 1);
    await settle();
    expect(client.requests).toHaveLength(2);
    expect(ids(1)).toEqual(['total', 'load']);
  });

  it('checks a paste of several cells once', async () => {
    panel.content.model!.sharedModel.insertCells(2, [
      { cell_type: 'code', source: 'a = 1', id: 'p1' },
      { cell_type: 'code', source: 'b = a', id: 'p2' }
    ]);
    await settle();
    expect(client.requests).toHaveLength(2);
    expect(ids(1)).toEqual(['load', 'total', 'p1', 'p2']);
  });

  it('re-checks at once when the kernel changes', async () => {
    const kernelChanged = panel.sessionContext.kernelChanged as Signal<
      unknown,
      unknown
    >;
    kernelChanged.emit({ name: 'kernel', oldValue: null, newValue: null });
    await sleep(20);
    expect(client.requests).toHaveLength(2);
  });

  it('re-checks on a history_changed event it has not seen, not on one it has', async () => {
    // Given a notebook on kernel k-1, whose last check saw 2 executions
    const kernelId = 'k-1';
    jest.spyOn(checker, 'kernelId', 'get').mockReturnValue(kernelId);
    client.answer = {
      diagnostics: [],
      kernel: { id: kernelId, epoch: 0, execution_count: 2, executions: 2 }
    };
    await checker.checkNow();
    expect(client.requests).toHaveLength(2);
    // When the server reports that very history
    const event = { kernel_id: kernelId, epoch: 0, executions: 2 };
    checker.historyChanged({ ...event, execution_count: 2 });
    await sleep(150);
    // Then nothing is re-checked
    expect(client.requests).toHaveLength(2);
    // When it reports an execution by another client, or another kernel's
    checker.historyChanged({
      ...event,
      kernel_id: 'other',
      execution_count: 3
    });
    await sleep(150);
    expect(client.requests).toHaveLength(2);
    checker.historyChanged({ ...event, executions: 3, execution_count: 3 });
    await sleep(150);
    // Then this notebook is checked again, once
    expect(client.requests).toHaveLength(3);
  });
});

describe('NotebookChecker: the newest answer wins', () => {
  it('drops the answer of a check superseded by a kernel change', async () => {
    // Given a slow server and a first check in flight
    const panel = await createPanel(CONTENT);
    const client = new HeldClient();
    client.hold = true;
    const checker = new NotebookChecker({
      panel,
      client: client.asClient(),
      settings: () => DEFAULT_SETTINGS,
      serverReady: Promise.resolve(true)
    });
    await sleep(20);
    expect(client.requests).toHaveLength(1);
    // When the kernel changes while it is in flight
    (panel.sessionContext.kernelChanged as Signal<unknown, unknown>).emit({});
    await sleep(20);
    // Then a second check starts without waiting, and the first is aborted
    expect(client.requests).toHaveLength(2);
    expect(client.signals[0].aborted).toBe(true);
    // When the second answers (clean), then the first one (stale)
    client.pending[1]({ diagnostics: [], kernel: null });
    await sleep(10);
    client.pending[0]({ diagnostics: [STALE], kernel: null });
    await sleep(10);
    // Then only the newest answer is shown
    expect(checker.diagnostics).toEqual([]);
    expect(checker.status).toBe('idle');
    checker.dispose();
    panel.dispose();
  });
});

describe('NotebookChecker: only changed cells are announced', () => {
  it('names the cells whose findings changed and keeps equal answers as they are', async () => {
    // Given a checker whose server finds a stale cell
    const panel = await createPanel(CONTENT);
    const client = new HeldClient();
    client.answer = { diagnostics: [STALE], kernel: null };
    const checker = new NotebookChecker({
      panel,
      client: client.asClient(),
      settings: () => DEFAULT_SETTINGS,
      serverReady: Promise.resolve(true)
    });
    const announced: string[][] = [];
    checker.cellsChanged.connect((_, cells) => announced.push([...cells]));
    await sleep(20);
    expect(announced).toEqual([['total']]);
    const first = checker.diagnostics;
    // When a check answers the same (in new objects)
    client.answer = { diagnostics: [{ ...STALE }], kernel: null };
    await checker.checkNow();
    // Then no cell is announced and the findings are the same array
    expect(announced).toHaveLength(1);
    expect(checker.diagnostics).toBe(first);
    // When the finding goes away
    client.answer = { diagnostics: [], kernel: null };
    await checker.checkNow();
    // Then only that cell is announced
    expect(announced).toEqual([['total'], ['total']]);
    checker.dispose();
    panel.dispose();
  });
});

/**
 * A tracker over the given panels, with a signal for the ones opened later.
 */
function trackerOf(panels: NotebookPanel[]): {
  tracker: INotebookTracker;
  add: (panel: NotebookPanel) => void;
} {
  const widgetAdded = new Signal<INotebookTracker, NotebookPanel>(
    {} as INotebookTracker
  );
  const tracker = {
    widgetAdded,
    forEach: (fn: (panel: NotebookPanel) => void) => panels.forEach(fn)
  } as unknown as INotebookTracker;
  return { tracker, add: panel => widgetAdded.emit(panel) };
}

describe('NbGuardService with several views and notebooks', () => {
  it('gives two views of one notebook the same findings, and a second notebook its own', async () => {
    // Given a notebook in two views, and another notebook
    const context = await NBTestUtils.createMockContext();
    const left = NBTestUtils.createNotebookPanel(context);
    left.content.model!.fromJSON(CONTENT);
    const right = NBTestUtils.createNotebookPanel(context);
    const other = await createPanel(CONTENT);
    const client = new HeldClient();
    client.answer = { diagnostics: [STALE], kernel: null };
    const { tracker, add } = trackerOf([left, other]);
    const service = new NbGuardService({
      tracker,
      client: client.asClient(),
      trans: nullTranslator.load('jupyterlab_nbguard')
    });
    add(right);
    await service.handshake();
    const changed: NotebookPanel[] = [];
    service.changed.connect((_, args) => changed.push(args.panel));
    // When the notebook is checked
    await service.findings(left)!.checkNow();
    // Then both views share one store with the finding, and both are told
    expect(service.findings(right)).toBe(service.findings(left));
    expect(service.findings(right)!.diagnostics).toEqual([STALE]);
    expect(changed).toEqual(expect.arrayContaining([left, right]));
    // And the other notebook keeps its own store
    expect(service.findings(other)).not.toBe(service.findings(left));
    client.answer = { diagnostics: [], kernel: null };
    await service.findings(other)!.checkNow();
    expect(service.findings(left)!.diagnostics).toEqual([STALE]);
    // When the first view closes, the second goes on being checked
    left.dispose();
    const kept = service.findings(right) as NotebookChecker;
    expect(kept.isDisposed).toBe(false);
    expect(kept.panel).toBe(right);
    const before = client.requests.length;
    await kept.checkNow();
    expect(client.requests.length).toBe(before + 1);
    service.dispose();
    right.dispose();
    other.dispose();
  });

  it('signals only the editors of the cells whose findings changed', async () => {
    // Given a checked notebook and the editor signals of its two cells
    const panel = await createPanel(CONTENT);
    const client = new HeldClient();
    const { tracker } = trackerOf([panel]);
    const service = new NbGuardService({
      tracker,
      client: client.asClient(),
      trans: nullTranslator.load('jupyterlab_nbguard')
    });
    await service.handshake();
    await service.findings(panel)!.checkNow();
    const [load, total] = panel.content.widgets.map(w => w.model);
    const heard = { load: 0, total: 0 };
    service.cellChanged(load).connect(() => heard.load++);
    service.cellChanged(total).connect(() => heard.total++);
    // When a check finds a stale `total`
    client.answer = { diagnostics: [STALE], kernel: null };
    await service.findings(panel)!.checkNow();
    // Then only the `total` editor is told
    expect(heard).toEqual({ load: 0, total: 1 });
    // And the settings changing tells every editor
    service.configure({ ...DEFAULT_SETTINGS, showUnderlines: false });
    expect(heard).toEqual({ load: 1, total: 2 });
    service.dispose();
    panel.dispose();
  });

  it('re-checks the notebooks of a kernel when the event bus says its history changed', async () => {
    // Given a checked notebook and the server's event stream
    const panel = await createPanel(CONTENT);
    const client = new HeldClient();
    const stream = new Signal<Event.IManager, Event.Emission>(
      {} as Event.IManager
    );
    const service = new NbGuardService({
      tracker: trackerOf([panel]).tracker,
      client: client.asClient(),
      trans: nullTranslator.load('jupyterlab_nbguard'),
      events: { stream } as unknown as Event.IManager
    });
    await service.handshake();
    await service.findings(panel)!.checkNow();
    const before = client.requests.length;
    const kernelId = 'k-2';
    jest
      .spyOn(NotebookChecker.prototype, 'kernelId', 'get')
      .mockReturnValue(kernelId);
    // When another event arrives, then nbguard's for this kernel
    stream.emit({
      schema_id: 'https://example.org/other',
      kernel_id: kernelId
    });
    stream.emit({
      schema_id: HISTORY_CHANGED,
      kernel_id: kernelId,
      epoch: 0,
      executions: 5,
      execution_count: 5
    });
    await sleep(200);
    // Then exactly one check follows, for nbguard's event
    expect(client.requests.length).toBe(before + 1);
    jest.restoreAllMocks();
    service.dispose();
    panel.dispose();
  });

  it('says once that the server extension is older than the frontend', async () => {
    const warning = jest.spyOn(Notification, 'warning');
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    const client = new HeldClient();
    client.handshake.mockResolvedValue({
      kind: 'ok',
      version: '0.0.9',
      features: []
    });
    const service = new NbGuardService({
      tracker: trackerOf([]).tracker,
      client: client.asClient(),
      trans: nullTranslator.load('jupyterlab_nbguard')
    });
    await service.handshake();
    await service.handshake();
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning.mock.calls[0][0]).toContain('0.0.9');
    expect(warning.mock.calls[0][0]).toContain('older');
    warning.mockRestore();
    error.mockRestore();
    service.dispose();
  });
});
