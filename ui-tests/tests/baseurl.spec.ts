import { expect, test } from '@playwright/test';

/**
 * JupyterHub serves each user's JupyterLab under /user/<name>/. Under that base
 * URL every nbguard request (check, history) and the kernel websocket must go
 * to the right place: a stale-cell warning, which needs the kernel's history as
 * the server recorded it from the websocket, proves all of them. Run by
 * playwright.baseurl.config.js (port 8898, base URL /user/alice/).
 *
 * Plain Playwright rather than Galata's fixtures: Galata prepares each test's
 * folder with requests to /api/contents at the server's root, which a base URL
 * moves. The notebook is driven through JupyterLab's own commands instead.
 */
test.use({ viewport: { width: 1400, height: 900 } });

/** Set cell `index`'s source and run it, as Shift+Enter would. */
async function runCell(
  page: import('@playwright/test').Page,
  index: number,
  source: string
) {
  await page.evaluate(
    async ([i, text]) => {
      const app = (window as any).jupyterapp;
      const panel = app.shell.currentWidget;
      const notebook = panel.content;
      while (notebook.model.cells.length <= i) {
        notebook.model.sharedModel.insertCell(notebook.model.cells.length, {
          cell_type: 'code',
          source: ''
        });
      }
      notebook.model.cells.get(i).sharedModel.setSource(text);
      notebook.activeCellIndex = i;
      await app.commands.execute('notebook:run-cell');
      // Wait for this cell's reply: its prompt shows a count.
      const started = Date.now();
      while (notebook.model.cells.get(i).executionCount === null) {
        if (Date.now() - started > 20_000) {
          throw new Error(`cell ${i} did not run`);
        }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    },
    [index, source] as const
  );
}

test('under /user/alice/ a run cell is checked against its kernel', async ({
  page
}, testInfo) => {
  const requests: string[] = [];
  page.on('request', request => {
    const url = new URL(request.url());
    // The REST routes, not the labextension's own static files.
    if (
      /jupyterlab-nbguard\/(check|version|rules|kernels|verify)/.test(
        url.pathname
      )
    ) {
      requests.push(url.pathname);
    }
  });
  // Given JupyterLab under the base URL, with a new notebook and its kernel
  await page.goto('lab');
  expect(new URL(page.url()).pathname).toMatch(/^\/user\/alice\/lab/);
  await page.waitForFunction(() => (window as any).jupyterapp?.started);
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    await app.started;
    await app.restored;
    const panel = await app.commands.execute('notebook:create-new', {
      kernelId: undefined,
      kernelName: 'python3'
    });
    await panel.sessionContext.ready;
  });
  // When a cell binds a name, a reader runs, and the first cell runs again
  // with new code (an upstream change)
  await runCell(page, 0, 'prices = [1, 2]');
  await runCell(page, 1, 'total = sum(prices)\ntotal');
  await runCell(page, 0, 'prices = [1, 2, 3]');
  // Then the reader gets the stale-cell warning
  const reader = page.locator('.jp-Notebook .jp-Cell').nth(1);
  const underline = reader
    .locator('.cm-content .cm-lintRange')
    .filter({ hasText: 'prices' });
  await expect(underline.first()).toBeVisible({ timeout: 20_000 });
  // And every nbguard request went under /user/alice/
  expect(
    requests.some(path => path.endsWith('/jupyterlab-nbguard/check'))
  ).toBe(true);
  for (const path of requests) {
    expect(path).toMatch(/^\/user\/alice\/jupyterlab-nbguard\//);
  }
  await page.screenshot({ path: testInfo.outputPath('baseurl.png') });
});
