import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import {
  cellById,
  cellIndex,
  CHECK_TIMEOUT,
  execute,
  makeStale,
  openHazards,
  pricesUnderline,
  runCells,
  screenshot,
  SHOW_PANEL,
  underlines
} from './utils';

/**
 * End-to-end scenario of nbguard on the demo notebook examples/hazards.ipynb:
 * its first section, with the price list edited and run again above the total
 * (see `makeStale` in ./utils), makes `stale-reader` stale (NBG201) while
 * `fresh-reader` is not.
 */

/** Stale message: names the symbol and says it was changed by another cell. */
const STALE_WORDING = /stale|changed|redefined|rebound|modified|updated/i;

test.use({ viewport: { width: 1400, height: 900 } });

/**
 * Where the nbguard panel may live: a side bar, the bottom panel, or a main
 * area tab that is not a notebook. Excludes the notebook, whose markdown cells
 * mention the codes too.
 */
function panelArea(page: IJupyterLabPageFixture): Locator {
  return page.locator(
    [
      '#jp-left-stack',
      '#jp-right-stack',
      '#jp-down-stack',
      '#jp-main-dock-panel > .lm-Widget:not(.jp-NotebookPanel)'
    ].join(', ')
  );
}

test.describe('stale cell (NBG201) in hazards.ipynb', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openHazards(page, tmpPath);
  });

  test('a cell whose input was rebound later is underlined, marked and listed', async ({
    page
  }, testInfo) => {
    // Given the first section run in page order, then (a) `prices` is
    // underlined in the stale cell
    const stale = await makeStale(page);
    const underline = pricesUnderline(stale).first();
    // (sanity: the kernel really ran them; `total` is from the old prices)
    expect(
      await page.notebook.getCellTextOutput(
        await cellIndex(page, 'stale-reader')
      )
    ).toEqual(['20.5']);

    // (c) and the cell carries a marker
    await expect(async () => {
      const markers = await stale.locator('.jp-nbguard-CellMarker').count();
      const classes = (await stale.getAttribute('class')) ?? '';
      expect(
        markers > 0 || /\bjp-nbguard-mod-warning\b/.test(classes),
        `.jp-nbguard-CellMarker or jp-nbguard-mod-warning on the cell (class="${classes}")`
      ).toBe(true);
    }).toPass({ timeout: CHECK_TIMEOUT });

    // (b) hovering the underline explains it
    await underline.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await expect(tooltip).toBeVisible({ timeout: 5_000 });
    const diagnostic = tooltip.locator('.cm-diagnostic').filter({
      hasText: 'prices'
    });
    await expect(diagnostic.first()).toBeVisible();
    await expect(diagnostic.first()).toContainText(STALE_WORDING);
    await screenshot(page, testInfo, 'stale-tooltip.png');

    // (d) the nbguard panel lists the finding with its code
    await page.mouse.move(5, 5);
    await execute(page, SHOW_PANEL);
    const panel = panelArea(page);
    const row = panel
      .getByRole('listitem')
      .or(panel.getByRole('row'))
      .filter({ hasText: /NBG201/ })
      .filter({ hasText: 'prices' });
    await expect(row.first()).toBeVisible({ timeout: CHECK_TIMEOUT });
    await stale.scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, 'notebook-with-panel.png');
  });

  test('cells that are not stale are not underlined', async ({ page }) => {
    // Given the same run, where `fresh-reader` read `prices` after the update
    // Control: the checker has run (the stale cell got its underline) ...
    await makeStale(page);

    // ... and no other cell of the section is underlined or flagged.
    for (const id of ['load-data', 'fresh-reader']) {
      const cell = await cellById(page, id);
      await expect(underlines(cell), `underlines in ${id}`).toHaveCount(0);
      await expect(cell, `severity class on ${id}`).not.toHaveClass(
        /\bjp-nbguard-mod-(error|warning)\b/
      );
    }
  });

  test('running the stale cell again, as the demo says, clears the finding', async ({
    page
  }) => {
    // Given the stale `total` cell (as in the first test)
    await makeStale(page);

    // When `total` runs again, reading the new prices
    await runCells(page, ['stale-reader']);
    expect(
      await page.notebook.getCellTextOutput(
        await cellIndex(page, 'stale-reader')
      )
    ).toEqual(['20.75']);

    // Then no stale finding (NBG201) or other problem is left on it
    const fixed = await cellById(page, 'stale-reader');
    await expect(underlines(fixed)).toHaveCount(0, { timeout: CHECK_TIMEOUT });
    await expect(fixed).not.toHaveClass(/\bjp-nbguard-mod-(error|warning)\b/);
  });
});
