import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Request } from '@playwright/test';

import {
  activeCellIndex,
  cellIndex,
  CHECK_TIMEOUT,
  execute,
  makeStale,
  NOTEBOOK,
  openHazards,
  pricesUnderline,
  screenshot,
  SHOW_PANEL,
  underlines
} from './utils';

/**
 * UI polish of nbguard on examples/hazards.ipynb: dark theme colours and
 * readability, the settings toggles, the keyboard shortcut, the command palette,
 * "next finding" and the status bar item.
 *
 * Every test starts from the same state as tests/nbguard.spec.ts:
 * `makeStale` (see ./utils): the price list is edited and run again above
 * `stale-reader`, which makes it stale (NBG201 on `prices`).
 *
 * Galata mocks the settings per test (in memory), so the theme and the nbguard
 * settings changed here do not leak into other tests.
 */

const PLUGIN = 'jupyterlab-nbguard:plugin';
const CHECK_NOTEBOOK = 'jupyterlab-nbguard:check-notebook';
const NEXT_FINDING = 'jupyterlab-nbguard:next-finding';
const PANEL_ID = 'jp-nbguard-findings';

test.use({ viewport: { width: 1400, height: 900 } });

// ---------------------------------------------------------------- helpers

/** The nbguard findings panel (a right side bar widget). */
function findingsPanel(page: IJupyterLabPageFixture): Locator {
  return page.locator(`#${PANEL_ID}`);
}

/** Rows of the findings panel for the stale `prices` finding. */
function staleRows(page: IJupyterLabPageFixture): Locator {
  return findingsPanel(page)
    .getByRole('listitem')
    .filter({ hasText: /NBG201/ })
    .filter({ hasText: 'prices' });
}

/** The nbguard status bar item. */
function statusItem(page: IJupyterLabPageFixture): Locator {
  return page.locator('#jp-main-statusbar .jp-nbguard-Status-button');
}

/** Set one nbguard setting through the setting registry, as the editor would. */
async function setSetting(
  page: IJupyterLabPageFixture,
  key: string,
  value: unknown
) {
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

/** Whether the cell shows the nbguard marker (badge or severity class). */
async function hasMarker(cell: Locator): Promise<boolean> {
  const badges = await cell.locator('.jp-nbguard-CellMarker').count();
  const classes = (await cell.getAttribute('class')) ?? '';
  return badges > 0 || /\bjp-nbguard-mod-(error|warning|info)\b/.test(classes);
}

/**
 * Resolve a CSS colour expression (e.g. `var(--jp-warn-color1)`) to the
 * `rgb(...)` string the browser computes, with the current theme.
 */
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

/**
 * Text colour of the first element under `locator` that holds text, the
 * background actually painted behind it (first non-transparent ancestor), and
 * their WCAG contrast ratio.
 */
async function textContrast(
  locator: Locator
): Promise<{ fg: string; bg: string; ratio: number }> {
  return locator.evaluate((root: Element) => {
    const parse = (c: string): number[] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) {
        return [0, 0, 0, 0];
      }
      const parts = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    let textEl: Element = root;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if ((n.textContent ?? '').trim() && n.parentElement) {
        textEl = n.parentElement;
        break;
      }
    }
    const fg = getComputedStyle(textEl).color;
    let bg = 'rgb(255, 255, 255)';
    for (let el: Element | null = textEl; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (parse(c)[3] > 0) {
        bg = c;
        break;
      }
    }
    // Blend a translucent text colour over its background, as it is painted.
    const [fr, fgG, fb, fa] = parse(fg);
    const [br, bgG, bb] = parse(bg);
    const painted = [
      fr * fa + br * (1 - fa),
      fgG * fa + bgG * (1 - fa),
      fb * fa + bb * (1 - fa)
    ];
    const l1 = luminance(painted);
    const l2 = luminance(parse(bg));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    return { fg, bg, ratio };
  });
}

