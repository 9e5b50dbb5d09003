import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import {
  cellById,
  cellIndex,
  CHECK_TIMEOUT,
  execute,
  openHazards,
  runCells,
  screenshot,
  SHOW_PANEL,
  underlines
} from './utils';

/**
 * Walks through every section of examples/hazards.ipynb the way its markdown
 * tells a new user to, and checks that nbguard shows what the text promises.
 * If this fails, either the product or the demo's explanations are wrong.
 */

test.use({ viewport: { width: 1400, height: 900 } });
test.setTimeout(240_000);

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
  severity: 'error' | 'warning',
  name?: string
) {
  const cell = await cellById(page, cellId);
  await expect(cell, `severity of ${cellId}`).toHaveClass(
    new RegExp(`\\bjp-nbguard-mod-${severity}\\b`),
    { timeout: CHECK_TIMEOUT }
  );
  if (name) {
    await expect(
      underlines(cell).filter({ hasText: name }),
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

/**
 * Expect an info finding on the cell: listed under the panel's Information
 * heading, and no marker on the cell (info is quiet).
 */
async function expectQuietInfo(
  page: IJupyterLabPageFixture,
  cellId: string,
  code: string
) {
  await expect(
    page
      .locator('#jp-nbguard-findings section[aria-label="Information"]')
      .getByRole('listitem')
      .filter({ hasText: code })
      .first(),
    `${code} under Information`
  ).toBeVisible({ timeout: CHECK_TIMEOUT });
  const cell = await cellById(page, cellId);
  await expect(cell, `no marker on ${cellId}`).not.toHaveClass(
    /\bjp-nbguard-mod-/
  );
  await expect(cell.locator('.jp-nbguard-CellMarker')).toHaveCount(0);
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

test('every section of hazards.ipynb behaves as its text says', async ({
  page,
  tmpPath
}, testInfo) => {
  await openHazards(page, tmpPath);
  await execute(page, SHOW_PANEL);

  // Before running anything: use before def (3), undefined name (4)
  await expectFlagged(page, 'ubd-report', 'error', 'tax');
  await expectRow(page, 'NBG101', 'tax');
  await expectFlagged(page, 'typo-cell', 'error', 'totl');
  await expectRow(page, 'NBG102', 'totl');

  // 2. changed further down: superseded, quiet; a second append warns
  await runCells(page, ['basket-data', 'basket-count', 'basket-add']);
  await expectQuietInfo(page, 'basket-count', 'NBG209');
  await expectNoProblem(page, 'basket-count');
  await runCells(page, ['basket-add', 'basket-show']);
  await expectFlagged(page, 'basket-show', 'warning', 'basket');
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
  await screenshot(page, testInfo, 'tour-edited.png');

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
  await screenshot(page, testInfo, 'tour-deleted.png');

  // 7. out of order
  await runCells(page, ['discount-set', 'discount-change', 'discount-apply']);
  await expectFlagged(page, 'discount-apply', 'warning', 'discount');
  await expectRow(page, 'NBG204', 'discount');

  // 8. run order
  await runCells(page, ['order-second', 'order-first']);
  await expectQuietInfo(page, 'order-second', 'NBG205');
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
  await screenshot(page, testInfo, 'tour-magics.png');
});
