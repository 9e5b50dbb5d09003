import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  Cell,
  machine,
  ms,
  notebook,
  openNotebook,
  runAllOnce,
  SETTINGS,
  summary,
  table,
  verdict
} from './helpers';

/**
 * Issue 9, Speed: nbguard's *Restart Kernel and Verify Notebook* against
 * JupyterLab's own *Restart Kernel and Run All Cells* on the same notebook, as
 * a user meets them: the command runs in the page (as the toolbar button or
 * menu item runs it, confirmation dialogs off in the settings), and the clock
 * stops when the user sees the end of it. For Run All, when the last code cell
 * of the fresh kernel has its execution count (every cell ran); for Verify,
 * when its report says how many cells reproduced (the comparison included).
 * Trials alternate between the two, in turn A-B and B-A, after one warm-up
 * of each; the goal is verify / run-all <= 1.05 on the medians.
 */

const TRIALS = Number(process.env.NBGUARD_BENCH_TRIALS ?? 7);
const GOAL = 1.05;
const VERIFY = 'jupyterlab-nbguard:restart-and-verify';
const RUN_ALL = 'notebook:restart-run-all';

/**
 * 40 code cells (and a few markdown ones) as a notebook of a small analysis
 * has them: imports, small computations, printed and displayed results, an
 * HTML table, a function and its calls; 2-3 s to run top to bottom.
 */
function cells(): Cell[] {
  const out: Cell[] = [
    { cell_type: 'markdown', source: '# A small analysis' },
    {
      cell_type: 'code',
      source:
        'import math, statistics\nfrom IPython.display import HTML, display'
    }
  ];
  for (let i = 0; i < 38; i++) {
    if (i % 8 === 0) {
      out.push({ cell_type: 'markdown', source: `## Part ${i / 8 + 1}` });
    }
    switch (i % 4) {
      case 0:
        out.push({
          cell_type: 'code',
          source: `data${i} = [math.sin(k / 7) * ${i + 1} for k in range(20_000)]\nprint(len(data${i}), round(sum(data${i}), 3))`
        });
        break;
      case 1:
        out.push({
          cell_type: 'code',
          source: `mean${i} = statistics.fmean(data${i - 1})\nstdev${i} = statistics.pstdev(data${i - 1})\nmean${i}, stdev${i}`
        });
        break;
      case 2:
        out.push({
          cell_type: 'code',
          source: `def scale${i}(values, factor=${i}):\n    return [v * factor for v in values]\n\nscaled${i} = scale${i}(data${i - 2})\nmax(scaled${i})`
        });
        break;
      default:
        out.push({
          cell_type: 'code',
          source: `rows = "".join(f"<tr><td>{k}</td><td>{v:.4f}</td></tr>" for k, v in enumerate(scaled${i - 1}[:8]))\ndisplay(HTML(f"<table>{rows}</table>"))`
        });
    }
  }
  return out;
}

/** Ms from running `command` until `done` holds in the page. */
async function timeCommand(
  page: IJupyterLabPageFixture,
  command: string,
  done: 'run-all' | 'verify'
): Promise<{ total: number; lastCell: number; firstCell: number }> {
  // Start from a quiet page: no check or save still in flight.
  await page.waitForTimeout(1000);
  return page.evaluate(
    async ({ command, done }) => {
      const app = (window as any).jupyterapp;
      const panel = app.shell.currentWidget;
      const model = panel.content.model;
      const codeCells = () => {
        const list = [];
        for (let i = 0; i < model.cells.length; i++) {
          if (model.cells.get(i).type === 'code') {
            list.push(model.cells.get(i));
          }
        }
        return list;
      };
      const count = codeCells().length;
      const last = codeCells()[count - 1];
      // The old report must not count as the new one.
      document
        .querySelectorAll(
          '.jp-nbguard-Verify-summary, .jp-nbguard-Verify-failure'
        )
        .forEach(node => node.remove());
      let ran = false;
      let lastCell = 0;
      let firstCell = 0;
      const first = codeCells()[0];
      const onFirst = (
        _: unknown,
        change: { name: string; newValue: unknown }
      ) => {
        if (change.name === 'executionCount' && change.newValue === 1) {
          firstCell = performance.now() - start;
        }
      };
      first.stateChanged.connect(onFirst);
      // A fresh kernel numbers the cells 1..N: the last one gets N again,
      // after its prompt was cleared when it was queued.
      const onState = (
        _: unknown,
        change: { name: string; newValue: unknown }
      ) => {
        if (change.name === 'executionCount' && change.newValue === count) {
          ran = true;
          lastCell = performance.now() - start;
        }
      };
      last.stateChanged.connect(onState);
      const finished = (): boolean => {
        if (done === 'verify') {
          const summary = document.querySelector('.jp-nbguard-Verify-summary');
          return /cells reproduced/.test(summary?.textContent ?? '');
        }
        return ran;
      };
      const start = performance.now();
      void app.commands.execute(command);
      await new Promise<void>((resolve, reject) => {
        const poll = () => {
          // A run that failed says so in its report: stop, do not wait forever.
          const failure = document.querySelector('.jp-nbguard-Verify-failure');
          if (done === 'verify' && failure) {
            reject(new Error(failure.textContent ?? 'the verification failed'));
          } else if (finished()) {
            resolve();
          } else {
            setTimeout(poll, 5);
          }
        };
        poll();
      });
      last.stateChanged.disconnect(onState);
      first.stateChanged.disconnect(onFirst);
      return { total: performance.now() - start, lastCell, firstCell };
    },
    { command, done }
  );
}

