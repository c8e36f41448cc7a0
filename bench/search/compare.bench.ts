/**
 * Compare two 307,200-neuron datasets in headless Chromium: the scale fixture against a re-scored
 * copy of itself (written beside it once: the same neurons and explanations, every score moved by
 * a deterministic amount). For loading the comparison, each sort, each keystroke in "Explanations
 * contain" and each filter, it measures the time from the input event to the rows painted and,
 * from a Chromium trace of the step, the page's main thread: its longest task and its total busy
 * time (a task the page cannot answer input during; a frame is 16.7 ms), in wall-clock and in
 * CPU time.
 *
 *   npm run bench:compare [-- --no-build] [-- --runs 3]
 *
 * Figures go to bench/results/compare.json, with the load average at start and end.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium.ts';
import type { DatasetManifest, LayerIndex } from '../../src/core/dataset/types.ts';
import { makeScaleDataset, median, paintedWhenHelper, quantile, startAppServer } from './serve.ts';

const args = process.argv.slice(2);
const port = Number(process.env.BENCH_PORT ?? 8391);
const base = `http://127.0.0.1:${port}`;
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
const dataDir = resolve('fixtures-out/data');
const A = 'scale';
const B = 'scale-rescored';
const B_TITLE = 'Scale, re-scored';

/** The re-scored copy: the scale dataset's layer indexes with every score moved by up to ±0.2. */
function makeRescoredCopy() {
  const from = join(dataDir, A);
  const to = join(dataDir, B);
  if (existsSync(join(to, 'manifest.json'))) return;
  mkdirSync(join(to, 'index'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as DatasetManifest;
  for (const summary of manifest.layers) {
    const index = JSON.parse(readFileSync(join(from, summary.index), 'utf8')) as LayerIndex;
    index.scores = index.scores.map((score, i) => {
      if (score === null) return null;
      const spread = (((summary.layer * 6400 + i) * 2654435761) >>> 0) / 2 ** 32 - 0.5;
      return Math.round((score + spread * 0.4) * 1e6) / 1e6;
    });
    const text = JSON.stringify(index);
    // Named by its content's hash, as ingest names it (the server checks).
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
    summary.index = `index/layer-${summary.layer}.${hash}.json`;
    writeFileSync(join(to, summary.index), text);
    const gzipped = gzipSync(text);
    writeFileSync(join(to, `${summary.index}.gz`), gzipped);
    summary.indexBytes = Buffer.byteLength(text);
    summary.indexGzipBytes = gzipped.length;
  }
  Object.assign(manifest, { id: B, title: B_TITLE, createdAt: new Date().toISOString() });
  writeFileSync(join(to, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  console.log(`Wrote the re-scored copy (${readdirSync(join(to, 'index')).length} files) in ${to}`);
}

/** Page-side: when the last key or pointer went down, and when rows answering a view painted. */
const PAGE_HELPERS = `
  window.__lastInput = 0;
  function mark(event) { window.__lastInput = Math.min(event.timeStamp, performance.now()); }
  document.addEventListener('keydown', mark, true);
  document.addEventListener('pointerdown', mark, true);
  ${paintedWhenHelper('[data-testid=compare-table]')}
`;

/** Resolves when the rows of a complete view whose params satisfy `test(view, value)` painted. */
async function paintedWhen(page: Page, test: string, value: string): Promise<number> {
  return page.evaluate(
    `window.__paintedWhen(function (element) { const view = element.dataset.view; const value = ${JSON.stringify(value)}; return element.dataset.complete === 'true' && (${test}); })`,
  ) as Promise<number>;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The page's main-thread tasks in a trace, in ms: the longest and their sum, in wall-clock time
 * and in the thread's CPU time (`tdur`), which holds on a loaded machine where a task's wall time
 * also counts the time its thread waited for a core.
 */
function mainThreadTasks(trace: Buffer) {
  const { traceEvents } = JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] };
  const main = new Set(
    traceEvents
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = { longest: 0, busy: 0, longestCpu: 0, busyCpu: 0 };
  for (const event of traceEvents) {
    if (event.ph !== 'X' || event.name !== 'RunTask' || !main.has(`${event.pid}:${event.tid}`)) {
      continue;
    }
    const wall = (event.dur ?? 0) / 1000;
    const cpu = (event.tdur ?? 0) / 1000;
    tasks.longest = Math.max(tasks.longest, wall);
    tasks.busy += wall;
    tasks.longestCpu = Math.max(tasks.longestCpu, cpu);
    tasks.busyCpu += cpu;
  }
  return tasks;
}

interface Step {
  latency: number;
  longest: number;
  busy: number;
  longestCpu: number;
  busyCpu: number;
}

/** Runs `act`, which resolves with the time its result painted, under a trace of the page. */
async function traced(browser: Browser, page: Page, act: () => Promise<number>): Promise<Step> {
  await browser.startTracing(page, {
    categories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'toplevel'],
  });
  const painted = await act();
  const input = (await page.evaluate('window.__lastInput')) as number;
  const trace = await browser.stopTracing();
  if (process.env.BENCH_TRACE_DIR) {
    writeFileSync(join(process.env.BENCH_TRACE_DIR, `trace-${Date.now()}.json`), trace);
  }
  const tasks = mainThreadTasks(trace);
  return { latency: painted - input, ...tasks };
}

async function openComparison(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.addInitScript(PAGE_HELPERS);
  return { context, page };
}

async function load(browser: Browser): Promise<Step> {
  const { context, page } = await openComparison(browser);
  await page.goto(`${base}/#/d/${A}`);
  await page.getByTestId('browse-search').waitFor();
  await page.waitForTimeout(300);
  // From choosing the dataset to compare with to the full comparison painted.
  const step = await traced(browser, page, async () => {
    await page.getByLabel('Compare with').selectOption(B);
    await page.evaluate('window.__lastInput = performance.now()');
    return paintedWhen(page, 'true', '');
  });
  await context.close();
  return step;
}

/** Each header clicked in turn, and the view it leads to. */
const sortHeaders: [string, string][] = [
  ['Score · Scale fixture', 'sort=score'],
  [`Score · ${B_TITLE}`, 'sort=vsscore'],
  ['Neuron', 'sort=neuron'],
  ['Difference', ''],
];

async function interactions(browser: Browser) {
  const { context, page } = await openComparison(browser);
  await page.goto(`${base}/#/d/${A}?vs=${B}`);
  await paintedWhen(page, 'true', '');
  await page.waitForTimeout(1000);
  const sorts: Step[] = [];
  for (const [label, param] of sortHeaders) {
    const button = page.getByRole('button', { name: new RegExp(`^${label}`) });
    sorts.push(
      await traced(browser, page, async () => {
        await button.click();
        return paintedWhen(page, param ? 'view.includes(value)' : "!view.includes('sort=')", param);
      }),
    );
    await page.waitForTimeout(300);
  }
  // Back to the default order.
  await page.goto(`${base}/#/d/${A}?vs=${B}`);
  await paintedWhen(page, "view === 'vs=' + value", B);
  await page.waitForTimeout(500);

  const keystrokes: Step[] = [];
  const field = page.getByLabel('Explanations contain');
  for (const query of ['time', 'numbers', 'end of']) {
    await field.fill('');
    await paintedWhen(page, "!view.includes('q=')", '');
    await page.waitForTimeout(300);
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      if (typed.endsWith(' ')) {
        await field.press('Space');
        continue;
      }
      keystrokes.push(
        await traced(browser, page, async () => {
          await field.press(query[i - 1]!);
          return paintedWhen(page, "new URLSearchParams(view).get('q') === value", typed);
        }),
      );
      await page.waitForTimeout(100);
    }
  }
  await field.fill('');
  await paintedWhen(page, "!view.includes('q=')", '');
  await page.waitForTimeout(300);

  const filters: Step[] = [];
  const worse = page.getByRole('button', { name: `Where ${B_TITLE} is worse` });
  const clear = page.getByRole('button', { name: 'Clear filters' });
  for (let run = 0; run < 3; run++) {
    filters.push(
      await traced(browser, page, async () => {
        await worse.click();
        return paintedWhen(page, 'view.includes(value)', 'diff=..-0.2');
      }),
    );
    await page.waitForTimeout(300);
    filters.push(
      await traced(browser, page, async () => {
        await clear.click();
        return paintedWhen(page, "!view.includes('diff=')", '');
      }),
    );
    await page.waitForTimeout(300);
  }
  await context.close();
  return { sorts, keystrokes, filters };
}

const summarize = (steps: Step[]) => ({
  count: steps.length,
  latencyMedianMs: median(steps.map((s) => s.latency)),
  latencyP95Ms: quantile(
    steps.map((s) => s.latency),
    0.95,
  ),
  longestTaskMedianMs: median(steps.map((s) => s.longest)),
  longestTaskMaxMs: Math.max(...steps.map((s) => s.longest)),
  mainThreadBusyMedianMs: median(steps.map((s) => s.busy)),
  longestTaskCpuMedianMs: median(steps.map((s) => s.longestCpu)),
  longestTaskCpuMaxMs: Math.max(...steps.map((s) => s.longestCpu)),
  mainThreadBusyCpuMedianMs: median(steps.map((s) => s.busyCpu)),
});

async function main() {
  if (!existsSync(join(dataDir, A, 'manifest.json'))) makeScaleDataset(join(dataDir, A));
  makeRescoredCopy();
  if (!args.includes('--no-build'))
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const loadAtStart = loadavg()[0]!;
  const stopServer = await startAppServer(port, dataDir);
  try {
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    try {
      const loads: Step[] = [];
      const all = { sorts: [] as Step[], keystrokes: [] as Step[], filters: [] as Step[] };
      for (let run = 0; run < runs; run++) {
        loads.push(await load(browser));
        const steps = await interactions(browser);
        all.sorts.push(...steps.sorts);
        all.keystrokes.push(...steps.keystrokes);
        all.filters.push(...steps.filters);
      }
      const report = {
        datasets: [A, B],
        runs,
        machine: {
          cpus: cpus().length,
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: loadavg()[0],
        },
        load: summarize(loads),
        sort: summarize(all.sorts),
        keystroke: summarize(all.keystrokes),
        filter: summarize(all.filters),
      };
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/compare.json', `${JSON.stringify(report, null, 2)}\n`);
      const ms = (value: number) => `${value.toFixed(1)} ms`;
      console.log(`\nCompare ${A} with ${B} (307,200 neurons each), ${runs} runs`);
      console.log(
        `machine: ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
      );
      for (const [name, s] of Object.entries(report).filter(
        (entry): entry is [string, ReturnType<typeof summarize>] =>
          typeof entry[1] === 'object' && entry[1] !== null && 'count' in entry[1],
      )) {
        console.log(
          `${name} (${s.count}): to painted median ${ms(s.latencyMedianMs)}, p95 ${ms(s.latencyP95Ms)}; longest main-thread task median ${ms(s.longestTaskMedianMs)}, max ${ms(s.longestTaskMaxMs)} (CPU ${ms(s.longestTaskCpuMedianMs)}, max ${ms(s.longestTaskCpuMaxMs)}); main thread busy median ${ms(s.mainThreadBusyMedianMs)} (CPU ${ms(s.mainThreadBusyCpuMedianMs)})`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    stopServer();
  }
}

await main();
