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
 * when its report, saying how many cells reproduced, enters the page (the
 * comparison included). After one warm-up of each, pairs of one of each run
 * back to back, which one first alternating (A-B, B-A, ...). Printed: each
 * command's phases (the restart asked for, the kernel ready, the first and
 * the last cell), nbguard's own marks, the ratio of the medians, the median
 * of the paired ratios, and both again without the restart (from the kernel
 * ready to the end: the part nbguard controls; the restart is JupyterLab's
 * and the same call in both). The goal is verify / run-all <= 1.05 on the
 * medians of the whole command.
 */

const TRIALS = Number(process.env.NBGUARD_BENCH_TRIALS ?? 9);
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

/**
 * A 95% interval for the median of `values`: the 2.5th and 97.5th
 * percentiles of the medians of 2,000 resamples (a fixed seed, so a run
 * prints the same interval for the same figures).
 */
function bootstrap(values: number[]): [number, number] {
  let seed = 9;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const medians: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const sample = values.map(
      () => values[Math.floor(random() * values.length)]
    );
    medians.push(summary(sample).median);
  }
  medians.sort((a, b) => a - b);
  return [medians[49], medians[1949]];
}

/** What one run of a command took, in ms from the command's start. */
interface ITiming {
  /** Until the user sees the end (the last count, or the report). */
  total: number;
  /** Until the session said `restarting` (the restart was asked for). */
  restarting: number;
  /** Until the restarted kernel was ready (`kernelChanged`). */
  ready: number;
  /** Until the first and the last execute request was sent. */
  firstSent: number;
  lastSent: number;
  /** Until the first code cell got its count from the fresh kernel. */
  firstCell: number;
  /** Until the last code cell got its count. */
  lastCell: number;
  /** nbguard's own phase marks (`nbguard-verify:*`), verify only. */
  marks: Record<string, number>;
}

