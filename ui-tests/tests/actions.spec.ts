import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { CHECK_TIMEOUT, execute, SHOW_PANEL } from './utils';

/**
 * The quick actions of nbguard findings, end to end in Chromium against the
 * real server and kernel: each is clicked in the hover (or the Health panel),
 * and the notebook ends calm; edits are undone by the notebook's own undo.
 *
 * Screenshots of the actions in the hover, light and dark, are written to
 * docs/images/actions-light.png and actions-dark.png.
 */

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

test.use({ viewport: { width: 1200, height: 700 } });

type Cell = { id: string; source: string };

/** A notebook of these code cells, never run. */
function notebook(cells: Cell[]): string {
  return JSON.stringify({
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    nbformat: 4,
    nbformat_minor: 5,
    cells: cells.map(({ id, source }) => ({
      id,
      cell_type: 'code',
      source,
      metadata: {},
      execution_count: null,
      outputs: []
    }))
  });
}

/** Upload `cells` as `name` into the test's folder and open it. */
async function open(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  cells: Cell[]
): Promise<void> {
  await page.contents.uploadContent(
    notebook(cells),
    'text',
    `${tmpPath}/${name}`
  );
  expect(await page.notebook.openByPath(`${tmpPath}/${name}`)).toBe(true);
  expect(await page.notebook.activate(name)).toBe(true);
}

/** Save a picture of the notebook with the hover open to docs/images. */
async function saveActions(
  page: IJupyterLabPageFixture,
  testInfo: import('@playwright/test').TestInfo,
  name: string
): Promise<void> {
  await page.waitForTimeout(300);
  const file = path.join(IMAGES, name);
  const box = await page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
    .boundingBox();
  const tip = await page.locator('.cm-tooltip-lint').boundingBox();
  if (!box || !tip) {
    throw new Error('the notebook and the hover must be visible');
  }
  await page.screenshot({
    path: file,
    clip: {
      x: box.x,
      y: box.y,
      width: Math.min(box.width, Math.max(tip.x + tip.width - box.x + 40, 600)),
      height: Math.min(box.height, tip.y + tip.height - box.y + 24)
    }
  });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** The ids of the active notebook's cells, in page order. */
async function cellIds(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const cells = (window as any).jupyterapp.shell.currentWidget.content.model
      .cells;
    const ids: string[] = [];
    for (let i = 0; i < cells.length; i++) {
      ids.push(cells.get(i).id);
    }
    return ids;
  });
}

/** The source of the cell at `index` of the active notebook. */
async function sourceAt(
  page: IJupyterLabPageFixture,
  index: number
): Promise<string> {
  return page.evaluate(
    i =>
      (window as any).jupyterapp.shell.currentWidget.content.model.cells
        .get(i)
        .sharedModel.getSource(),
    index
  );
}

/** Run the cell at `index` in place. */
async function run(page: IJupyterLabPageFixture, index: number): Promise<void> {
  expect(await page.notebook.runCell(index, { inplace: true })).toBe(true);
}

/** The underline on `name` in the cell at `index`. */
function underline(page: IJupyterLabPageFixture, index: number, name: string) {
  return page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')
    .nth(index)
    .locator('.cm-lintRange')
    .filter({ hasText: name })
    .first();
}

/** Hover the underline and return the tooltip's action button `label`. */
async function hoverAction(
  page: IJupyterLabPageFixture,
  target: Locator,
  label: string
): Promise<Locator> {
  await expect(target).toBeVisible({ timeout: CHECK_TIMEOUT });
  await target.hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toBeVisible({ timeout: 5_000 });
  const button = tooltip.getByRole('button', { name: label });
  await expect(button).toBeVisible();
  return button;
}

/** No warning or error is shown in the active notebook. */
async function expectCalm(page: IJupyterLabPageFixture): Promise<void> {
  const nb = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)');
  await expect(
    nb.locator('.cm-lintRange-warning, .cm-lintRange-error')
  ).toHaveCount(0, { timeout: CHECK_TIMEOUT });
  await expect(
    nb.locator('.jp-nbguard-mod-warning, .jp-nbguard-mod-error')
  ).toHaveCount(0);
}