/** WCAG contrast ratio of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const parse = (c: string) =>
    (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
  const lum = (c: string) => {
    const [r, g, bl] = parse(c).map(v => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [l1, l2] = [lum(a), lum(b)];
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

function isCheckRequest(request: Request): boolean {
  return (
    request.method() === 'POST' &&
    /\/jupyterlab-nbguard\/check(\?|$)/.test(request.url())
  );
}

// ------------------------------------------------------------------ tests

test.describe('nbguard UI polish on hazards.ipynb', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openHazards(page, tmpPath);
  });

  test('dark theme: underline, marker and tooltip use the dark theme colours and stay readable', async ({
    page
  }, testInfo) => {
    // Given the light theme's warning colour, as the theme variable resolves
    expect(await page.theme.getTheme()).toBe('JupyterLab Light');
    const lightWarn = await resolveColor(page, 'var(--jp-warn-color1)');
    const lightNbg = await resolveColor(
      page,
      'var(--jp-nbguard-warning-color)'
    );
    expect(lightNbg, 'nbguard warning colour follows --jp-warn-color1').toBe(
      lightWarn
    );

    // When the theme is switched to JupyterLab Dark
    await execute(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
    await expect
      .poll(() => page.evaluate(() => document.body.dataset.jpThemeName))
      .toBe('JupyterLab Dark');
    await expect
      .poll(() => page.evaluate(() => document.body.dataset.jpThemeLight))
      .toBe('false');
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    // (the raw variable, as the brief's reference value)
    const darkVar = await page.evaluate(() =>
      getComputedStyle(document.body)
        .getPropertyValue('--jp-warn-color1')
        .trim()
    );
    expect(darkVar, '--jp-warn-color1 is defined in dark').not.toBe('');
    const darkWarn = await resolveColor(page, 'var(--jp-warn-color1)');
    const darkNbg = await resolveColor(page, 'var(--jp-nbguard-warning-color)');
    expect(darkNbg).toBe(darkWarn);
    testInfo.annotations.push({
      type: 'warning colour',
      description: `light ${lightWarn}, dark ${darkWarn} (--jp-warn-color1 = ${darkVar})`
    });
    expect(darkWarn, 'dark and light warning colours differ').not.toBe(
      lightWarn
    );

    // ... and `stale-reader` is made stale
    const stale = await makeStale(page);

    // Then the underline is drawn (wavy text decoration) in the dark warning colour
    const underline = pricesUnderline(stale).first();
    await expect(underline).toHaveClass(/\bcm-lintRange-warning\b/);
    const style = await underline.evaluate(el => {
      const cs = getComputedStyle(el);
      return {
        line: cs.textDecorationLine,
        color: cs.textDecorationColor,
        style: cs.textDecorationStyle
      };
    });
    expect(style.line).toContain('underline');
    expect(style.color, 'underline colour is the dark --jp-warn-color1').toBe(
      darkWarn
    );
    expect(style.color).not.toBe(lightWarn);

    // ... and it stands out from the editor background (WCAG 1.4.11: >= 3:1)
    const editorBg = await stale
      .locator('.cm-editor')
      .first()
      .evaluate(el => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (!/rgba\(0, 0, 0, 0\)|transparent/.test(c)) {
            return c;
          }
        }
        return 'rgb(255, 255, 255)';
      });
    const underlineContrast = contrast(style.color, editorBg);
    testInfo.annotations.push({
      type: 'dark underline',
      description: `${style.color} on ${editorBg}: ${underlineContrast.toFixed(2)}:1`
    });
    expect(underlineContrast).toBeGreaterThanOrEqual(3);

    // ... the cell marker (inset box-shadow and badge) uses the same colour
    await expect.poll(() => hasMarker(stale)).toBe(true);
    const marker = await stale.evaluate(el => ({
      shadow: getComputedStyle(el).boxShadow,
      badge: (() => {
        const b = el.querySelector('.jp-nbguard-CellMarker');
        return b ? getComputedStyle(b).backgroundColor : null;
      })()
    }));
    expect(marker.shadow, 'cell marker border colour').toContain(darkWarn);
    if (marker.badge !== null) {
      expect(marker.badge).toBe(darkWarn);
    }

    // ... and the tooltip text is readable on its dark background (>= 4.5:1)
    await underline.hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await expect(tooltip).toBeVisible({ timeout: 5_000 });
    const diagnostic = tooltip
      .locator('.cm-diagnostic')
      .filter({ hasText: 'prices' })
      .first();
    await expect(diagnostic).toBeVisible();
    const tip = await textContrast(diagnostic);
    testInfo.annotations.push({
      type: 'dark tooltip',
      description: `${tip.fg} on ${tip.bg}: ${tip.ratio.toFixed(2)}:1`
    });
    await screenshot(page, testInfo, 'dark-tooltip.png');
    const [a, b] = [await tooltip.boundingBox(), await stale.boundingBox()];
    if (a && b) {
      const x = Math.max(0, Math.min(a.x, b.x) - 40);
      const y = Math.max(0, Math.min(a.y, b.y) - 20);
      const file = testInfo.outputPath('dark-tooltip-closeup.png');
      await page.screenshot({
        path: file,
        clip: {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) + 20 - x,
          height: Math.max(a.y + a.height, b.y + b.height) + 20 - y
        }
      });
      await testInfo.attach('dark-tooltip-closeup.png', {
        path: file,
        contentType: 'image/png'
      });
    }
    expect(
      tip.ratio,
      `tooltip text ${tip.fg} on ${tip.bg}`
    ).toBeGreaterThanOrEqual(4.5);
  });

  test('settings: showUnderlines hides only the underlines, enabled clears everything, both restore', async ({
    page
  }, testInfo) => {
    // Given a stale cell, underlined, marked and listed in the open panel
    const stale = await makeStale(page);
    await execute(page, SHOW_PANEL);
    await expect(staleRows(page).first()).toBeVisible({
      timeout: CHECK_TIMEOUT
    });
    await expect.poll(() => hasMarker(stale)).toBe(true);

    // When showUnderlines is turned off
    await setSetting(page, 'showUnderlines', false);
    // Then the underlines go away ...
    await expect(underlines(stale)).toHaveCount(0, { timeout: CHECK_TIMEOUT });
    // ... while the panel still lists the finding and the marker stays
    await expect(staleRows(page).first()).toBeVisible();
    expect(await hasMarker(stale)).toBe(true);
    await screenshot(page, testInfo, 'underlines-off.png');

    // When it is turned back on, the underline is back
    await setSetting(page, 'showUnderlines', true);
    await expect(pricesUnderline(stale).first()).toBeVisible({
      timeout: CHECK_TIMEOUT
    });

    // When nbguard is disabled
    await setSetting(page, 'enabled', false);
    // Then the panel is emptied and says so, markers and underlines are gone
    await expect(staleRows(page)).toHaveCount(0, { timeout: CHECK_TIMEOUT });
    await expect(findingsPanel(page)).toContainText(/disabled/i);
    await expect.poll(() => hasMarker(stale)).toBe(false);
    await expect(underlines(stale)).toHaveCount(0);
    // ... the status bar says nbguard is off (not "0 0 0", which reads as a
    // clean notebook), and the check command is disabled
    await expect(statusItem(page)).toHaveAttribute('title', /nbguard is off/);
    await expect(statusItem(page)).toContainText('off');
    await expect(
      statusItem(page).locator('.jp-nbguard-Status-count')
    ).toHaveCount(0);
    expect(
      await page.evaluate(
        id => (window as any).jupyterapp.commands.isEnabled(id),
        CHECK_NOTEBOOK
      )
    ).toBe(false);
    await screenshot(page, testInfo, 'disabled.png');

    // When it is enabled again, everything comes back without running anything
    await setSetting(page, 'enabled', true);
    await expect(staleRows(page).first()).toBeVisible({
      timeout: CHECK_TIMEOUT
    });
    await expect(pricesUnderline(stale).first()).toBeVisible({
      timeout: CHECK_TIMEOUT
    });
    await expect.poll(() => hasMarker(stale)).toBe(true);
    await expect(findingsPanel(page)).not.toContainText(/disabled/i);
  });

  test('keyboard and palette: Ctrl+Alt+G checks, the palette lists nbguard, next finding goes to the stale cell', async ({
    page
  }, testInfo) => {
    // Given a stale cell and the notebook focused in command mode on the first cell
    await makeStale(page);
    await page.notebook.selectCells(0);
    await page.keyboard.press('Escape');
    await expect
      .poll(() =>
        page.evaluate(() => {
          const nb = (window as any).jupyterapp.shell.currentWidget.content;
          return {
            mode: nb.mode,
            focused: nb.node.contains(document.activeElement)
          };
        })
      )
      .toEqual({ mode: 'command', focused: true });

    // ... and no check running on its own (quiet for 2 s)
    const seen: Request[] = [];
    const listener = (r: Request) => {
      if (isCheckRequest(r)) {
        seen.push(r);
      }
    };
    page.on('request', listener);
    await page.waitForTimeout(2_000);
    expect(seen, 'no background check before the shortcut').toHaveLength(0);

    // When Ctrl+Alt+G is pressed
    const request = page.waitForRequest(isCheckRequest, { timeout: 10_000 });
    await page.keyboard.press('Control+Alt+G');
    // Then a check is posted for this notebook
    const posted = await request;
    page.off('request', listener);
    const body = posted.postDataJSON();
    expect(JSON.stringify(body)).toContain(NOTEBOOK);

    // When the command palette is opened and searched for "nbguard"
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    const input = palette.locator('.lm-CommandPalette-input');
    await expect(input).toBeVisible();
    await input.fill('nbguard');
    // Then the four nbguard commands are found
    const items = palette.locator('.lm-CommandPalette-item');
    const LABELS = [
      'Check Notebook for Hidden State',
      'Go to Next nbguard Finding',
      'Go to Previous nbguard Finding',
      'Show nbguard Findings'
    ];
    for (const label of LABELS) {
      await expect(items.filter({ hasText: label }).first()).toBeVisible();
    }
    // ... and, in the unfiltered list, they sit under an "nbguard" category
    // header (the palette hides headers while searching)
    await input.fill('');
    await expect
      .poll(() =>
        palette.locator('.lm-CommandPalette-content').evaluate(list => {
          const byCategory: Record<string, string[]> = {};
          let category = '';
          for (const li of Array.from(list.children)) {
            const text = (li.textContent ?? '').trim();
            if (li.classList.contains('lm-CommandPalette-header')) {
              category = text;
            } else if (/nbguard|Hidden State/.test(text)) {
              const label =
                li.querySelector('.lm-CommandPalette-itemLabel')?.textContent ??
                text;
              byCategory[category] = [
                ...(byCategory[category] ?? []),
                label.trim()
              ];
            }
          }
          for (const key of Object.keys(byCategory)) {
            byCategory[key].sort();
          }
          return byCategory;
        })
      )
      .toEqual({ nbguard: LABELS });
    await input.fill('nbguard');
    // ... with the shortcut shown on the check command
    await expect(
      items
        .filter({ hasText: 'Check Notebook for Hidden State' })
        .locator('.lm-CommandPalette-itemShortcut')
    ).toHaveText(/Ctrl.*Alt.*G/i);
    await screenshot(page, testInfo, 'palette.png');

    // When "Go to Next nbguard Finding" is chosen from the palette
    expect(await activeCellIndex(page)).toBe(0);
    await items.filter({ hasText: 'Go to Next nbguard Finding' }).click();
    // Then the active cell is the stale cell
    const staleIndex = await cellIndex(page, 'stale-reader');
    await expect.poll(() => activeCellIndex(page)).toBe(staleIndex);
    // ... and running the command again moves on past it (not stuck)
    await execute(page, NEXT_FINDING);
    await expect.poll(() => activeCellIndex(page)).not.toBe(staleIndex);
  });

  test('status bar: shows the finding counts and opens the panel when clicked', async ({
    page
  }, testInfo) => {
    // Given the status item with the notebook open, and the panel closed
    const item = statusItem(page);
    await expect(item).toBeVisible();
    await expect(findingsPanel(page)).toBeHidden();

    // When the stale cell is made
    await makeStale(page);

    // Then the item counts it among the warnings, icons and numbers visible
    await expect(item).toHaveAttribute('title', /[1-9]\d* warnings?/, {
      timeout: CHECK_TIMEOUT
    });
    const counts = item.locator('.jp-nbguard-Status-count');
    await expect(counts).toHaveCount(3);
    const title = (await item.getAttribute('title')) ?? '';
    const [errors, warnings, infos] = [
      /(\d+) errors?/,
      /(\d+) warnings?/,
      /(\d+) info/
    ].map(re => Number(title.match(re)?.[1] ?? NaN));
    expect(await counts.nth(0).innerText()).toBe(String(errors));
    expect(await counts.nth(1).innerText()).toBe(String(warnings));
    expect(await counts.nth(2).innerText()).toBe(String(infos));
    await screenshot(
      page,
      testInfo,
      'status-bar.png',
      page.locator('#jp-main-statusbar')
    );

    // When it is clicked
    await item.click();

    // Then the findings panel opens, listing as many findings as the item counts
    await expect(findingsPanel(page)).toBeVisible();
    await expect(staleRows(page).first()).toBeVisible();
    await expect(findingsPanel(page).getByRole('listitem')).toHaveCount(
      errors + warnings + infos
    );
    await expect(
      findingsPanel(page).locator('.jp-nbguard-DiagnosticsPanel-summary')
    ).toContainText(`${warnings} warning`);
    await screenshot(page, testInfo, 'status-opened-panel.png');
  });
});
