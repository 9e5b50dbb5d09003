import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  Cell,
  machine,
  ms,
  notebook,
  openNotebook,
  pageWithout,
  runAllOnce,
  SETTINGS,
  summary,
  table,
  verdict
} from './helpers';

/**
 * Issue 10, Tests: two latencies a user feels.
 *
 * 1. From a cell finishing to the stale warning on its reader being visible
 *    (goal <= 150 ms). "Finishing" is the moment the cell's prompt gets its
 *    execution count (JupyterLab sets it on the kernel's reply); "visible" is
 *    the moment the reader's cell marker class, and separately its lint
 *    underline, are in the DOM, each followed to the next painted frame.
 * 2. A keystroke's latency in a cell of a 300-cell notebook, with nbguard and
 *    with its frontend disabled (`jupyter labextension disable`, on the
 *    second server of playwright.bench.config.js). Goal: medians within 5 ms.
 *    Latency is from the keydown event's timestamp (so time the key waited
 *    for a busy main thread counts) to the frame after it painted
 *    (requestAnimationFrame, then a message: the task after that frame).
 */

const STALE_TRIALS = Number(process.env.NBGUARD_BENCH_STALE_TRIALS ?? 15);
const KEY_TRIALS = Number(process.env.NBGUARD_BENCH_KEY_TRIALS ?? 4);
const KEYS_PER_BURST = 10;
const BURSTS = 3;
/** A typist's pace; the pause lets nbguard's debounced check run mid-typing. */
const KEY_DELAY_MS = 90;
const PAUSE_MS = 800;

test.use({
  mockSettings: SETTINGS,
  kernels: null,
  sessions: null,
  viewport: { width: 1400, height: 900 }
});

/** Run the cell at `index` as Shift+Enter would, staying on it. */
async function runInPage(page: IJupyterLabPageFixture, index: number) {
  await page.evaluate(async index => {
    const app = (window as any).jupyterapp;
    const notebook = app.shell.currentWidget.content;
    notebook.activeCellIndex = index;
    notebook.mode = 'command';
    await app.commands.execute('notebook:run-cell');
  }, index);
}