/**
 * The names live in the active notebook's kernel, from the REST API; null
 * while the kernel is busy (409) and cannot be read.
 */
async function namespace(
  page: IJupyterLabPageFixture
): Promise<string[] | null> {
  return page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const panel = app.shell.currentWidget;
    const kernelId = panel.sessionContext.session.kernel.id;
    const settings = app.serviceManager.serverSettings;
    const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1];
    const headers: Record<string, string> = {};
    if (xsrf) {
      headers['X-XSRFToken'] = decodeURIComponent(xsrf);
    }
    if (settings.token) {
      headers['Authorization'] = `token ${settings.token}`;
    }
    const response = await window.fetch(
      `${settings.baseUrl}jupyterlab-nbguard/kernels/${kernelId}/namespace`,
      { headers, credentials: 'same-origin' }
    );
    if (response.status === 409) {
      return null;
    }
    const data = await response.json();
    if (!response.ok) {
      throw new Error(`namespace: ${response.status} ${JSON.stringify(data)}`);
    }
    return data.names.map((n: { name: string }) => n.name);
  });
}

const STALE: Cell[] = [
  { id: 'base', source: 'x = 1' },
  { id: 'derived', source: 'y = x + 1\ny' }
];

const DELETED: Cell[] = [
  { id: 'loader', source: 'frame = list(range(1000))' },
  { id: 'user', source: 'rows = len(frame)\nrows' }
];

const USE_BEFORE_DEF: Cell[] = [
  { id: 'reader', source: 'monthly = rate / 12' },
  { id: 'other', source: 'print("hello")' },
  { id: 'definer', source: 'rate = 0.05' }
];