test.use({
  mockSettings: SETTINGS,
  kernels: null,
  sessions: null,
  viewport: { width: 1400, height: 900 }
});

test('verify button vs Restart Kernel and Run All Cells', async ({
  page,
  tmpPath
}) => {
  const file = `${tmpPath}/analysis.ipynb`;
  await page.contents.uploadContent(notebook(cells()), 'text', file);
  await openNotebook(page, file);
  await runAllOnce(page);
  const load = machine();

  const times: Record<'run-all' | 'verify', number[]> = {
    'run-all': [],
    verify: []
  };
  // When the last cell got its count, for verify (before the comparison)
  const verifyRan: number[] = [];
  // When the first cell got its count (the restart and the first request)
  const firstRan: Record<'run-all' | 'verify', number[]> = {
    'run-all': [],
    verify: []
  };
  const once = async (which: 'run-all' | 'verify') =>
    timeCommand(page, which === 'verify' ? VERIFY : RUN_ALL, which);
  // Warm-up (first verify builds its panel; first run-all warms the kernel).
  await once('run-all');
  await once('verify');
  await expect(page.locator('.jp-nbguard-Verify-summary')).toContainText(
    'cells reproduced'
  );
  for (let i = 0; i < TRIALS; i++) {
    const order: Array<'run-all' | 'verify'> =
      i % 2 ? ['verify', 'run-all'] : ['run-all', 'verify'];
    for (const which of order) {
      const { total, lastCell, firstCell } = await once(which);
      times[which].push(total);
      firstRan[which].push(firstCell);
      if (which === 'verify') {
        verifyRan.push(lastCell);
      }
    }
  }
  // The verification reproduced (the notebook is deterministic).
  await expect(page.locator('.jp-nbguard-Verify-summary')).toContainText(
    /(\d+) of \1 cells reproduced/
  );

  const a = summary(times['run-all']);
  const b = summary(times.verify);
  const ratios = times.verify.map((v, i) => v / times['run-all'][i]);
  const r = summary(ratios);
  const ratio = b.median / a.median;
  const rows = [
    ['Restart Kernel and Run All Cells', a],
    ['Restart Kernel and Verify Notebook', b],
    ['  verify: until its last cell ran', summary(verifyRan)],
    ['  run-all: until its first cell ran', summary(firstRan['run-all'])],
    ['  verify: until its first cell ran', summary(firstRan.verify)]
  ].map(([name, s]: any) => [
    name,
    String(s.n),
    ms(s.median),
    ms(s.p90),
    `${ms(s.min)}-${ms(s.max)}`
  ]);
  console.log(
    [
      '',
      `verify vs run-all, 40 code cells, ${TRIALS} interleaved trials each (${load})`,
      table(['command', 'n', 'median ms', 'p90 ms', 'min-max ms'], rows),
      `verify / run-all: ${ratio.toFixed(3)} (medians); paired ratios median ${r.median.toFixed(3)}, ${r.min.toFixed(3)}-${r.max.toFixed(3)}`,
      verdict(ratio <= GOAL, `verify / run-all ${ratio.toFixed(3)} <= ${GOAL}`),
      ''
    ].join('\n')
  );
});
