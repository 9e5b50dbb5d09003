import { Notification } from '@jupyterlab/apputils';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { watchSettings } from '../activate';
import type { CheckRequest, CheckResponse, NbGuardClient } from '../api';
import { failureReason, NotebookChecker } from '../model';
import { DEFAULT_SETTINGS, INbGuardSettings } from '../settings';

import { finding } from './fakes';
import { createPanel, silenceFixtureWarnings } from './notebook';

const trans = nullTranslator.load('jupyterlab_nbguard');

silenceFixtureWarnings();

const CONTENT: INotebookContent = {
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
  cells: [
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
 * The error `requestAPI` raises for a 400 with nbguard's JSON error body.
 */
function refused(message: string): ServerConnection.ResponseError {
  const response = { status: 400 } as Response;
  return new ServerConnection.ResponseError(response, message);
}

describe('a failed check says why', () => {
  let panel: NotebookPanel;
  let answer: () => Promise<CheckResponse>;
  let checker: NotebookChecker;
  let quiet: jest.SpyInstance;

  beforeEach(async () => {
    panel = await createPanel(CONTENT);
    answer = async () => ({ diagnostics: [], kernel: null });
    const client = {
      check: (_: CheckRequest) => answer()
    } as unknown as NbGuardClient;
    quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    checker = new NotebookChecker({
      panel,
      client,
      settings: () => ({ ...DEFAULT_SETTINGS, select: ['stale'] }),
      serverReady: Promise.resolve(true),
      trans
    });
    await checker.checkNow();
  });

  afterEach(() => {
    checker.dispose();
    panel.dispose();
    quiet.mockRestore();
  });

  it("keeps the server's reason for a refused check until a check succeeds", async () => {
    // Given a server that refuses the Select setting
    answer = () =>
      Promise.reject(
        refused(
          "select: unknown rule 'stale' (use a code such as NBG201, a prefix such as NBG2, or a rule name such as stale-cell)"
        )
      );
    // When the notebook is checked
    await checker.checkNow();
    // Then the checker is in error and says why, in the server's words
    expect(checker.status).toBe('error');
    expect(checker.error).toBe(
      "The server refused the check (400): select: unknown rule 'stale' (use a code such as NBG201, a prefix such as NBG2, or a rule name such as stale-cell)"
    );
    // When a later check succeeds
    answer = async () => ({ diagnostics: [finding({})], kernel: null });
    await checker.checkNow();
    // Then the reason is gone
    expect(checker.status).toBe('idle');
    expect(checker.error).toBeNull();
  });

  it('records what it checked, when, and the source the ranges refer to', async () => {
    // Given a successful check
    const before = Date.now();
    await checker.checkNow();
    // Then the check info and the checked source are known
    expect(checker.lastCheck?.cells).toBe(1);
    expect(checker.lastCheck?.withKernel).toBe(false);
    expect(checker.lastCheck!.time.getTime()).toBeGreaterThanOrEqual(before);
    expect(checker.checkedSource('total')).toBe('total = sum(prices)');
    expect(checker.checkedSource('nope')).toBeNull();
  });

  it('describes network failures and timeouts too', () => {
    // Given failures that are not answers of the server
    const network = new ServerConnection.NetworkError(new TypeError('x'));
    const timeout = new DOMException('aborted', 'AbortError');
    // Then each gets a sentence a user can act on
    expect(failureReason(network, trans)).toBe(
      'The Jupyter server cannot be reached.'
    );
    expect(failureReason(timeout, trans)).toBe(
      'The server did not answer within 30 s.'
    );
  });
});

describe('watchSettings', () => {
  it('tells the user when the registry refuses the settings, and keeps checking', async () => {
    // Given a registry that refuses a hand-written Select typo
    const quiet = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    const notify = jest
      .spyOn(Notification, 'error')
      .mockImplementation(() => '');
    const registry = {
      load: () =>
        Promise.reject([
          {
            instancePath: '/select/0',
            keyword: 'anyOf',
            message: 'must match a schema in anyOf',
            schemaPath: '#/properties/select/items/anyOf'
          }
        ])
    } as unknown as ISettingRegistry;
    const configure = jest.fn();
    // When nbguard loads its settings
    await watchSettings(registry, { configure }, trans);
    // Then a notification names the bad field, and the defaults stay in use
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify.mock.calls[0][0]).toContain(
      '/select/0 must match a schema in anyOf'
    );
    expect(notify.mock.calls[0][0]).toContain('default settings');
    expect(configure).not.toHaveBeenCalled();
    notify.mockRestore();
    quiet.mockRestore();
  });

  it('applies valid settings and their changes', async () => {
    // Given a registry with valid settings
    const changed = new Signal<unknown, void>({});
    let composite: Record<string, unknown> = { showInfo: 'underlines' };
    const registry = {
      load: async () => ({
        get composite() {
          return composite;
        },
        changed
      })
    } as unknown as ISettingRegistry;
    const applied: INbGuardSettings[] = [];
    // When nbguard loads them and the user changes one
    await watchSettings(registry, { configure: s => applied.push(s) }, trans);
    composite = { showInfo: 'off' };
    changed.emit();
    // Then both are applied
    expect(applied.map(s => s.showInfo)).toEqual(['underlines', 'off']);
  });
});
