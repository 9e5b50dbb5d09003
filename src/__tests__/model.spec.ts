import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { KernelMessage } from '@jupyterlab/services';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import type {
  CheckRequest,
  CheckResponse,
  Diagnostic,
  NbGuardClient
} from '../api';
import { buildCheckRequest, NotebookChecker } from '../model';
import { NbGuardService, REQUIRED_FEATURES } from '../service';
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
      id: 'doc',
      cell_type: 'markdown',
      source: '# Prices',
      metadata: {}
    },
    {
      id: 'total',
      cell_type: 'code',
      source: 'total = sum(prices)',
      metadata: {},
      execution_count: null,
      outputs: []
    }
  ]
};

/**
 * A REST client whose `check` answers are controlled by the test.
 */
class FakeClient {
  requests: CheckRequest[] = [];
  answer: () => Promise<CheckResponse> = async () => ({
    diagnostics: [],
    kernel: null
  });
  check = jest.fn((body: CheckRequest): Promise<CheckResponse> => {
    this.requests.push(body);
    return this.answer();
  });
  asClient(): NbGuardClient {
    return this as unknown as NbGuardClient;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

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

const FEATURES = [...REQUIRED_FEATURES];

silenceFixtureWarnings();

describe('buildCheckRequest', () => {
  it('sends every cell with id, type, source and execution count', async () => {
    // Given a notebook with code and markdown cells
    const panel = await createPanel(CONTENT);
    // When building the check request
    const body = buildCheckRequest(
      panel.content.model!,
      'kernel-1',
      'dir/nb.ipynb',
      { select: [], ignore: ['NBG205'] }
    );
    // Then the cells are those of the notebook, in order
    expect(body).toEqual({
      cells: [
        {
          id: 'load',
          cell_type: 'code',
          source: 'prices = [1, 2]',
          execution_count: 1
        },
        {
          id: 'doc',
          cell_type: 'markdown',
          source: '# Prices',
          execution_count: null
        },
        {
          id: 'total',
          cell_type: 'code',
          source: 'total = sum(prices)',
          execution_count: null
        }
      ],
      kernel_id: 'kernel-1',
      path: 'dir/nb.ipynb',
      select: null,
      ignore: ['NBG205'],
      severity: null,
      ignore_names: null
    });
    panel.dispose();
  });

  it('sends the rules table: off rules join ignore, others go in severity', async () => {
    // Given a rule turned off, one raised to warning, one left at default
    const panel = await createPanel(CONTENT);
    // When building the check request
    const body = buildCheckRequest(panel.content.model!, null, null, {
      select: [],
      ignore: ['NBG205'],
      rules: { NBG209: 'off', NBG207: 'warning', NBG201: 'default' },
      ignoreNames: ['df']
    });
    // Then the server gets them as ignore, severity and ignore_names
    expect(body.ignore).toEqual(['NBG205', 'NBG209']);
    expect(body.severity).toEqual({ NBG207: 'warning' });
    expect(body.ignore_names).toEqual(['df']);
    panel.dispose();
  });
});

describe('NotebookChecker', () => {
  let panel: NotebookPanel;
  let client: FakeClient;
  let settings: INbGuardSettings;
  let checker: NotebookChecker;

  beforeEach(async () => {
    panel = await createPanel(CONTENT);
    client = new FakeClient();
    settings = { ...DEFAULT_SETTINGS, debounceMs: 30 };
    checker = new NotebookChecker({
      panel,
      client: client.asClient(),
      settings: () => settings,
      serverReady: Promise.resolve(true)
    });
  });

  afterEach(() => {
    checker.dispose();
    panel.dispose();
  });

  it('checks once the notebook is loaded and exposes the findings', async () => {
    // Given a server that finds a stale cell
    client.answer = async () => ({ diagnostics: [STALE], kernel: null });
    const changed = jest.fn();
    checker.changed.connect(changed);
    // When the checker starts
    await sleep(20);
    // Then it sent the notebook once and stores the findings per cell
    expect(client.requests).toHaveLength(1);
    expect(client.requests[0].cells.map(c => c.id)).toEqual([
      'load',
      'doc',
      'total'
    ]);
    expect(checker.diagnostics).toEqual([STALE]);
    expect(checker.forCell('total')).toEqual([STALE]);
    expect(checker.forCell('load')).toEqual([]);
    expect(checker.status).toBe('idle');
    expect(changed).toHaveBeenCalled();
  });

  it('re-checks after edits, debounced', async () => {
    // Given the initial check done
    await sleep(20);
    expect(client.requests).toHaveLength(1);
    // When the user types three characters within the debounce delay
    const cell = panel.content.model!.cells.get(2);
    for (const text of [
      'total = sum(prices) ',
      'total = sum(prices) +',
      'total = sum(prices) + 1'
    ]) {
      cell.sharedModel.setSource(text);
      await sleep(5);
    }
    // Then no check is sent before the delay has passed since the last edit
    expect(client.requests).toHaveLength(1);
    await sleep(60);
    // And exactly one check is sent, with the latest source
    expect(client.requests).toHaveLength(2);
    expect(client.requests[1].cells[2].source).toBe('total = sum(prices) + 1');
  });

  it('never has two checks in flight and coalesces edits made meanwhile', async () => {
    // Given a slow server
    let release: () => void = () => undefined;
    client.answer = () =>
      new Promise(resolve => {
        release = () => resolve({ diagnostics: [], kernel: null });
      });
    await sleep(20);
    expect(client.requests).toHaveLength(1);
    // When edits arrive while the first check is in flight
    panel.content.model!.cells.get(0).sharedModel.setSource('prices = [3]');
    await sleep(50);
    panel.content.model!.cells.get(0).sharedModel.setSource('prices = [4]');
    await sleep(50);
    // Then no second request was sent yet
    expect(client.requests).toHaveLength(1);
    // And one follow-up check runs after the first answers
    release();
    await sleep(20);
    expect(client.requests).toHaveLength(2);
    expect(client.requests[1].cells[0].source).toBe('prices = [4]');
    release();
  });

  it('holds automatic checks until released, then checks once', async () => {
    // Given the initial check done
    await sleep(20);
    expect(client.requests).toHaveLength(1);
    // When checks are held and the notebook changes twice
    const hold = checker.holdChecks();
    panel.content.model!.cells.get(0).sharedModel.setSource('prices = [3]');
    await sleep(50);
    checker.schedule(0);
    await sleep(50);
    // Then nothing is sent while held
    expect(client.requests).toHaveLength(1);
    // When the hold is released
    hold.dispose();
    hold.dispose(); // (twice is once)
    await sleep(80);
    // Then one check of the latest state follows
    expect(client.requests).toHaveLength(2);
    expect(client.requests[1].cells[0].source).toBe('prices = [3]');
    // And a hold during which checkNow ran asks for nothing more
    const again = checker.holdChecks();
    checker.schedule(0);
    await checker.checkNow();
    again.dispose();
    await sleep(80);
    expect(client.requests).toHaveLength(3);
  });

  it('logs a failing check once, keeps quiet after that, and never throws', async () => {
    // Given a server that fails
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    client.answer = () => Promise.reject(new Error('offline'));
    await sleep(20);
    // When two more checks fail
    await checker.checkNow();
    await checker.checkNow();
    // Then one console.error was written and the status says error
    expect(client.requests).toHaveLength(3);
    expect(error).toHaveBeenCalledTimes(1);
    expect(checker.status).toBe('error');
    error.mockRestore();
  });

  it('ignores kernel iopub traffic: other clients are told by the server', async () => {
    // Given the initial check done
    await sleep(20);
    const iopub = panel.sessionContext.iopubMessage as Signal<
      unknown,
      KernelMessage.IMessage
    >;
    // When another client's request goes idle on iopub
    iopub.emit(
      KernelMessage.createMessage({
        channel: 'iopub',
        msgType: 'status',
        session: 'kernel-session',
        content: { execution_state: 'idle' },
        parentHeader: {
          msg_id: 'console-request',
          session: 'console-session',
          username: '',
          date: '',
          msg_type: 'execute_request',
          version: '5.3'
        } as KernelMessage.IHeader<'execute_request'>
      })
    );
    await sleep(150);
    // Then no check follows from it
    expect(client.requests).toHaveLength(1);
  });

  it('clears the findings and stops checking when disabled', async () => {
    // Given findings
    client.answer = async () => ({ diagnostics: [STALE], kernel: null });
    await sleep(20);
    expect(checker.diagnostics).toHaveLength(1);
    // When the user disables nbguard
    settings = { ...settings, enabled: false };
    checker.settingsChanged();
    panel.content.model!.cells.get(0).sharedModel.setSource('prices = [9]');
    await sleep(60);
    // Then the findings are gone and no request was sent
    expect(checker.diagnostics).toHaveLength(0);
    expect(checker.status).toBe('disabled');
    expect(client.requests).toHaveLength(1);
  });

  it('sends nothing while the server extension is missing', async () => {
    // Given a checker whose handshake found no server extension
    const other = new FakeClient();
    const quiet = new NotebookChecker({
      panel,
      client: other.asClient(),
      settings: () => settings,
      serverReady: Promise.resolve(false)
    });
    // When it would check
    await quiet.checkNow();
    // Then no request is made
    expect(other.requests).toHaveLength(0);
    quiet.dispose();
  });
});

describe('NbGuardService.diagnosticsForEditorModel', () => {
  it("finds a cell editor's findings through its notebook, not just its id", async () => {
    // Given two open copies of a notebook (same cell ids) and a finding in one
    const first = await createPanel(CONTENT);
    const copy = await createPanel(CONTENT);
    const client = new FakeClient();
    client.answer = async () => ({ diagnostics: [STALE], kernel: null });
    const widgetAdded = new Signal<INotebookTracker, NotebookPanel>(
      {} as INotebookTracker
    );
    const tracker = {
      widgetAdded,
      forEach: (fn: (panel: NotebookPanel) => void) => fn(first)
    } as unknown as INotebookTracker;
    const service = new NbGuardService({
      tracker,
      client: client.asClient(),
      trans: nullTranslator.load('jupyterlab_nbguard')
    });
    (client as unknown as { handshake: () => Promise<unknown> }).handshake =
      async () => ({ kind: 'ok', version: '0.1.0', features: FEATURES });
    await service.handshake();
    await service.findings(first)!.checkNow();
    // When the editor extension asks for the models of the `total` cells
    const inFirst = first.content.widgets[2].model;
    const inCopy = copy.content.widgets[2].model;
    // Then only the checked notebook's cell gets the finding
    expect(service.diagnosticsForEditorModel(inFirst)).toEqual([STALE]);
    expect(service.diagnosticsForEditorModel(inCopy)).toEqual([]);
    expect(
      service.diagnosticsForEditorModel(first.content.widgets[0].model)
    ).toEqual([]);
    service.dispose();
    first.dispose();
    copy.dispose();
  });
});

describe('NbGuardService.handshake', () => {
  function service(status: unknown): NbGuardService {
    const client = {
      handshake: jest.fn(async () => status),
      check: jest.fn()
    } as unknown as NbGuardClient;
    const tracker = {
      widgetAdded: new Signal<INotebookTracker, NotebookPanel>(
        {} as INotebookTracker
      ),
      forEach: () => undefined
    } as unknown as INotebookTracker;
    return new NbGuardService({
      tracker,
      client,
      trans: nullTranslator.load('jupyterlab_nbguard')
    });
  }

  it('warns the user once when the server extension is missing', async () => {
    // Given a server without the nbguard extension
    const warning = jest.spyOn(Notification, 'warning');
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    const guard = service({ kind: 'missing' });
    // When the handshake is asked for twice
    await guard.handshake();
    await guard.handshake();
    // Then exactly one warning names the missing extension and the command
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning.mock.calls[0][0]).toContain('server extension is missing');
    expect(warning.mock.calls[0][0]).toContain('jupyter server extension list');
    warning.mockRestore();
    error.mockRestore();
    guard.dispose();
  });

  it('stays silent when the server extension answers', async () => {
    // Given a compatible server
    const warning = jest.spyOn(Notification, 'warning');
    const guard = service({ kind: 'ok', version: '0.1.0', features: FEATURES });
    // When shaking hands
    await guard.handshake();
    // Then nobody is notified
    expect(warning).not.toHaveBeenCalled();
    warning.mockRestore();
    guard.dispose();
  });
});
