import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { execute, SHOW_PANEL } from './utils';

/**
 * Restart and verify, end to end in Chromium against the real server and
 * kernel: the toolbar button, its confirmation, the progress, the report with
 * its root cause, restoring the previous outputs byte for byte, cancelling a
 * run mid-way, and a kernel that dies mid-run.
 *
 * Screenshots of the progress and of the report, light and dark, are written
 * to docs/images/verify-*.png.
 */

const VERIFY = 'jupyterlab-nbguard:restart-and-verify';
const BUTTON = '[data-jp-item-name="nbguard-verify"]';
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
/** A restart plus a few cells, on a busy 2-core machine. */
const RUN_TIMEOUT = 60_000;

test.use({ viewport: { width: 1400, height: 800 } });

type Cell = {
  id: string;
  cell_type: 'code' | 'markdown';
  source: string;
  tags?: string[];
};

/** A notebook of these cells, never run. */
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
    cells: cells.map(({ id, cell_type, source, tags }) => ({
      id,
      cell_type,
      source,
      metadata: tags ? { tags } : {},
      ...(cell_type === 'code' ? { execution_count: null, outputs: [] } : {})
    }))
  });
}

/** An unseeded draw changes on every run; the next cell reads it. */
const DIVERGING: Cell[] = [
  { id: 'intro', cell_type: 'markdown', source: '# A notebook to verify' },
  {
    id: 'setup',
    cell_type: 'code',
    source: 'import random, time\nprint("ready")'
  },
  { id: 'draw', cell_type: 'code', source: 'r = random.random()\nr' },
  { id: 'double', cell_type: 'code', source: 'doubled = r * 2\ndoubled' },
  { id: 'wait', cell_type: 'code', source: 'time.sleep(2)\n"slept"' },
  {
    id: 'raises',
    cell_type: 'code',
    source: '1 / 0',
    tags: ['raises-exception']
  },
  { id: 'steady', cell_type: 'code', source: 'sum(range(10))' }
];

/**
 * Rich outputs that change on every run: an HTML table and an SVG bar of an
 * unseeded draw (the SVG is not compared; the table is, on its text).
 */
const RICH: Cell[] = [
  {
    id: 'imports',
    cell_type: 'code',
    source: 'import random\nfrom IPython.display import HTML, SVG, display'
  },
  { id: 'draw', cell_type: 'code', source: 'r = random.random()\nr' },
  {
    id: 'table',
    cell_type: 'code',
    source: [
      'rows = "".join(f"<tr><td>{k}</td><td>{v:.3f}</td></tr>" for k, v in [("r", r), ("2r", 2 * r)])',
      'display(HTML(f"<table><thead><tr><th>name</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>"))',
      'SVG(f\'<svg xmlns="http://www.w3.org/2000/svg" width="220" height="24"><rect width="{int(r * 200) + 10}" height="24" fill="#1976d2"/></svg>\')'
    ].join('\n')
  }
];

/** A draw, then a cell slow enough to save the notebook while it runs. */
const SAVING: Cell[] = [
  {
    id: 'draw',
    cell_type: 'code',
    source: 'import random, time\nrandom.random()'
  },
  { id: 'sleeps', cell_type: 'code', source: 'time.sleep(4)\n"slept"' },
  { id: 'steady', cell_type: 'code', source: 'sum(range(10))' }
];

/** Upload `cells` as `name` into the test's folder, open it, run it once. */
async function openAndRun(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  cells: Cell[],
  runFirst = true
): Promise<void> {
  await page.contents.uploadContent(
    notebook(cells),
    'text',
    `${tmpPath}/${name}`
  );
  expect(await page.notebook.openByPath(`${tmpPath}/${name}`)).toBe(true);
  expect(await page.notebook.activate(name)).toBe(true);
  if (runFirst) {
    expect(await page.notebook.run()).toBe(true);
  }
}

/** Every code cell's outputs and execution count, as cell JSON. */
async function codeCellJSON(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    // The notebook, wherever the focus is (the report panel may have it).
    const app = (window as any).jupyterapp;
    const notebook = Array.from(app.shell.widgets('main')).find(
      (w: any) => w.content?.model?.cells
    ) as any;
    const model = notebook.content.model;
    const cells = model.cells;
    const out: unknown[] = [];
    for (let i = 0; i < cells.length; i++) {
      const json = cells.get(i).toJSON();
      if (json.cell_type === 'code') {
        out.push([json.id, json.outputs, json.execution_count]);
      }
    }
    return JSON.stringify(out);
  });
}

