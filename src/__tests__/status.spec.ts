import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { INotebookContent } from '@jupyterlab/nbformat';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { DEFAULT_SETTINGS } from '../settings';
import { FindingsStatus } from '../status';

import { FakeGuard, finding, rendered } from './fakes';
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
      execution_count: 2,
      outputs: []
    }
  ]
};

describe('FindingsStatus', () => {
  let panel: NotebookPanel;
  let guard: FakeGuard;
  let item: FindingsStatus;
  let onClick: jest.Mock;

  beforeEach(async () => {
    panel = await createPanel(CONTENT);
    guard = new FakeGuard(panel);
    onClick = jest.fn();
    const tracker = {
      currentWidget: panel,
      currentChanged: new Signal<INotebookTracker, NotebookPanel | null>(
        {} as INotebookTracker
      )
    } as unknown as INotebookTracker;
    item = new FindingsStatus({ guard, tracker, trans, onClick });
    Widget.attach(item, document.body);
  });

  afterEach(() => {
    item.dispose();
    panel.dispose();
  });

  async function show(): Promise<HTMLButtonElement> {
    guard.changed.emit({ panel });
    await rendered();
    return item.node.querySelector('button') as HTMLButtonElement;
  }

  function counts(button: HTMLElement): Record<string, string> {
    const result: Record<string, string> = {};
    button.querySelectorAll('.jp-nbguard-Status-count').forEach(node => {
      const severity = ['error', 'warning', 'info'].find(s =>
        node.classList.contains(`jp-nbguard-mod-${s}`)
      );
      result[severity ?? '?'] = node.textContent ?? '';
    });
    return result;
  }

  it('says nbguard is off when disabled, instead of counting zeros', async () => {
    // Given nbguard disabled in the settings
    guard.settings = { ...DEFAULT_SETTINGS, enabled: false };
    guard.status = 'disabled';
    // When the item renders
    const button = await show();
    // Then it shows "off", no counts, and the tooltip says how to turn it on
    expect(button.textContent).toBe('nbguardoff');
    expect(counts(button)).toEqual({});
    expect(button.classList).toContain('jp-nbguard-mod-off');
    expect(button.title).toContain('nbguard is off');
    expect(button.title).toContain('Enabled');
  });

  it('counts problems by severity and info apart, quietly', async () => {
    // Given a warning and two info findings, checked against the kernel
    guard.diagnostics = [
      finding({}),
      finding({ severity: 'info', code: 'NBG209', rule: 'superseded' }),
      finding({ severity: 'info', code: 'NBG205', rule: 'run-order' })
    ];
    guard.lastCheck = {
      time: new Date(2026, 0, 2, 12, 3, 4),
      cells: 1,
      withKernel: true
    };
    // When the item renders
    const button = await show();
    // Then the warning count is 1 (info does not count as a warning) and the
    // info count is its own, quiet element
    expect(counts(button)).toEqual({ error: '0', warning: '1', info: '2' });
    // And the tooltip says what was checked, when, and what a click does
    const time = guard.lastCheck.time.toLocaleTimeString();
    expect(button.title).toContain(
      `nbguard checked ${panel.context.path} (1 cell, against its kernel history) at ${time}: 0 errors, 1 warning; 2 info.`
    );
    expect(button.title).toContain('Click to open the nbguard panel.');
    // When info is turned off
    guard.settings = { ...DEFAULT_SETTINGS, showInfo: 'off' };
    const quiet = await show();
    // Then info is not counted at all
    expect(counts(quiet)).toEqual({ error: '0', warning: '1' });
  });

  it('says a check failed and why, and opens the panel on click', async () => {
    // Given a check the server refused
    guard.status = 'error';
    guard.error =
      "The server refused the check (400): select: unknown rule 'stale'";
    // When the item renders
    const button = await show();
    // Then it says the check failed, with the server's reason in the tooltip
    expect(button.textContent).toContain('check failed');
    expect(button.classList).toContain('jp-nbguard-mod-failed');
    expect(button.title).toContain("select: unknown rule 'stale'");
    // When it is clicked, the panel is opened
    button.click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});