test('stale warning after a cell finishes', async ({ page, tmpPath }) => {
  const cells: Cell[] = [
    { cell_type: 'markdown', source: '# Prices' },
    { cell_type: 'code', source: 'prices = [4.50, 2.25, 10.00, 3.75]' },
    { cell_type: 'code', source: 'total = sum(prices)\ntotal' },
    { cell_type: 'code', source: 'n_items = len(prices)\nn_items' },
    { cell_type: 'code', source: 'cheapest = min(prices)\ncheapest' }
  ];
  const file = `${tmpPath}/prices.ipynb`;
  await page.contents.uploadContent(notebook(cells), 'text', file);
  await openNotebook(page, file);
  await runAllOnce(page);
  const load = machine();
  const LOAD = 1;
  const READER = 2;
  const marker: number[] = [];
  const underline: number[] = [];
  for (let trial = -1; trial < STALE_TRIALS; trial++) {
    // Given a calm reader (run again after the last change)
    await runInPage(page, READER);
    await expect(page.locator('.jp-Cell').nth(READER)).not.toHaveClass(
      /jp-nbguard-mod-warning/,
      { timeout: 20_000 }
    );
    await page.waitForTimeout(800);
    // When the cell above it runs again, time the reader's warning
    const timing = await page.evaluate(
      async ({ LOAD, READER }) => {
        const nodes = document.querySelectorAll('.jp-Notebook .jp-Cell');
        const load = nodes[LOAD] as HTMLElement;
        const reader = nodes[READER] as HTMLElement;
        const prompt = load.querySelector('.jp-InputPrompt') as HTMLElement;
        const painted = (): Promise<number> =>
          new Promise(resolve =>
            requestAnimationFrame(() => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve(performance.now());
              channel.port2.postMessage(null);
            })
          );
        let finished = 0;
        let marked = 0;
        let underlined = 0;
        const done = new Promise<void>(resolve => {
          const observer = new MutationObserver(() => {
            const now = performance.now();
            if (!finished && /\[\d+\]/.test(prompt.textContent ?? '')) {
              finished = now;
            }
            if (
              finished &&
              !marked &&
              reader.classList.contains('jp-nbguard-mod-warning')
            ) {
              marked = now;
            }
            if (
              finished &&
              !underlined &&
              Array.from(reader.querySelectorAll('.cm-lintRange')).some(n =>
                /prices/.test(n.textContent ?? '')
              )
            ) {
              underlined = now;
            }
            if (finished && marked && underlined) {
              observer.disconnect();
              resolve();
            }
          });
          observer.observe(load, {
            subtree: true,
            childList: true,
            characterData: true
          });
          observer.observe(reader, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ['class']
          });
        });
        const app = (window as any).jupyterapp;
        const notebook = app.shell.currentWidget.content;
        notebook.activeCellIndex = LOAD;
        notebook.mode = 'command';
        void app.commands.execute('notebook:run-cell');
        // (a warning that never comes fails the trial instead of hanging)
        await Promise.race([
          done,
          new Promise((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new Error(
                    `no stale warning within 20 s: finished ${finished}, marker ${marked}, underline ${underlined}`
                  )
                ),
              20_000
            )
          )
        ]);
        const seen = await painted();
        return {
          marker: marked - finished + (seen - Math.max(marked, underlined)),
          underline:
            underlined - finished + (seen - Math.max(marked, underlined))
        };
      },
      { LOAD, READER }
    );
    if (trial >= 0) {
      marker.push(timing.marker);
      underline.push(timing.underline);
    }
  }
  const m = summary(marker);
  const u = summary(underline);
  const visible = summary(marker.map((v, i) => Math.max(v, underline[i])));
  const row = (name: string, s: ReturnType<typeof summary>) => [
    name,
    String(s.n),
    ms(s.median),
    ms(s.p90),
    `${ms(s.min)}-${ms(s.max)}`
  ];
  console.log(
    [
      '',
      `cell finished -> stale warning visible, 5-cell notebook (${load})`,
      table(
        ['warning', 'n', 'median ms', 'p90 ms', 'min-max ms'],
        [
          row('cell marker', m),
          row('underline', u),
          row('both visible', visible)
        ]
      ),
      verdict(
        visible.median <= 150,
        `median ${ms(visible.median)} ms <= 150 ms`
      ),
      ''
    ].join('\n')
  );
});

/** 300 cells, 1 in 6 markdown; code cells bind, call and mutate. */
function bigNotebook(): Cell[] {
  const cells: Cell[] = [{ cell_type: 'code', source: 'shared = []\nv0 = 0' }];
  for (let i = 1; i < 300; i++) {
    if (i % 6 === 0) {
      cells.push({
        cell_type: 'markdown',
        source: `## Step ${i}\nWhat this part computes.`
      });
      continue;
    }
    cells.push({
      cell_type: 'code',
      source: [
        `v${i} = v${i === 1 || i % 6 !== 1 ? i - 1 : i - 2} + ${i}`,
        `def f${i}(x, k=${i}):`,
        `    return x * k + v${i}`,
        `items${i} = [f${i}(j) for j in range(5)]`,
        `shared.append(items${i}[-1])`
      ].join('\n')
    });
  }
  return cells;
}

/**
 * Type `BURSTS` bursts of `KEYS_PER_BURST` characters at the end of the cell
 * at `index`, with a pause after each, and return each key's latency.
 */
