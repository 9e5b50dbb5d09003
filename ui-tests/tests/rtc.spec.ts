import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { CHECK_TIMEOUT, execute, SHOW_PANEL, underlines } from './utils';

/**
 * Real-time collaboration (jupyter-collaboration installed; run by
 * `.ci/rtc.sh` with playwright.rtc.config.js): two users, each in a browser
 * context of their own, on one shared notebook and its one kernel.
 *
 * - a cell run by one user makes the stale warning appear for the other, and
 *   the other's run clears it again for the first;
 * - a cell deleted by one user is, for the other, a deletion: NBG203 on the
 *   cell that still uses what it defined, and its row in the panel;
 * - cell ids are the ones in the file, the same in both views and in the
 *   server's execution history.
 */

const NAME = 'shared.ipynb';

const CELLS = [
  { id: 'load', source: 'prices = [4.50, 2.25]' },
  { id: 'reader', source: 'total = sum(prices)\ntotal' },
  { id: 'helper', source: 'def with_vat(amount):\n    return amount * 1.2' },
  { id: 'user', source: 'with_vat(10.0)' }
];

function notebook(): string {
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
    cells: CELLS.map(({ id, source }) => ({
      id,
      cell_type: 'code',
      source,
      metadata: {},
      execution_count: null,
      outputs: []
    }))
  });
}

/** The ids of the active notebook's cells, in page order. */
async function cellIds(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const model = (window as any).jupyterapp.shell.currentWidget.content.model;
    const ids: string[] = [];
    for (let i = 0; i < model.cells.length; i++) {
      ids.push(model.cells.get(i).id);
    }
    return ids;
  });
}

/** The id of the active notebook's kernel, once it has one. */
async function kernelId(page: IJupyterLabPageFixture): Promise<string> {
  const handle = await page.waitForFunction(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return panel?.sessionContext?.session?.kernel?.id ?? false;
  });
  return (await handle.jsonValue()) as string;
}

/**
 * Open the shared notebook and wait until its cells have arrived (a shared
 * document's content comes over its own websocket after the tab opens).
 */
async function openShared(
  page: IJupyterLabPageFixture,
  path: string
): Promise<void> {
  expect(await page.notebook.openByPath(path)).toBe(true);
  expect(await page.notebook.activate(NAME)).toBe(true);
  await expect
    .poll(async () => (await cellIds(page)).length, { timeout: 20_000 })
    .toBe(CELLS.length);
}

/** Index of the cell with this nbformat id in the active notebook. */
async function indexOf(
  page: IJupyterLabPageFixture,
  id: string
): Promise<number> {
  const index = (await cellIds(page)).indexOf(id);
  expect(index, `cell ${id}`).toBeGreaterThanOrEqual(0);
  return index;
}

/** The cell's locator, by its nbformat id. */
async function cellLocator(
  page: IJupyterLabPageFixture,
  id: string
): Promise<Locator> {
  const located = await page.notebook.getCellLocator(await indexOf(page, id));
  expect(located, `cell ${id} is rendered`).not.toBeNull();
  return located!;
}

/** Run the cell with this id, staying on it, and wait for its output. */
async function run(page: IJupyterLabPageFixture, id: string): Promise<void> {
  expect(
    await page.notebook.runCell(await indexOf(page, id), { inplace: true }),
    `run ${id}`
  ).toBe(true);
}