test.describe('quick actions', () => {
  test('stale: Run stale cells in page order makes the notebook calm', async ({
    page,
    tmpPath
  }) => {
    // Given `derived` ran on x = 1, then x was rebound to 2
    await open(page, tmpPath, 'stale.ipynb', STALE);
    await run(page, 0);
    await run(page, 1);
    await page.notebook.setCell(0, 'code', 'x = 2');
    await run(page, 0);
    expect(await page.notebook.getCellTextOutput(1)).toEqual(['2']);

    // When the user clicks Run stale cells in page order in the hover
    const button = await hoverAction(
      page,
      underline(page, 1, 'x'),
      'Run stale cells in page order'
    );
    await button.click();

    // Then the stale cell ran again, through the normal execution
    await expect
      .poll(() => page.notebook.getCellTextOutput(1), {
        timeout: CHECK_TIMEOUT
      })
      .toEqual(['3']);
    // And nothing is left to warn about
    await expectCalm(page);
  });

  test('deleted: Restore the deleted code inserts a marked cell; calm', async ({
    page,
    tmpPath
  }, testInfo) => {
    // Given a loader that ran, and its cell deleted
    await open(page, tmpPath, 'deleted.ipynb', DELETED);
    await run(page, 0);
    await run(page, 1);
    await page.notebook.selectCells(0);
    await execute(page, 'notebook:delete-cell');
    expect(await cellIds(page)).toEqual(['user']);

    // When the user clicks Restore the deleted code on the NBG203 underline
    const button = await hoverAction(
      page,
      underline(page, 0, 'frame'),
      'Restore the deleted code'
    );
    await expect(
      page
        .locator('.cm-tooltip-lint')
        .getByRole('button', { name: 'Ignore here' })
    ).toBeVisible();
    await saveActions(page, testInfo, 'actions-light.png');
    await button.click();

    // Then the code from the history is back above its reader, marked
    const ids = await cellIds(page);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe('user');
    expect(await sourceAt(page, 0)).toBe('frame = list(range(1000))');
    const tags = await page.evaluate(() =>
      (window as any).jupyterapp.shell.currentWidget.content.model.cells
        .get(0)
        .getMetadata('tags')
    );
    expect(tags).toEqual(['nbguard-restored']);
    // And nothing is left to warn about
    await expectCalm(page);
  });

  test('use before def: Move definition above, calm; undo restores the order', async ({
    page,
    tmpPath
  }) => {
    // Given `rate` read above the only cell that defines it (NBG101)
    await open(page, tmpPath, 'order.ipynb', USE_BEFORE_DEF);

    // When the user clicks Move definition above
    const button = await hoverAction(
      page,
      underline(page, 0, 'rate'),
      'Move definition above'
    );
    await button.click();

    // Then the definer comes first, and nothing is wrong any more
    await expect
      .poll(() => cellIds(page))
      .toEqual(['definer', 'reader', 'other']);
    await expectCalm(page);

    // And one undo of the notebook puts the cell back where it was
    await page.mouse.move(0, 0);
    await execute(page, 'notebook:undo-cell-action');
    await expect
      .poll(() => cellIds(page))
      .toEqual(['reader', 'other', 'definer']);
  });

  test('orphan: Delete from kernel, after a confirmation, empties it from the namespace', async ({
    page,
    tmpPath
  }) => {
    // Given a name whose cell ran and was deleted (nothing reads it)
    await open(page, tmpPath, 'orphan.ipynb', [
      { id: 'blob', source: "blob = 'x' * 100000" },
      { id: 'keep', source: 'print("kept")' }
    ]);
    await run(page, 0);
    await run(page, 1);
    await page.notebook.selectCells(0);
    await execute(page, 'notebook:delete-cell');
    const holdsBlob = async () =>
      (await namespace(page))?.includes('blob') ?? 'busy';
    await expect.poll(holdsBlob, { timeout: CHECK_TIMEOUT }).toBe(true);

    // When the user clicks Delete blob from kernel in the Health panel's
    // section of names live only in the kernel
    await execute(page, SHOW_PANEL);
    const orphanRow = page
      .locator('.jp-nbguard-DiagnosticsPanel-orphan')
      .filter({ hasText: 'blob' });
    await orphanRow
      .getByRole('button', { name: 'Delete blob from kernel' })
      .click({ timeout: CHECK_TIMEOUT });

    // Then a confirmation shows the name's type and size
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('blob', { timeout: 15_000 });
    await expect(dialog).toContainText(/\(str, \d+(\.\d)? (KB|bytes)\)/);
    await dialog
      .getByRole('button', { name: 'Delete blob from the kernel' })
      .click();

    // And once confirmed, the kernel no longer holds it
    await expect.poll(holdsBlob, { timeout: CHECK_TIMEOUT }).toBe(false);
    await expect(dialog).toHaveCount(0);
  });

  test('ignore here: the comment goes on the line and the finding is gone', async ({
    page,
    tmpPath
  }) => {
    // Given the NBG101 finding on `rate`
    await open(page, tmpPath, 'ignore.ipynb', USE_BEFORE_DEF);

    // When the user clicks Ignore here
    const button = await hoverAction(
      page,
      underline(page, 0, 'rate'),
      'Ignore here'
    );
    await button.click();

    // Then the line says so, as the engine reads it, and the finding is gone
    expect(await sourceAt(page, 0)).toBe(
      'monthly = rate / 12  # nbguard: ignore[NBG101]'
    );
    await expectCalm(page);
    expect(await cellIds(page)).toEqual(['reader', 'other', 'definer']);
  });

  test('dark theme: the actions in the hover stay readable', async ({
    page,
    tmpPath
  }, testInfo) => {
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    await open(page, tmpPath, 'dark.ipynb', DELETED);
    await run(page, 0);
    await run(page, 1);
    await page.notebook.selectCells(0);
    await execute(page, 'notebook:delete-cell');
    await hoverAction(
      page,
      underline(page, 0, 'frame'),
      'Restore the deleted code'
    );
    await saveActions(page, testInfo, 'actions-dark.png');
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Light' });
  });
});
