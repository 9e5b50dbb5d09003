import * as os from 'os';

import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Browser, Page } from '@playwright/test';

/**
 * What the browser benchmarks share: notebooks, statistics, tables, and the
 * second JupyterLab (nbguard's frontend disabled) of playwright.bench.config.js.
 */

/** The server with nbguard's frontend disabled (see the config). */
export const WITHOUT_URL = 'http://localhost:8897';

/** Settings for every page: no restart dialogs, no verify confirmation. */
export const SETTINGS = {
  ...galata.DEFAULT_SETTINGS,
  '@jupyterlab/apputils-extension:sessionDialogs': {
    skipKernelRestartDialog: true
  },
  'jupyterlab-nbguard:verify': { confirm: false }
};

export type Cell = { cell_type: 'code' | 'markdown'; source: string };

/** nbformat 4.5 JSON of these cells, never run, with ids `c0`, `c1`, ... */
export function notebook(cells: Cell[]): string {
  return JSON.stringify({
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5,
    cells: cells.map(({ cell_type, source }, i) => ({
      id: `c${i}`,
      cell_type,
      source,
      metadata: {},
      ...(cell_type === 'code' ? { execution_count: null, outputs: [] } : {})
    }))
  });
}

/** Median, 90th percentile (nearest rank), min and max of a sample. */
export function summary(values: number[]): {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = Math.floor(sorted.length / 2);
  return {
    n: sorted.length,
    median:
      sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p90: rank(0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1]
  };
}

/** A Markdown table of these rows, aligned for a terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length))
  );
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [
    line(header),
    '|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line)
  ].join('\n');
}

/** The machine's load average and cores, printed beside every result. */
export function machine(): string {
  const [one, five, fifteen] = os.loadavg().map(l => l.toFixed(2));
  return `load average ${one}, ${five}, ${fifteen} on ${os.cpus().length} cores`;
}

/** `MET: ...` or `MISSED: ...`, as the Python benchmarks end. */
export function verdict(met: boolean, what: string): string {
  return `${met ? 'MET' : 'MISSED'}: ${what}`;
}

/** ms with one decimal. */
export function ms(value: number): string {
  return value.toFixed(1);
}

/** A page on the server without nbguard's frontend, in its own context. */
export async function pageWithout(
  browser: Browser,
  tmpPath: string,
  waitForApplication: (page: Page, helpers: any) => Promise<void>
): Promise<IJupyterLabPageFixture> {
  const { page } = await galata.newPage({
    baseURL: WITHOUT_URL,
    browser,
    mockKernels: false,
    mockSessions: false,
    mockSettings: SETTINGS,
    tmpPath,
    waitForApplication
  });
  // nbguard's frontend must really be off there.
  expect(
    await page.evaluate(() =>
      (window as any).jupyterapp.hasPlugin('jupyterlab-nbguard:plugin')
    )
  ).toBe(false);
  return page;
}

/** Open `file` and wait for its kernel to be idle. */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  file: string
): Promise<void> {
  expect(await page.notebook.openByPath(file)).toBe(true);
  expect(await page.notebook.activate(file.split('/').pop()!)).toBe(true);
  await page.waitForFunction(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel;
    return kernel && kernel.status === 'idle';
  });
}

/**
 * Run every cell of the active notebook once and wait until the last code
 * cell has its execution count.
 */
export async function runAllOnce(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    await app.commands.execute('notebook:run-all-cells');
  });
  await page.waitForFunction(
    () => {
      const model = (window as any).jupyterapp.shell.currentWidget.content
        .model;
      for (let i = 0; i < model.cells.length; i++) {
        const cell = model.cells.get(i);
        if (cell.type === 'code' && !cell.executionCount) {
          return false;
        }
      }
      const kernel = (window as any).jupyterapp.shell.currentWidget
        .sessionContext.session.kernel;
      return kernel.status === 'idle';
    },
    undefined,
    { timeout: 180_000, polling: 100 }
  );
}