/**
 * The cells of a notebook as saved on disk (read through the server). A read
 * that meets a save half-way ("Notebook does not appear to be JSON") is
 * tried again.
 */
async function diskCells(
  page: IJupyterLabPageFixture,
  file: string
): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(async file => {
    const app = (window as any).jupyterapp;
    for (let attempt = 0; ; attempt++) {
      try {
        const model = await app.serviceManager.contents.get(file, {
          content: true,
          type: 'notebook'
        });
        return model.content.cells;
      } catch (reason) {
        if (attempt >= 20) {
          throw reason;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  }, file);
}

/** Save the notebook `name` as a user does: its tab, then Ctrl+S. */
async function saveWithKeyboard(
  page: IJupyterLabPageFixture,
  name: string
): Promise<void> {
  // (by its own tab: galata's activate(name) also matches "Verify: name")
  await page
    .locator('.lm-DockPanel-tabBar .lm-TabBar-tab')
    .filter({
      has: page.locator('.lm-TabBar-tabLabel').getByText(name, { exact: true })
    })
    .click();
  await page.keyboard.press('Control+s');
}

/**
 * Press the toolbar button (or the shortcut) and accept the confirmation
 * dialog, ticking "Do not ask me again." if told to.
 */
async function startVerify(
  page: IJupyterLabPageFixture,
  options: { shortcut?: boolean; dontAsk?: boolean } = {}
): Promise<Locator> {
  if (options.shortcut) {
    await page.notebook.selectCells(0);
    await page.keyboard.press('Control+Alt+V');
  } else {
    await page.locator(BUTTON).first().click();
  }
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Restart Kernel and Verify Notebook?');
  if (options.dontAsk) {
    await dialog.getByRole('checkbox').check();
  }
  await dialog.getByRole('button', { name: 'Restart and Verify' }).click();
  const panel = page.locator('.jp-nbguard-Verify');
  await expect(panel).toBeVisible();
  return panel;
}

/** The report row of a cell. */
function row(panel: Locator, cellId: string): Locator {
  return panel.locator(`.jp-nbguard-Verify-row[data-cell-id="${cellId}"]`);
}

async function save(page: IJupyterLabPageFixture, name: string): Promise<void> {
  // Let transitions and toasts settle first.
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(IMAGES, name) });
}

