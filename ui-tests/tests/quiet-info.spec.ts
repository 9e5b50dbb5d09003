import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

import { CHECK_TIMEOUT, execute, screenshot, underlines } from './utils';

/**
 * Info findings are quiet (issue 8, point 4): no cell marker, not counted as
 * warnings, listed under their own heading in the panel, and, only when the
 * user asks for it (showInfo = underlines), a faint dotted underline in the
 * theme's info colour.
 *
 * The notebook is run top to bottom except for one pair of cells, so that it
 * has info findings and no problem:
 * - `reader` (`print(x)`) shows `x` before `grow` below it, run later,
 *   appended to it: NBG209 superseded, info, on `x` (Restart & Run All shows
 *   the same);
 * - `second` ran before `first` above it: NBG205 run-order, info, no range.
 */

const PLUGIN = 'jupyterlab-nbguard:plugin';
const NOTEBOOK = 'quiet-info.ipynb';
const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const CELLS = [
  { id: 'init', source: 'x = [1]' },
  { id: 'reader', source: 'print(x)' },
  { id: 'grow', source: 'x.append(2)' },
  { id: 'first', source: 'a = 1' },
  { id: 'second', source: 'b = 2' }
];
/** Page indices in the order they are run: `second` before `first`. */
const RUN_ORDER = [0, 1, 2, 4, 3];
const READER = 1;
const SECOND = 4;

test.use({ viewport: { width: 1300, height: 720 } });

function notebookJSON(): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
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

async function setSetting(
  page: IJupyterLabPageFixture,
  key: string,
  value: unknown
): Promise<void> {
  await page.evaluate(
    async ({ plugin, key, value }) => {
      const registry = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      await registry.set(plugin, key, value);
    },
    { plugin: PLUGIN, key, value }
  );
}

/** The computed `rgb(...)` of a CSS colour expression in the current theme. */
async function resolveColor(
  page: IJupyterLabPageFixture,
  expression: string
): Promise<string> {
  return page.evaluate(expr => {
    const probe = document.createElement('div');
    probe.style.color = expr;
    document.body.appendChild(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  }, expression);
}

function statusItem(page: IJupyterLabPageFixture): Locator {
  return page.locator('#jp-main-statusbar .jp-nbguard-Status-button');
}

function panelSection(page: IJupyterLabPageFixture, name: string): Locator {
  return page.locator(`#jp-nbguard-findings section[aria-label="${name}"]`);
}

async function cell(
  page: IJupyterLabPageFixture,
  index: number
): Promise<Locator> {
  const locator = await page.notebook.getCellLocator(index);
  expect(locator, `cell ${index} is rendered`).not.toBeNull();
  return locator!;
}

/** Whether the cell carries any nbguard marker (badge or marker class). */
async function hasMarker(locator: Locator): Promise<boolean> {
  const badges = await locator.locator('.jp-nbguard-CellMarker').count();
  const classes = (await locator.getAttribute('class')) ?? '';
  return badges > 0 || /\bjp-nbguard-mod-/.test(classes);
}

/** Save a screenshot in the test results and as a docs image. */
async function documented(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  await screenshot(page, testInfo, name);
  await page.screenshot({ path: path.join(DOCS_IMAGES, name) });
}

/**
 * Hover the dotted underline in `reader` and save a close-up of the cell with
 * the tooltip (test results and docs).
 */
async function closeUp(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const reader = await cell(page, READER);
  await underlines(reader).filter({ hasText: 'x' }).first().hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toContainText('NBG209', { timeout: 5_000 });
  await page.waitForTimeout(300);
  const [a, b] = [await reader.boundingBox(), await tooltip.boundingBox()];
  const x = Math.max(0, Math.min(a!.x, b!.x) - 10);
  const y = Math.max(0, Math.min(a!.y, b!.y) - 10);
  const clip = {
    x,
    y,
    width: Math.max(a!.x + a!.width, b!.x + b!.width) + 10 - x,
    height: Math.max(a!.y + a!.height, b!.y + b!.height) + 10 - y
  };
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file, clip });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  await page.screenshot({ path: path.join(DOCS_IMAGES, name), clip });
  await page.mouse.move(0, 0);
  await expect(tooltip).toHaveCount(0);
}