test.describe('real-time collaboration', () => {
  // Galata's kernel and session mocks show a page only the sessions it made
  // itself, so the second user would start a kernel of their own: off.
  test.use({
    viewport: { width: 1300, height: 800 },
    kernels: null,
    sessions: null
  });

  let guest: IJupyterLabPageFixture;

  test.beforeEach(
    async ({ page, baseURL, browser, tmpPath, waitForApplication }) => {
      await page.contents.uploadContent(
        notebook(),
        'text',
        `${tmpPath}/${NAME}`
      );
      // The second user, in a browser context (cookies, storage) of their own.
      ({ page: guest } = await galata.newPage({
        baseURL: baseURL!,
        browser,
        mockUser: {
          identity: {
            username: 'guest',
            name: 'Guest',
            display_name: 'Guest',
            initials: 'G',
            color: 'var(--jp-collaborator-color2)'
          }
        },
        mockKernels: false,
        mockSessions: false,
        tmpPath,
        waitForApplication
      }));
    }
  );

  test.afterEach(async () => {
    await guest.close();
  });

  test('a run by one user makes a cell stale for the other; a deletion is seen as one', async ({
    page,
    baseURL,
    tmpPath
  }) => {
    // Given both users on the same notebook, which the host has run in part
    await openShared(page, `${tmpPath}/${NAME}`);
    await run(page, 'load');
    await run(page, 'reader');
    await openShared(guest, `${tmpPath}/${NAME}`);
    await execute(page, SHOW_PANEL);
    await execute(guest, SHOW_PANEL);
    // (one shared kernel, and the host's outputs have reached the guest)
    expect(await kernelId(guest)).toBe(await kernelId(page));
    await expect(
      (await cellLocator(guest, 'reader')).locator('.jp-OutputArea-output')
    ).toHaveText('6.75');
    const ids = CELLS.map(c => c.id);
    expect(await cellIds(page)).toEqual(ids);
    expect(await cellIds(guest)).toEqual(ids);

    // When the host changes the price list and runs it again
    await page.notebook.setCell(
      await indexOf(page, 'load'),
      'code',
      'prices = [4.75, 2.25]'
    );
    await run(page, 'load');

    // Then the guest sees the reader of the old prices stale (NBG201)
    const guestReader = await cellLocator(guest, 'reader');
    await expect(guestReader).toHaveClass(/\bjp-nbguard-mod-warning\b/, {
      timeout: CHECK_TIMEOUT
    });
    await expect(
      underlines(guestReader).filter({ hasText: 'prices' })
    ).not.toHaveCount(0);
    const guestPanel = guest.locator('#jp-nbguard-findings');
    await expect(guestPanel).toContainText('NBG201', {
      timeout: CHECK_TIMEOUT
    });
    // And so does the host
    const hostReader = await cellLocator(page, 'reader');
    await expect(hostReader).toHaveClass(/\bjp-nbguard-mod-warning\b/, {
      timeout: CHECK_TIMEOUT
    });

    // When the guest runs the reader again
    await run(guest, 'reader');

    // Then the warning clears for the host too
    await expect(hostReader).toHaveText(/7\.0/, { timeout: CHECK_TIMEOUT });
    await expect(hostReader).not.toHaveClass(/\bjp-nbguard-mod-warning\b/, {
      timeout: CHECK_TIMEOUT
    });
    await expect(guestReader).not.toHaveClass(/\bjp-nbguard-mod-warning\b/, {
      timeout: CHECK_TIMEOUT
    });

    // When the host runs the helper and its user, then deletes the helper
    await run(page, 'helper');
    await run(page, 'user');
    await page.notebook.selectCells(await indexOf(page, 'helper'));
    expect(await page.notebook.deleteCells()).toBe(true);

    // Then the guest's notebook has lost that cell, and nothing else
    const left = ids.filter(id => id !== 'helper');
    await expect.poll(() => cellIds(guest)).toEqual(left);
    // And the guest is told the user cell works only because of deleted code
    const guestUser = await cellLocator(guest, 'user');
    await expect(guestUser).toHaveClass(/\bjp-nbguard-mod-warning\b/, {
      timeout: CHECK_TIMEOUT
    });
    await expect(
      underlines(guestUser).filter({ hasText: 'with_vat' })
    ).not.toHaveCount(0);
    await expect(guestPanel).toContainText('NBG203');
    await expect(guestPanel).toContainText('with_vat');

    // And the cell ids are those of the file, in both views and in the
    // server's history of the shared kernel (whoever ran the cell)
    expect(await cellIds(page)).toEqual(left);
    expect(await cellIds(guest)).toEqual(left);
    const response = await guest.request.get(
      `${baseURL}/jupyterlab-nbguard/kernels/${await kernelId(guest)}/history`
    );
    expect(response.ok()).toBe(true);
    const history = (await response.json()) as {
      executions: Array<{ cell_id: string | null; status: string }>;
    };
    expect(history.executions.map(e => e.cell_id)).toEqual([
      'load',
      'reader',
      'load',
      'reader',
      'helper',
      'user'
    ]);
  });
});