test.describe('restart and verify', () => {
  test.beforeEach(async ({ page }) => {
    // Galata (5.6) tracks kernels by proxying every POST /api/kernels/...: it
    // answers a restart with 201, which JupyterLab rejects ("Invalid response:
    // 201 Created") and never reconnects, and fails to parse an interrupt's
    // empty 204. Send restarts and interrupts straight to the server.
    await page.route(/\/api\/kernels\/[-\w]+\/(restart|interrupt)/, route =>
      route.continue()
    );
  });

  test('the button runs the notebook, reports the root cause, and restores the outputs exactly', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook run once, and its cells' JSON
    await openAndRun(page, tmpPath, 'diverging.ipynb', DIVERGING);
    const before = await codeCellJSON(page);
    // And the command in the Kernel menu and the palette
    await page.menu.open('Kernel');
    await expect(
      page.locator('.lm-Menu-itemLabel', {
        hasText: 'Restart Kernel and Verify Notebook…'
      })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await execute(page, 'apputils:activate-command-palette');
    await page.keyboard.type('Verify Notebook');
    // (with its keyboard shortcut)
    const item = page.locator('.lm-CommandPalette-item', {
      hasText: 'Restart Kernel and Verify Notebook…'
    });
    await expect(item).toContainText('Ctrl+Alt+V');
    await expect(item).toHaveAttribute('data-command', VERIFY);
    await page.keyboard.press('Escape');

    // When the toolbar button is pressed and the dialog accepted
    const panel = await startVerify(page);

    // Then progress shows cell i of N, the elapsed time and the running cell
    const progress = panel.locator('.jp-nbguard-Verify-progress');
    await expect(progress).toContainText(/Running cell \d of 6/, {
      timeout: RUN_TIMEOUT
    });
    await expect(progress).toContainText(/\d:\d\d/);
    await expect(
      progress.getByRole('button', { name: 'Cancel' })
    ).toBeVisible();
    await expect(progress).toContainText('Running cell 4 of 6', {
      timeout: RUN_TIMEOUT
    });
    await expect(
      page.locator('.jp-Cell.jp-nbguard-mod-verifying')
    ).toContainText('time.sleep(2)');
    await save(page, 'verify-progress.png');

    // And the report names the unseeded draw as the root cause
    const summary = panel.locator('.jp-nbguard-Verify-summary');
    await expect(summary).toContainText('first divergence: cell 3', {
      timeout: RUN_TIMEOUT
    });
    await expect(summary).toContainText(/\d of 6 cells reproduced/);
    await expect(row(panel, 'draw')).toHaveClass(/jp-mod-rootCause/);
    await expect(row(panel, 'draw')).toContainText('changed');
    await expect(row(panel, 'draw').locator('.jp-mod-add')).toHaveCount(1);
    await expect(row(panel, 'setup')).toContainText('same');
    // The expected error did not stop the run, and still reproduced
    await expect(row(panel, 'raises')).toContainText('same');
    await expect(row(panel, 'steady')).toContainText('same');
    expect(await codeCellJSON(page)).not.toBe(before);
    // And the changed cell is underlined as verify-mismatch (NBG301)
    const drawCell = page.locator('.jp-Cell').filter({
      hasText: 'random.random()'
    });
    const underline = drawCell.locator('.cm-lintRange').first();
    await expect(underline).toBeVisible({ timeout: 20_000 });
    await underline.hover();
    await expect(page.locator('.cm-tooltip-lint')).toContainText('NBG301');
    await page.mouse.move(0, 0);
    await save(page, 'verify-report.png');

    // When a row is clicked, its cell becomes active
    await row(panel, 'draw').locator('.jp-nbguard-Verify-rowButton').click();
    expect(
      await page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget.content.activeCell
            .model.id
      )
    ).toBe('draw');

    // And in the dark theme the report stays readable
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    await save(page, 'verify-report-dark.png');

    // When the previous outputs are restored
    await panel
      .getByRole('button', { name: 'Restore previous outputs' })
      .click();
    await expect(panel).toContainText(
      'The previous outputs have been restored.'
    );

    // Then every code cell's JSON is identical to before
    expect(await codeCellJSON(page)).toBe(before);

    // And Dismiss closes the report
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.locator('.jp-nbguard-Verify')).toHaveCount(0);
  });

  test('Cancel interrupts a cell that sleeps and reports what ran', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook with a cell that sleeps for a minute, in the dark theme
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await openAndRun(
      page,
      tmpPath,
      'sleeps.ipynb',
      [
        { id: 'first', cell_type: 'code', source: 'x = 41\nx + 1' },
        {
          id: 'sleeps',
          cell_type: 'code',
          source: 'import time\ntime.sleep(60)'
        },
        { id: 'after', cell_type: 'code', source: 'print("never")' }
      ],
      false
    );
    await page.notebook.runCell(0, true);

    // When it is verified, and cancelled while the sleep runs
    const started = Date.now();
    const panel = await startVerify(page);
    const progress = panel.locator('.jp-nbguard-Verify-progress');
    await expect(progress).toContainText('Running cell 2 of 3', {
      timeout: RUN_TIMEOUT
    });
    await save(page, 'verify-progress-dark.png');
    await progress.getByRole('button', { name: 'Cancel' }).click();

    // Then the report covers what ran, long before the sleep would end
    await expect(panel.locator('.jp-nbguard-Verify-endNote')).toContainText(
      'The run was cancelled in',
      { timeout: RUN_TIMEOUT }
    );
    expect(Date.now() - started).toBeLessThan(55_000);
    await expect(row(panel, 'first')).toContainText('same');
    await expect(row(panel, 'sleeps')).toContainText('not run');
    await expect(row(panel, 'after')).toContainText('not run');
    // And the kernel was interrupted: the sleeping cell shows KeyboardInterrupt
    await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
      'KeyboardInterrupt',
      { timeout: RUN_TIMEOUT }
    );
  });

  test('a kernel killed mid-run is reported as dead, not as a hang', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook whose second cell kills the kernel process
    await openAndRun(
      page,
      tmpPath,
      'dies.ipynb',
      [
        { id: 'first', cell_type: 'code', source: 'print("alive")' },
        // (a pause first: the cells go to the kernel together, and one that
        // dies at once can take the first cell's reply down with it)
        {
          id: 'kills',
          cell_type: 'code',
          source: 'import os, time\ntime.sleep(0.5)\nos._exit(1)'
        },
        { id: 'after', cell_type: 'code', source: 'print("never")' }
      ],
      false
    );
    await page.notebook.runCell(0, true);
    const before = await codeCellJSON(page);

    // When it is verified, from the keyboard shortcut
    const panel = await startVerify(page, { shortcut: true });

    // Then the report says the kernel died in that cell
    await expect(panel.locator('.jp-nbguard-Verify-endNote')).toContainText(
      'The kernel died while running',
      { timeout: RUN_TIMEOUT }
    );
    await expect(row(panel, 'first')).toContainText('same');
    await expect(row(panel, 'after')).toContainText('not run');
    // (JupyterLab says so too, in its own dialog)
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('appears to have died');
    await dialog.getByRole('button', { name: /ok/i }).click();
    // And the snapshot survived the crash: restoring gives the JSON of before
    await panel
      .getByRole('button', { name: 'Restore previous outputs' })
      .click();
    expect(await codeCellJSON(page)).toBe(before);
  });

  test('the snapshot survives a page reload', async ({ page, tmpPath }) => {
    // Given a verification that finished and was not dismissed
    await openAndRun(page, tmpPath, 'reload.ipynb', DIVERGING.slice(0, 4));
    const before = await codeCellJSON(page);
    const panel = await startVerify(page, { dontAsk: true });
    await expect(panel.locator('.jp-nbguard-Verify-summary')).toBeVisible({
      timeout: RUN_TIMEOUT
    });

    // (the state database is saved to the workspace after a short debounce)
    await page.waitForTimeout(2000);

    // When the page is reloaded (the notebook is not saved)
    // (galata's own readiness check waits for a launcher; wait for the report)
    await page.reload({ waitForIsReady: false });

    // Then the report comes back with the notebook, and restores exactly
    const again = page.locator('.jp-nbguard-Verify');
    await expect(again.locator('.jp-nbguard-Verify-summary')).toContainText(
      'first divergence',
      { timeout: RUN_TIMEOUT }
    );
    await again
      .getByRole('button', { name: 'Restore previous outputs' })
      .click();
    expect(await codeCellJSON(page)).toBe(before);

    // And, as asked, the next verification starts without a dialog
    await again.getByRole('button', { name: 'Dismiss' }).click();
    await page.notebook.activate('reload.ipynb');
    await page.locator(BUTTON).first().click();
    await expect(
      page.locator('.jp-nbguard-Verify-summary').first()
    ).toBeVisible({ timeout: RUN_TIMEOUT });
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });

  test('the report renders the outputs before and after side by side, and the Health panel says whether the notebook reproduced', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook with rich outputs, run once, and the Health panel open
    await openAndRun(page, tmpPath, 'rich.ipynb', RICH);
    await execute(page, SHOW_PANEL);
    const health = page.locator('.jp-nbguard-DiagnosticsPanel-verify');
    await expect(health).toHaveText('Not verified since the last restart');

    // When it is verified
    const panel = await startVerify(page);
    await expect(panel.locator('.jp-nbguard-Verify-summary')).toContainText(
      '1 of 3 cells reproduced; first divergence: cell 2',
      { timeout: RUN_TIMEOUT }
    );

    // Then each changed cell shows its outputs before and after, rendered
    const table = row(panel, 'table');
    const before = table.locator('.jp-nbguard-Verify-side.jp-mod-before');
    const after = table.locator('.jp-nbguard-Verify-side.jp-mod-after');
    await expect(before.locator('table')).toBeVisible();
    await expect(after.locator('table')).toBeVisible();
    await expect(before.locator('.jp-RenderedSVG img')).toBeVisible();
    await expect(after.locator('.jp-RenderedSVG img')).toBeVisible();
    await expect(before.locator('th').first()).toHaveText('name');
    const shown = async (side: Locator) =>
      (await side.locator('tbody td').nth(1).textContent()) ?? '';
    expect(await shown(before)).toMatch(/^0\.\d{3}$/);
    expect(await shown(after)).not.toBe(await shown(before));
    // And the text diff is still there below, changed lines highlighted
    await expect(
      table.locator('.jp-nbguard-Verify-diff .jp-mod-add')
    ).not.toHaveCount(0);
    await expect(
      row(panel, 'draw').locator('.jp-nbguard-Verify-side')
    ).toHaveCount(2);
    // A cell that reproduced shows no outputs
    await expect(
      row(panel, 'imports').locator('.jp-nbguard-Verify-side')
    ).toHaveCount(0);
    // And the Health panel gives the time and the count
    await expect(health).toContainText(/^Verified .+: 1 of 3 cells reproduced/);
    await save(page, 'verify-health.png');

    // (the report alone, wide enough for two columns)
    await page.evaluate(() => (window as any).jupyterapp.shell.collapseRight());
    await table.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await save(page, 'verify-report-outputs.png');
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    await table.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await save(page, 'verify-report-outputs-dark.png');

    // When the report is closed, the Health panel opens it again
    await page
      .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'Verify:' })
      .locator('.lm-TabBar-tabCloseIcon')
      .click();
    await expect(page.locator('.jp-nbguard-Verify')).toHaveCount(0);
    await execute(page, SHOW_PANEL);
    await health.getByRole('button', { name: 'Open report' }).click();
    await expect(
      page.locator('.jp-nbguard-Verify .jp-nbguard-Verify-summary')
    ).toContainText('first divergence: cell 2');

    // When the kernel is restarted by hand, the result no longer holds
    await page.evaluate(async () => {
      const app = (window as any).jupyterapp;
      const notebook = Array.from(app.shell.widgets('main')).find(
        (w: any) => w.content?.model?.cells
      ) as any;
      await notebook.sessionContext.restartKernel();
    });
    await expect(health).toContainText('Not verified since the last restart', {
      timeout: RUN_TIMEOUT
    });
    // (the report itself stays until it is dismissed)
    await expect(
      health.getByRole('button', { name: 'Open report' })
    ).toBeVisible();
  });

  test('saving during a run is allowed, and the snapshot still restores byte for byte', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook run once and saved, and its cells' JSON
    const name = 'saving.ipynb';
    const file = `${tmpPath}/${name}`;
    await openAndRun(page, tmpPath, name, SAVING);
    await saveWithKeyboard(page, name);
    await expect
      .poll(async () => (await diskCells(page, file))[2].execution_count, {
        timeout: RUN_TIMEOUT
      })
      .toBe(3);
    const savedBefore = await diskCells(page, file);
    const before = await codeCellJSON(page);

    // When it is verified, and saved while the slow cell runs
    const panel = await startVerify(page);
    const progress = panel.locator('.jp-nbguard-Verify-progress');
    await expect(progress).toContainText('Running cell 2 of 3', {
      timeout: RUN_TIMEOUT
    });
    await saveWithKeyboard(page, name);

    // Then the save goes through mid-run: the file holds the new draw and
    // the slow cell not yet run, with no dialog, and the run goes on
    await expect
      .poll(async () => (await diskCells(page, file))[0].outputs, {
        timeout: RUN_TIMEOUT
      })
      .not.toEqual(savedBefore[0].outputs);
    const savedDuring = await diskCells(page, file);
    expect(savedDuring[0].execution_count).toBe(1);
    expect(savedDuring[1].outputs).toEqual([]);
    await expect(progress).toContainText('Running cell 2 of 3');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(panel.locator('.jp-nbguard-Verify-summary')).toContainText(
      '2 of 3 cells reproduced; first divergence: cell 1',
      { timeout: RUN_TIMEOUT }
    );
    await expect(row(panel, 'sleeps')).toContainText('same');

    // When the previous outputs are restored
    await panel
      .getByRole('button', { name: 'Restore previous outputs' })
      .click();

    // Then every code cell's JSON is identical to before the run
    expect(await codeCellJSON(page)).toBe(before);

    // And saved again, the file's cells are byte for byte those of before
    await saveWithKeyboard(page, name);
    await expect
      .poll(async () => JSON.stringify(await diskCells(page, file)), {
        timeout: RUN_TIMEOUT
      })
      .toBe(JSON.stringify(savedBefore));
  });
});
