import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import {
  cellById,
  CHECK_TIMEOUT,
  makeStale,
  NOTEBOOK,
  openHazards,
  pricesUnderline,
  screenshot,
  underlines
} from './utils';

/**
 * Liveness: structural edits re-check, split views of one notebook show the
 * same findings, a second notebook keeps its own.
 */

test.use({ viewport: { width: 1400, height: 900 } });

/** Execute a command in the page. */
async function run(
  page: IJupyterLabPageFixture,
  command: string,
  args: Record<string, unknown> = {}
): Promise<void> {
  await page.evaluate(
    async ({ command, args }) => {
      await (window as any).jupyterapp.commands.execute(command, args);
    },
    { command, args }
  );
}

/** The underlines on `x` in a cell. */
function xUnderline(cell: Locator): Locator {
  return underlines(cell).filter({ hasText: /^x$/ });
}

test('moving a definition below its use makes a use-before-def appear', async ({
  page
}) => {
  // Given a new notebook that defines x, then uses it
  await page.notebook.createNew('moved.ipynb');
  await page.notebook.setCell(0, 'code', 'x = 1');
  await page.notebook.addCell('code', 'y = x + 1');
  const user = (await page.notebook.getCellLocator(1))!;
  await page.waitForTimeout(1500);
  await expect(xUnderline(user)).toHaveCount(0);

  // When the definition is moved below its use (command mode, Move Cell Down)
  await page.notebook.selectCells(0);
  await run(page, 'notebook:move-cell-down');

  // Then the use, now first, gets NBG101 without any edit or run
  const first = (await page.notebook.getCellLocator(0))!;
  await expect(first).toContainText('y = x + 1');
  await expect(xUnderline(first).first()).toHaveClass(/cm-lintRange-error/, {
    timeout: CHECK_TIMEOUT
  });

  // When the cells are put back by cut and paste
  await page.notebook.selectCells(1);
  await run(page, 'notebook:cut-cell');
  await page.notebook.selectCells(0);
  await run(page, 'notebook:paste-cell-above');
  // Then the finding is gone
  const user2 = (await page.notebook.getCellLocator(1))!;
  await expect(user2).toContainText('y = x + 1');
  await expect(xUnderline(user2)).toHaveCount(0, { timeout: CHECK_TIMEOUT });
});

test('split view of one notebook shows the same findings in both', async ({
  page,
  tmpPath
}, testInfo) => {
  // Given the stale demo notebook
  await openHazards(page, tmpPath);
  await makeStale(page);
  // When a second view of it is opened
  await run(page, 'docmanager:clone');
  // Then both views underline prices in the stale cell, the same number
  const views = page.locator('.jp-NotebookPanel');
  await expect(views).toHaveCount(2);
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    for (const widget of Array.from(app.shell.widgets('main')) as any[]) {
      const cells = widget.content?.widgets ?? [];
      const cell = cells.find((c: any) => c.model.id === 'stale-reader');
      if (cell) {
        await widget.content.scrollToCell(cell, 'center');
      }
    }
  });
  await expect
    .poll(() => pricesUnderline(views.nth(1)).count(), {
      timeout: CHECK_TIMEOUT
    })
    .toBeGreaterThan(0);
  const counts = await Promise.all(
    [0, 1].map(i => pricesUnderline(views.nth(i)).count())
  );
  expect(counts[0]).toBeGreaterThan(0);
  expect(counts[1]).toBe(counts[0]);
  await screenshot(page, testInfo, 'split-view.png');
});

test('a second notebook keeps its own findings', async ({ page, tmpPath }) => {
  // Given the stale demo notebook
  await openHazards(page, tmpPath);
  const stale = await makeStale(page);
  const before = await pricesUnderline(stale).count();
  // When a second notebook with a use-before-def is opened
  await page.notebook.createNew('second.ipynb');
  await page.notebook.setCell(0, 'code', 'y = x + 1');
  await page.notebook.addCell('code', 'x = 1');
  const user = (await page.notebook.getCellLocator(0))!;
  // Then it gets its own finding, and no stale underline from the first
  await expect(xUnderline(user).first()).toBeVisible({
    timeout: CHECK_TIMEOUT
  });
  await expect(
    pricesUnderline(page.locator('.jp-NotebookPanel:visible'))
  ).toHaveCount(0);
  // And the first notebook still shows its findings
  expect(await page.notebook.activate(NOTEBOOK)).toBe(true);
  await expect(pricesUnderline(stale)).toHaveCount(before);
});

test('the demo notebook opens unmodified: no dirty mark once the kernel and the first check are in', async ({
  page,
  tmpPath
}) => {
  // Given the README's first notebook, opened with a kernel
  await openHazards(page, tmpPath);
  await page.waitForFunction(async () => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel;
    return kernel?.status === 'idle' && (await kernel.info) !== undefined;
  });
  // When nbguard has answered its first check (the static NBG101 underline)
  await expect(
    underlines(await cellById(page, 'ubd-report')).first()
  ).toBeVisible({ timeout: CHECK_TIMEOUT });
  await page.waitForTimeout(1000);
  // Then nothing changed the notebook: neither JupyterLab filling in kernel
  // metadata the file lacked, nor nbguard
  const state = await page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    return {
      dirty: panel.context.model.dirty as boolean,
      metadata: panel.context.model.toJSON().metadata
    };
  });
  expect(state.metadata.language_info?.version, 'kernel metadata').toEqual(
    expect.any(String)
  );
  expect(state.dirty).toBe(false);
  await expect(
    page.locator('.lm-TabBar-tab.jp-mod-dirty', { hasText: NOTEBOOK })
  ).toHaveCount(0);
});