/**
 * Check everything that makes info quiet, in the current theme, and return
 * the dotted underline's colour.
 */
async function expectQuiet(
  page: IJupyterLabPageFixture,
  theme: string
): Promise<void> {
  const reader = await cell(page, READER);
  const second = await cell(page, SECOND);
  // The panel lists both info findings under Information, none as a problem
  const info = panelSection(page, 'Information').getByRole('listitem');
  await expect(info.filter({ hasText: 'NBG209' })).toHaveCount(1, {
    timeout: CHECK_TIMEOUT
  });
  await expect(info.filter({ hasText: 'NBG205' })).toHaveCount(1);
  await expect(
    panelSection(page, 'Problems').getByRole('listitem')
  ).toHaveCount(0);
  await expect(panelSection(page, 'Problems')).toContainText(
    'No problems found.'
  );
  // ... and the Information section comes below the problems
  const [problemsBox, infoBox] = [
    await panelSection(page, 'Problems').boundingBox(),
    await panelSection(page, 'Information').boundingBox()
  ];
  expect(infoBox!.y).toBeGreaterThan(problemsBox!.y);
  // No cell is marked
  expect(await hasMarker(reader), `${theme}: no marker on reader`).toBe(false);
  expect(await hasMarker(second), `${theme}: no marker on second`).toBe(false);
  // The status bar counts 0 errors, 0 warnings and, apart and quiet, as many
  // info findings as the Information section lists
  const item = statusItem(page);
  await expect(item.locator('.jp-nbguard-mod-warning')).toHaveText('0');
  await expect(item.locator('.jp-nbguard-mod-error')).toHaveText('0');
  const infoCount = item.locator(
    '.jp-nbguard-Status-count.jp-nbguard-mod-info'
  );
  const listed = await info.count();
  await expect(infoCount).toHaveText(String(listed));
  const quietColor = await resolveColor(page, 'var(--jp-ui-font-color2)');
  expect(
    await infoCount.evaluate(el => getComputedStyle(el).color),
    `${theme}: info count in the muted text colour`
  ).toBe(quietColor);
  // The tooltip says what was checked and when
  await expect(item).toHaveAttribute(
    'title',
    new RegExp(
      `nbguard checked .*${NOTEBOOK} \\(5 cells, against its kernel history\\) at \\d{1,2}:\\d{2}:\\d{2}[^:]*: 0 errors, 0 warnings; ${listed} info`
    )
  );
  // The dotted underline on `x` in `reader`, in the theme's info colour
  const underline = underlines(reader).filter({ hasText: 'x' }).first();
  await expect(underline).toBeVisible({ timeout: CHECK_TIMEOUT });
  await expect(underline).toHaveClass(/\bcm-lintRange-info\b/);
  const style = await underline.evaluate(el => {
    const cs = getComputedStyle(el);
    return {
      line: cs.textDecorationLine,
      style: cs.textDecorationStyle,
      color: cs.textDecorationColor,
      background: cs.backgroundImage
    };
  });
  expect(style.line).toContain('underline');
  expect(style.style, `${theme}: dotted`).toBe('dotted');
  expect(style.background, 'no wavy lint image').toBe('none');
  expect(style.color, `${theme}: --jp-info-color1`).toBe(
    await resolveColor(page, 'var(--jp-info-color1)')
  );
}