async function typeAndTime(
  page: IJupyterLabPageFixture,
  index: number
): Promise<number[]> {
  await page.evaluate(async index => {
    const app = (window as any).jupyterapp;
    const panel = Array.from(app.shell.widgets('main')).find(
      (w: any) => w.content?.model?.cells
    ) as any;
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    await notebook.scrollToItem(index, 'center');
    notebook.activeCellIndex = index;
    const widget = notebook.widgets[index];
    while (!widget.editor) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    notebook.mode = 'edit';
    const editor = widget.editor;
    const end = editor.model.sharedModel.getSource().length;
    editor.setCursorPosition(editor.getPositionAt(end));
    editor.focus();
    const w = window as any;
    w.__nbguardKeys = [];
    if (!w.__nbguardKeyListener) {
      w.__nbguardKeyListener = (event: KeyboardEvent) => {
        const t0 = event.timeStamp;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () =>
            w.__nbguardKeys.push(performance.now() - t0);
          channel.port2.postMessage(null);
        });
      };
      document.addEventListener('keydown', w.__nbguardKeyListener, true);
    }
  }, index);
  const length = () =>
    page.evaluate(
      index =>
        (window as any).jupyterapp.shell.currentWidget.content.widgets[index]
          .model.sharedModel.source.length,
      index
    );
  const before = await length();
  await page.keyboard.press('Enter');
  for (let burst = 0; burst < BURSTS; burst++) {
    for (const key of '# a b c d '.slice(0, KEYS_PER_BURST)) {
      await page.keyboard.press(key === ' ' ? 'Space' : key);
      await page.waitForTimeout(KEY_DELAY_MS);
    }
    await page.waitForTimeout(PAUSE_MS);
  }
  const after = await length();
  // Every key reached the editor.
  expect(after - before).toBe(1 + BURSTS * KEYS_PER_BURST);
  const keys = await page.evaluate(() => (window as any).__nbguardKeys);
  // (the Enter that opened the line is not timed)
  return (keys as number[]).slice(1);
}

test('keystroke latency with and without nbguard, 300 cells', async ({
  page,
  browser,
  tmpPath,
  waitForApplication
}) => {
  const json = notebook(bigNotebook());
  await page.contents.uploadContent(json, 'text', `${tmpPath}/with.ipynb`);
  await page.contents.uploadContent(json, 'text', `${tmpPath}/without.ipynb`);
  expect(
    await page.evaluate(() =>
      (window as any).jupyterapp.hasPlugin('jupyterlab-nbguard:plugin')
    )
  ).toBe(true);
  const off = await pageWithout(browser, tmpPath, waitForApplication);
  const pages = { with: page, without: off };
  for (const [name, p] of Object.entries(pages)) {
    await openNotebook(p, `${tmpPath}/${name}.ipynb`);
    await runAllOnce(p);
  }
  // nbguard has findings to show on that notebook (it does work while typing).
  await expect(page.locator('.jp-nbguard-mod-warning').first()).toBeAttached({
    timeout: 30_000
  });
  const load = machine();
  const TARGET = 150;
  const latencies: Record<'with' | 'without', number[]> = {
    with: [],
    without: []
  };
  for (let trial = -1; trial < KEY_TRIALS; trial++) {
    const order: Array<'with' | 'without'> =
      trial % 2 ? ['without', 'with'] : ['with', 'without'];
    for (const which of order) {
      const p = pages[which];
      await p.bringToFront();
      const keys = await typeAndTime(p, TARGET);
      if (trial >= 0) {
        latencies[which].push(...keys);
      }
    }
  }
  await off.close();
  const a = summary(latencies.with);
  const b = summary(latencies.without);
  const row = (name: string, s: ReturnType<typeof summary>) => [
    name,
    String(s.n),
    ms(s.median),
    ms(s.p90),
    `${ms(s.min)}-${ms(s.max)}`
  ];
  const delta = a.median - b.median;
  console.log(
    [
      '',
      `keystroke latency, cell ${TARGET} of 300, ${KEY_TRIALS} interleaved trials x ${BURSTS * KEYS_PER_BURST} keys (${load})`,
      table(
        ['nbguard', 'keys', 'median ms', 'p90 ms', 'min-max ms'],
        [row('enabled', a), row('frontend disabled', b)]
      ),
      `median difference ${ms(delta)} ms, p90 difference ${ms(a.p90 - b.p90)} ms`,
      verdict(Math.abs(delta) <= 5, `medians within 5 ms (${ms(delta)} ms)`),
      ''
    ].join('\n')
  );
});
