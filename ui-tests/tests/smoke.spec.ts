import { expect, test } from '@jupyterlab/galata';

/**
 * Smoke test: JupyterLab starts and a notebook runs code. It needs no nbguard,
 * so a failure here points at the test setup (browser, server, ports), not at
 * the extension.
 */
test('JupyterLab runs a notebook cell', async ({ page }) => {
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0);

  await page.notebook.createNew('smoke.ipynb');
  await page.notebook.setCell(0, 'code', 'print(6 * 7)');
  await page.notebook.runCell(0, true);

  const output = await page.notebook.getCellTextOutput(0);
  expect(output?.[0]).toContain('42');
});