/** Ms from running `command` until the user sees its end. */
async function timeCommand(
  page: IJupyterLabPageFixture,
  command: string,
  done: 'run-all' | 'verify'
): Promise<ITiming> {
  // Start from a quiet page: no check or save still in flight.
  await page.waitForTimeout(1000);
  return page.evaluate(
    async ({ command, done }) => {
      const app = (window as any).jupyterapp;
      const panel = app.shell.currentWidget;
      const context = panel.sessionContext;
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
      const first = codeCells()[0];
      const last = codeCells()[count - 1];
      // The old report must not count as the new one.
      document
        .querySelectorAll(
          '.jp-nbguard-Verify-summary, .jp-nbguard-Verify-failure'
        )
        .forEach(node => node.remove());
      const at = {
        restarting: 0,
        ready: 0,
        firstSent: 0,
        lastSent: 0,
        firstCell: 0,
        lastCell: 0
      };
      // The execute requests as they leave for the kernel (the connection
      // object survives the restart).
      let sent = 0;
      const onMessage = (
        _: unknown,
        args: { direction: string; msg: { header: { msg_type: string } } }
      ) => {
        if (
          args.direction === 'send' &&
          args.msg.header.msg_type === 'execute_request'
        ) {
          sent++;
          if (sent === 1) {
            at.firstSent = since();
          }
          if (sent === count) {
            at.lastSent = since();
          }
        }
      };
      const kernel = context.session.kernel;
      kernel.anyMessage.connect(onMessage);
      const since = () => performance.now() - start;
      const onStatus = (_: unknown, status: string) => {
        if (status === 'restarting' && !at.restarting) {
          at.restarting = since();
        }
      };
      const onKernel = () => {
        if (!at.ready) {
          at.ready = since();
        }
      };
      let ran: () => void = () => undefined;
      const lastRan = new Promise<void>(resolve => (ran = resolve));
      // A fresh kernel numbers the cells 1..N.
      const onFirst = (_: unknown, c: { name: string; newValue: unknown }) => {
        if (c.name === 'executionCount' && c.newValue === 1) {
          at.firstCell = since();
        }
      };
      const onLast = (_: unknown, c: { name: string; newValue: unknown }) => {
        if (c.name === 'executionCount' && c.newValue === count) {
          at.lastCell = since();
          ran();
        }
      };
      context.statusChanged.connect(onStatus);
      context.kernelChanged.connect(onKernel);
      first.stateChanged.connect(onFirst);
      last.stateChanged.connect(onLast);
      // The report, seen when it enters the page (it is painted next).
      let observer: MutationObserver | null = null;
      const reported = new Promise<void>((resolve, reject) => {
        observer = new MutationObserver(() => {
          const failure = document.querySelector('.jp-nbguard-Verify-failure');
          const summary = document.querySelector('.jp-nbguard-Verify-summary');
          if (failure) {
            // A run that failed says so: stop, do not wait forever.
            reject(new Error(failure.textContent ?? 'the verification failed'));
          } else if (/cells reproduced/.test(summary?.textContent ?? '')) {
            resolve();
          }
        });
        observer.observe(document.body, {
          childList: true,
          subtree: true,
          characterData: true
        });
      });
      performance.clearMarks();
      // (the buffer holds 250 entries by default: a full one records nothing)
      performance.clearResourceTimings();
      const start = performance.now();
      void app.commands.execute(command);
      try {
        await (done === 'verify' ? reported : lastRan);
      } finally {
        (observer as MutationObserver | null)?.disconnect();
        kernel.anyMessage.disconnect(onMessage);
        context.statusChanged.disconnect(onStatus);
        context.kernelChanged.disconnect(onKernel);
        first.stateChanged.disconnect(onFirst);
        last.stateChanged.disconnect(onLast);
      }
      const total = since();
      const marks: Record<string, number> = {};
      for (const entry of performance.getEntriesByType('mark')) {
        const name = entry.name.replace(/^nbguard-verify:/, '');
        if (name !== entry.name && !(name in marks)) {
          marks[name] = entry.startTime - start;
        }
      }
      // The comparison's round trip as the browser's resource timing saw
      // it: until the request left, the server's answer began, it ended.
      for (const entry of performance.getEntriesByType('resource')) {
        const timing = entry as PerformanceResourceTiming;
        if (
          /verify\/compare/.test(timing.name) &&
          timing.startTime >= start &&
          !('fetch' in marks)
        ) {
          marks.fetch = timing.startTime - start;
          marks.requestStart = timing.requestStart - start;
          marks.responseStart = timing.responseStart - start;
          marks.responseEnd = timing.responseEnd - start;
        }
      }
      performance.clearResourceTimings();
      return { total, ...at, marks };
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
  browser,
  page,
  tmpPath
}) => {
  const file = `${tmpPath}/analysis.ipynb`;
  await page.contents.uploadContent(notebook(cells()), 'text', file);
  await openNotebook(page, file);
  await runAllOnce(page);
  const loadBefore = machine();

  type Which = 'run-all' | 'verify';
  const runs: Record<Which, ITiming[]> = { 'run-all': [], verify: [] };
  const once = async (which: Which) =>
    timeCommand(page, which === 'verify' ? VERIFY : RUN_ALL, which);
  // Warm-up (first verify builds its panel; first run-all warms the kernel).
  await once('run-all');
  await once('verify');
  await expect(page.locator('.jp-nbguard-Verify-summary')).toContainText(
    'cells reproduced'
  );
  // Pairs, each run-all and verify back to back, which one first alternating.
  for (let i = 0; i < TRIALS; i++) {
    const order: Which[] =
      i % 2 ? ['verify', 'run-all'] : ['run-all', 'verify'];
    for (const which of order) {
      runs[which].push(await once(which));
    }
  }
  // The verification reproduced (the notebook is deterministic).
  await expect(page.locator('.jp-nbguard-Verify-summary')).toContainText(
    /(\d+) of \1 cells reproduced/
  );
  const loadAfter = machine();
  // With NBGUARD_BENCH_TRACE=prefix, one more of each is traced (Chromium's
  // devtools timeline and the performance marks) to prefix-verify.json and
  // prefix-run-all.json, for chrome://tracing or a script.
  const trace = process.env.NBGUARD_BENCH_TRACE;
  if (trace) {
    for (const which of ['verify', 'run-all'] as Which[]) {
      await browser.startTracing(page, {
        path: `${trace}-${which}.json`,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          'v8.execute'
        ]
      });
      await once(which);
      await browser.stopTracing();
    }
  }

  const of = (which: Which, value: (t: ITiming) => number) =>
    runs[which].map(value);
  const total = (t: ITiming) => t.total;
  // What nbguard controls: from the restarted kernel being ready to the end.
  const afterReady = (t: ITiming) => t.total - t.ready;
  const ratios = (value: (t: ITiming) => number) => {
    const a = of('run-all', value);
    const b = of('verify', value);
    const paired = b.map((v, i) => v / a[i]);
    return {
      medians: summary(b).median / summary(a).median,
      paired: summary(paired),
      interval: bootstrap(paired)
    };
  };
  const row = (name: string, values: number[]) => {
    const s = summary(values);
    return [
      name,
      String(s.n),
      ms(s.median),
      ms(s.p90),
      `${ms(s.min)}-${ms(s.max)}`
    ];
  };
  const phases: Array<[string, (t: ITiming) => number]> = [
    ['  start -> restart asked', t => t.restarting],
    ['  restart (asked -> kernel ready)', t => t.ready - t.restarting],
    ['  ready -> first request sent', t => t.firstSent - t.ready],
    ['  first -> last request sent', t => t.lastSent - t.firstSent],
    ['  ready -> first cell ran', t => t.firstCell - t.ready],
    ['  first -> last cell ran', t => t.lastCell - t.firstCell],
    ['  last cell ran -> end', t => t.total - t.lastCell],
    ['  restart excluded (ready -> end)', afterReady]
  ];
  const rows: string[][] = [];
  for (const which of ['run-all', 'verify'] as Which[]) {
    rows.push(
      row(
        which === 'verify'
          ? 'Restart Kernel and Verify Notebook'
          : 'Restart Kernel and Run All Cells',
        of(which, total)
      )
    );
    for (const [name, value] of phases) {
      rows.push(row(name, of(which, value)));
    }
  }
  // nbguard's marks, between consecutive phases of the verification.
  const order = [
    'command',
    'snapshot',
    'restart',
    'ready',
    'queued',
    'ran',
    'compare',
    'compared',
    'report'
  ];
  const markRows: string[][] = [];
  for (let i = 1; i < order.length; i++) {
    const [from, to] = [order[i - 1], order[i]];
    const values = runs.verify
      .filter(t => from in t.marks && to in t.marks)
      .map(t => t.marks[to] - t.marks[from]);
    if (values.length) {
      markRows.push(row(`  ${from} -> ${to}`, values));
    }
  }
  const between = (from: string, to: string) =>
    runs.verify
      .filter(t => from in t.marks && to in t.marks)
      .map(t => t.marks[to] - t.marks[from]);
  for (const [name, from, to] of [
    ['    compare -> request sent', 'compare', 'requestStart'],
    ['    request sent -> answer began', 'requestStart', 'responseStart'],
    ['    answer began -> ended', 'responseStart', 'responseEnd'],
    ['    answer ended -> compared', 'responseEnd', 'compared']
  ]) {
    const values = between(from, to);
    if (values.length) {
      markRows.push(row(name, values));
    }
  }
  markRows.push(
    row(
      '  report -> in the page',
      runs.verify.map(t => t.total - (t.marks.report ?? t.total))
    )
  );
  const all = ratios(total);
  const excluded = ratios(afterReady);
  const fmt = (r: ReturnType<typeof ratios>) =>
    `${r.medians.toFixed(3)} (ratio of medians); paired ratios median ${r.paired.median.toFixed(3)} (95% bootstrap ${r.interval[0].toFixed(3)}-${r.interval[1].toFixed(3)}), range ${r.paired.min.toFixed(3)}-${r.paired.max.toFixed(3)}`;
  console.log(
    [
      '',
      `verify vs run-all, 40 code cells, ${TRIALS} interleaved pairs (order alternating)`,
      `before: ${loadBefore}`,
      `after:  ${loadAfter}`,
      table(
        ['command / phase', 'n', 'median ms', 'p90 ms', 'min-max ms'],
        rows
      ),
      '',
      'verify, between its own marks (nbguard-verify:*)',
      table(['marks', 'n', 'median ms', 'p90 ms', 'min-max ms'], markRows),
      '',
      `verify / run-all, whole command: ${fmt(all)}`,
      `verify / run-all, restart excluded: ${fmt(excluded)}`,
      verdict(
        all.medians <= GOAL,
        `verify / run-all ${all.medians.toFixed(3)} <= ${GOAL} (medians)`
      ),
      ''
    ].join('\n')
  );
});