test.describe('quiet info findings', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadContent(
      notebookJSON(),
      'text',
      `${tmpPath}/${NOTEBOOK}`
    );
    expect(await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`)).toBe(true);
    expect(await page.notebook.activate(NOTEBOOK)).toBe(true);
  });

  test('info findings: no marker, not a warning, own panel heading, dotted underline on request, light and dark', async ({
    page
  }, testInfo) => {
    // Given the notebook run with `second` before `first`
    for (const index of RUN_ORDER) {
      expect(
        await page.notebook.runCell(index, { inplace: true }),
        `run ${index}`
      ).toBe(true);
    }
    // When the status bar item is clicked
    await expect(statusItem(page)).toHaveAttribute('title', /[1-9] info/, {
      timeout: CHECK_TIMEOUT
    });
    await statusItem(page).click();
    // Then the panel opens
    await expect(page.locator('#jp-nbguard-findings')).toBeVisible();
    // ... and by default (showInfo = panel) nothing is underlined
    await expect(panelSection(page, 'Information')).toBeVisible({
      timeout: CHECK_TIMEOUT
    });
    for (let i = 0; i < CELLS.length; i++) {
      await expect(underlines(await cell(page, i))).toHaveCount(0);
    }

    // When the user asks for info underlines
    await setSetting(page, 'showInfo', 'underlines');
    await page.notebook.selectCells(0);
    // Then everything is quiet, in the light theme
    await expectQuiet(page, 'light');
    await documented(page, testInfo, 'quiet-info-light.png');
    await closeUp(page, testInfo, 'quiet-info-underline-light.png');

    // When the theme is dark
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect
      .poll(() => page.evaluate(() => document.body.dataset.jpThemeLight))
      .toBe('false');
    // Then it is just as quiet, in the dark theme's colours
    await expectQuiet(page, 'dark');
    await documented(page, testInfo, 'quiet-info-dark.png');
    await closeUp(page, testInfo, 'quiet-info-underline-dark.png');

    // When info is turned off
    await setSetting(page, 'showInfo', 'off');
    // Then it is gone from the editor, the panel and the status bar
    await expect(underlines(await cell(page, READER))).toHaveCount(0, {
      timeout: CHECK_TIMEOUT
    });
    await expect(panelSection(page, 'Information')).toHaveCount(0);
    await expect(statusItem(page).locator('.jp-nbguard-mod-info')).toHaveCount(
      0
    );
  });

  test("a problem's badge stays clear of JupyterLab's collapser on the active, edited cell", async ({
    page
  }, testInfo) => {
    // Given a cell with an error (an undefined name), active and edited
    await page.notebook.setCell(1, 'code', 'print(undefined_thing)');
    await page.notebook.selectCells(1);
    const target = await cell(page, 1);
    const badge = target.locator('.jp-nbguard-CellMarker');
    await expect(badge).toBeVisible({ timeout: CHECK_TIMEOUT });
    // Then the badge and the collapser bar do not overlap
    const collapser = target.locator('.jp-InputCollapser');
    const [a, b] = [await badge.boundingBox(), await collapser.boundingBox()];
    expect(a && b).toBeTruthy();
    expect(
      a!.x,
      `badge at x=${a!.x}, collapser ends at ${b!.x + b!.width}`
    ).toBeGreaterThanOrEqual(b!.x + b!.width);
    await screenshot(page, testInfo, 'badge-and-collapser.png', target);
  });
});

test.describe('nbguard settings page', () => {
  test('describes Select, Ignore and Show info once each, and offers only known rules', async ({
    page
  }, testInfo) => {
    // When the Settings Editor is opened on nbguard
    await execute(page, 'settingeditor:open', { query: 'nbguard' });
    const form = page.locator('.jp-SettingsPanel');
    await page
      .locator('.jp-PluginList-entry')
      .filter({ hasText: 'nbguard' })
      .first()
      .click();
    await expect(form.getByText('Select: report only these rules')).toHaveCount(
      1,
      {
        timeout: 10_000
      }
    );
    // Then each description is shown once
    await expect(
      form.getByText('Ignore: never report these rules')
    ).toHaveCount(1);
    await expect(
      form.getByText('Where findings of severity info appear')
    ).toHaveCount(1);
    // ... and Select is a choice among the server's rules, not free text
    const select = form.locator('select[multiple]').first();
    await expect(select).toBeVisible();
    const options = await select
      .locator('option')
      .evaluateAll(nodes => nodes.map(n => (n as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThan(10);
    const labels = await select.locator('option').allInnerTexts();
    expect(labels).toContain('NBG201 stale-cell');
    expect(labels).toContain('stale-cell (NBG201)');
    expect(labels).not.toContain('stale');
    // ... tall enough to see more than a handful of them
    expect((await select.boundingBox())!.height).toBeGreaterThan(120);
    await form
      .getByText('Ignore: never report these rules')
      .scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, 'settings.png');
  });
});
