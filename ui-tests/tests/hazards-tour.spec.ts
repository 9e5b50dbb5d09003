import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

/**
 * Walks through every section of examples/hazards.ipynb the way its markdown
 * tells a new user to, and checks that nbguard shows what the text promises.
 * If this fails, either the product or the demo's explanations are wrong.
 */

const NOTEBOOK = 'hazards.ipynb';
const SOURCE = path.resolve(__dirname, '..', '..', 'examples', NOTEBOOK);
const CHECK_TIMEOUT = 20_000;

test.use({ viewport: { width: 1400, height: 900 } });
test.setTimeout(240_000);

async function cellIndex(
  page: IJupyterLabPageFixture,
  cellId: string
): Promise<number> {
  const index = await page.evaluate(id => {
    const cells = (window as any).jupyterapp.shell.currentWidget.content.model
      .cells;
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).id === id) {
        return i;
      }
    }
    return -1;
  }, cellId);
  expect(index, `cell "${cellId}" in ${NOTEBOOK}`).toBeGreaterThanOrEqual(0);
  return index;
}

async function cellById(
  page: IJupyterLabPageFixture,
  cellId: string
): Promise<Locator> {
  const cell = await page.notebook.getCellLocator(
    await cellIndex(page, cellId)
  );
  expect(cell, `cell "${cellId}" is rendered`).not.toBeNull();
  return cell!;
}

async function runCells(page: IJupyterLabPageFixture, ids: string[]) {
  for (const id of ids) {
    expect(
      await page.notebook.runCell(await cellIndex(page, id), { inplace: true }),
      `run ${id}`
    ).toBe(true);
  }
}

/** Panel rows (the panel is opened once per test). */
function panelRows(page: IJupyterLabPageFixture): Locator {
  return page
    .locator('#jp-left-stack, #jp-right-stack')
    .getByRole('listitem')
    .or(page.locator('#jp-left-stack, #jp-right-stack').getByRole('row'));
}

/** Expect the cell to be flagged with `severity`, `name` underlined if given. */
async function expectFlagged(
  page: IJupyterLabPageFixture,
  cellId: string,
  severity: 'error' | 'warning' | 'info',
  name?: string
) {
  const cell = await cellById(page, cellId);
  await expect(cell, `severity of ${cellId}`).toHaveClass(
    new RegExp(`\\bjp-nbguard-mod-${severity}\\b`),
    { timeout: CHECK_TIMEOUT }
  );
  if (name) {
    await expect(
      cell.locator('.cm-content .cm-lintRange').filter({ hasText: name }),
      `underline on ${name} in ${cellId}`
    ).not.toHaveCount(0);
  }
}

/** Expect the cell to carry no error or warning. */
async function expectNoProblem(page: IJupyterLabPageFixture, cellId: string) {
  const cell = await cellById(page, cellId);
  await expect(cell, `no error/warning on ${cellId}`).not.toHaveClass(
    /\bjp-nbguard-mod-(error|warning)\b/,
    { timeout: CHECK_TIMEOUT }
  );
}

async function expectRow(
  page: IJupyterLabPageFixture,
  code: string,
  text: string
) {
  await expect(
    panelRows(page).filter({ hasText: code }).filter({ hasText: text }).first(),
    `panel row ${code} mentioning ${text}`
  ).toBeVisible({ timeout: CHECK_TIMEOUT });
}

async function shot(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: testInfo.outputPath(name) });
}

test('every section of hazards.ipynb behaves as its text says', async ({
  page,
  tmpPath
}, testInfo) => {
  await page.contents.uploadFile(SOURCE, `${tmpPath}/${NOTEBOOK}`);
  expect(await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`)).toBe(true);
  expect(await page.notebook.activate(NOTEBOOK)).toBe(true);
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('jupyterlab-nbguard:show-panel')
  );

  // Before running anything: use before def (3), undefined name (4)
  await expectFlagged(page, 'ubd-report', 'error', 'tax');
  await expectRow(page, 'NBG101', 'tax');
  await expectFlagged(page, 'typo-cell', 'error', 'totl');
  await expectRow(page, 'NBG102', 'totl');

  // 2. mutation
  await runCells(page, ['basket-data', 'basket-count', 'basket-add']);
  await expectFlagged(page, 'basket-count', 'warning', 'basket');
  await expectRow(page, 'NBG201', 'basket');

  // 3. use before definition, run in the working order
  await runCells(page, ['ubd-define', 'ubd-report']);
  await expectRow(page, 'NBG204', 'tax');
  await expectFlagged(page, 'ubd-report', 'error', 'tax');

  // 5. edited since run
  await runCells(page, ['edit-me', 'edit-reader']);
  await expectNoProblem(page, 'edit-me');
  await page.notebook.setCell(
    await cellIndex(page, 'edit-me'),
    'code',
    'shipping = 5.99'
  );
  await expectFlagged(page, 'edit-me', 'warning');
  await expectRow(page, 'NBG202', 'edited');
  await shot(page, testInfo, 'tour-edited.png');

  // 6. deleted but live
  await runCells(page, ['deleted-helper', 'deleted-user']);
  await page.notebook.selectCells(await cellIndex(page, 'deleted-helper'));
  expect(await page.notebook.deleteCells()).toBe(true);
  await runCells(page, ['deleted-user']);
  expect(
    await page.notebook.getCellTextOutput(await cellIndex(page, 'deleted-user'))
  ).toEqual(['12.0']);
  await expectFlagged(page, 'deleted-user', 'warning', 'with_vat');
  await expectRow(page, 'NBG203', 'with_vat');
  await shot(page, testInfo, 'tour-deleted.png');

  // 7. out of order
  await runCells(page, ['discount-set', 'discount-change', 'discount-apply']);
  await expectFlagged(page, 'discount-apply', 'warning', 'discount');
  await expectRow(page, 'NBG204', 'discount');

  // 8. run order
  await runCells(page, ['order-second', 'order-first']);
  await expectFlagged(page, 'order-second', 'info');
  await expectNoProblem(page, 'order-first');

  // 9. magics: no findings, then re-running the %time cell makes the others stale
  await runCells(page, ['magic-time', 'magic-cell', 'magic-use']);
  for (const id of ['magic-time', 'magic-cell', 'magic-use']) {
    await expectNoProblem(page, id);
    await expect(
      (await cellById(page, id)).locator('.cm-lintRange')
    ).toHaveCount(0);
  }
  await runCells(page, ['magic-time']);
  await expectFlagged(page, 'magic-cell', 'warning', 'squares');
  await expectFlagged(page, 'magic-use', 'warning', 'squares');
  await shot(page, testInfo, 'tour-magics.png');
});
