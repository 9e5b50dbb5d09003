import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  CHECK_TIMEOUT,
  makeStale,
  openHazards,
  pricesUnderline,
  screenshot
} from './utils';

/**
 * Per-rule settings: the `rules` table of nbguard's settings, written where
 * the Settings Editor writes it (the setting registry), changes what the
 * server reports and so what the editor shows; a typo is refused and checking
 * goes on.
 */

const PLUGIN = 'jupyterlab-nbguard:plugin';

test.use({ viewport: { width: 1400, height: 900 } });

/** Set one nbguard setting through the setting registry; the error, if any. */
async function setSetting(
  page: IJupyterLabPageFixture,
  key: string,
  value: unknown
): Promise<string | null> {
  return page.evaluate(
    async ({ plugin, key, value }) => {
      const registry = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      try {
        await registry.set(plugin, key, value);
        return null;
      } catch (reason) {
        return JSON.stringify(reason);
      }
    },
    { plugin: PLUGIN, key, value }
  );
}

test('a rule given another severity, then turned off, changes the underline', async ({
  page,
  tmpPath
}, testInfo) => {
  // Given the demo notebook with a stale cell (NBG201, a warning)
  await openHazards(page, tmpPath);
  const stale = await makeStale(page);
  await expect(pricesUnderline(stale).first()).toHaveClass(
    /cm-lintRange-warning/
  );

  // When NBG201 is raised to error in the rules table
  expect(await setSetting(page, 'rules', { NBG201: 'error' })).toBeNull();
  // Then the same underline is an error (the server applied the override)
  await expect(pricesUnderline(stale).first()).toHaveClass(
    /cm-lintRange-error/,
    { timeout: CHECK_TIMEOUT }
  );

  // When NBG201 is turned off
  expect(await setSetting(page, 'rules', { NBG201: 'off' })).toBeNull();
  // Then it is not underlined any more
  await expect(pricesUnderline(stale)).toHaveCount(0, {
    timeout: CHECK_TIMEOUT
  });

  // When the rule is back to its default
  expect(await setSetting(page, 'rules', {})).toBeNull();
  await expect(pricesUnderline(stale).first()).toHaveClass(
    /cm-lintRange-warning/,
    { timeout: CHECK_TIMEOUT }
  );
  await setSetting(page, 'rules', {});
  await screenshot(page, testInfo, 'settings-rule-default.png');
});

test('a typo in the rules table cannot be saved and checking goes on', async ({
  page,
  tmpPath
}) => {
  // Given the stale notebook
  await openHazards(page, tmpPath);
  const stale = await makeStale(page);

  // When a rule is written by name instead of code, or a severity is misspelt
  const byName = await setSetting(page, 'rules', { 'stale-cell': 'off' });
  const badSeverity = await setSetting(page, 'rules', { NBG201: 'fatal' });

  // Then both are refused by the schema, and nothing was stored
  expect(byName).not.toBeNull();
  expect(badSeverity).not.toBeNull();
  const stored = await page.evaluate(async plugin => {
    const registry = await (window as any).galata.getPlugin(
      '@jupyterlab/apputils-extension:settings'
    );
    return (await registry.get(plugin, 'rules')).user ?? null;
  }, PLUGIN);
  expect(JSON.stringify(stored ?? {})).not.toMatch(/stale-cell|fatal/);
  // And the notebook is still checked as before
  await page.notebook.setCell(0, 'markdown', '# still checked');
  await expect(pricesUnderline(stale).first()).toBeVisible({
    timeout: CHECK_TIMEOUT
  });
});

test('the Settings Editor shows the rules table with a choice per rule', async ({
  page
}, testInfo) => {
  // When the Settings Editor is opened on nbguard
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('settingeditor:open', {
      query: 'nbguard'
    });
  });
  const form = page.locator('.jp-SettingsPanel');
  await expect(form.getByText('Rules', { exact: true }).first()).toBeVisible({
    timeout: CHECK_TIMEOUT
  });
  // Then each rule is a labelled choice among default, severities and off
  const label = form.getByText('NBG201 stale-cell (warning)').first();
  await label.scrollIntoViewIfNeeded();
  await expect(label).toBeVisible();
  const select = form.locator('select[id$="rules_NBG201"]');
  await expect(select).toHaveCount(1);
  expect(
    await select
      .locator('option')
      .evaluateAll(options => options.map(o => (o.textContent ?? '').trim()))
  ).toEqual(
    expect.arrayContaining(['default', 'error', 'warning', 'info', 'off'])
  );
  await screenshot(page, testInfo, 'settings-rules-table.png');
});
