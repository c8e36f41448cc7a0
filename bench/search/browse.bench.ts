/**
 * Browse and search in headless Chromium on the 307,200-neuron scale dataset: index sizes, search
 * readiness from a cold cache, keystroke-to-paint latency, sorting and filtering.
 *
 *   npm run bench:browse [-- --no-build] [-- --data <dataset folder>]
 *
 * Builds the app (unless --no-build), serves it with the project's server on BENCH_PORT (8390),
 * and prints medians and 95th percentiles, each against the target (met or not), with the
 * machine's load average at start and end (the figures mean little on a loaded machine); the
 * figures also go to bench/results/browse.json.
 * The dataset is the given folder, else the scale fixture ingested at fixtures-out/data/scale
 * (made with `cli fixture scale` and `cli ingest` when missing, as `npm run bench:ingest` does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium.ts';
import { QUERIES } from './queries.ts';
import { makeScaleDataset, median, paintedWhenHelper, quantile, startAppServer } from './serve.ts';
import type { DatasetManifest } from '../../src/core/dataset/types.ts';

const args = process.argv.slice(2);
const port = Number(process.env.BENCH_PORT ?? 8390);
const base = `http://127.0.0.1:${port}`;
const dataArg = args.includes('--data') ? args[args.indexOf('--data') + 1] : undefined;
const datasetDir = resolve(dataArg ?? 'fixtures-out/data/scale');
const dataDir = dirname(datasetDir);
const dataset = basename(datasetDir);

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The targets: each figure must be at most this. */
const TARGETS = {
  indexesGzipMB: 12,
  coldSearchMedianMs: 2000,
  keystrokeMedianMs: 30,
  keystrokeP95Ms: 60,
  sortByScoreMedianMs: 100,
  filterChangeMedianMs: 50,
};

interface Verdict {
  figure: string;
  measured: number;
  target: number;
  unit: string;
  met: boolean;
}

const verdict = (figure: string, measured: number, target: number, unit: string): Verdict => ({
  figure,
  measured: Math.round(measured * 100) / 100,
  target,
  unit,
  met: measured <= target,
});

/**
 * Page-side helpers: when a key or pointer went down, long tasks, and when the results for a
 * state were painted. A string, because the TypeScript runner adds helpers to functions that the
 * page would not have.
 */
const PAGE_HELPERS = `
  window.__lastInput = 0;
  window.__firstKey = 0;
  // From when the key or pointer went down (the event's time stamp), not from when the page got
  // round to handling it: a busy page thread must not shorten the measure.
  function mark(event) {
    window.__lastInput = Math.min(event.timeStamp, performance.now());
    if (!window.__firstKey) window.__firstKey = window.__lastInput;
  }
  document.addEventListener('keydown', mark, true);
  document.addEventListener('pointerdown', mark, true);
  window.__longTasks = [];
  try {
    new PerformanceObserver(function (list) {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {}
  ${paintedWhenHelper('[data-testid=browse-results]')}
`;

async function paintedWhen(page: Page, test: string, arg: string): Promise<number> {
  return page.evaluate(
    `window.__paintedWhen(function (element) { const value = ${JSON.stringify(arg)}; return ${test}; })`,
  ) as Promise<number>;
}

const lastInput = (page: Page) => page.evaluate('window.__lastInput') as Promise<number>;

async function openFresh(browser: Browser, hash: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.addInitScript(PAGE_HELPERS);
  const started = Date.now();
  await page.goto(`${base}/#/d/${dataset}${hash}`);
  return { context, page, started };
}

async function waitComplete(page: Page, timeout = 60_000) {
  await page.waitForSelector('[data-testid=browse-results][data-complete=true]', { timeout });
}

async function coldSearch(browser: Browser) {
  const { context, page } = await openFresh(browser, '');
  const input = page.getByTestId('browse-search');
  await input.waitFor();
  const query = 'time';
  await input.pressSequentially(query, { delay: 40 });
  const painted = await paintedWhen(
    page,
    "element.dataset.complete === 'true' && element.dataset.query === value",
    query,
  );
  const firstKey = (await page.evaluate('window.__firstKey')) as number;
  const longTasks = (await page.evaluate('window.__longTasks')) as number[];
  const rows = Number(await page.getByTestId('browse-results').getAttribute('data-rows'));
  const navigationToPaint = painted;
  await context.close();
  return {
    readyAfterFirstKey: painted - firstKey,
    navigationToPaint,
    longestTask: Math.max(0, ...longTasks),
    rows,
  };
}

async function keystrokes(page: Page) {
  const input = page.getByTestId('browse-search');
  const latencies: number[] = [];
  const perQuery: Record<string, number[]> = {};
  for (const query of QUERIES) {
    await input.fill('');
    await paintedWhen(page, "element.dataset.query === ''", '');
    await page.waitForTimeout(50);
    perQuery[query] = [];
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      const previous = query.slice(0, i - 1).trim();
      await input.press(query[i - 1] === ' ' ? 'Space' : query[i - 1]!);
      if (typed.trim() === previous) continue; // a space: the query is unchanged
      const painted = await paintedWhen(
        page,
        "element.dataset.query === value && element.dataset.complete === 'true'",
        typed.trim(),
      );
      const latency = painted - (await lastInput(page));
      latencies.push(latency);
      perQuery[query]!.push(latency);
      await page.waitForTimeout(30);
    }
  }
  return { latencies, perQuery };
}

async function clickAndPaint(page: Page, click: () => Promise<void>, viewContains: string) {
  await click();
  const painted = await paintedWhen(page, 'element.dataset.view.includes(value)', viewContains);
  return painted - (await lastInput(page));
}

async function sorting(browser: Browser) {
  const results: Record<string, number[]> = { score: [], maxActivation: [], neuron: [] };
  for (let run = 0; run < 3; run++) {
    const { context, page } = await openFresh(browser, '?sort=layer');
    await waitComplete(page);
    await page.waitForTimeout(500);
    const header = (name: string) =>
      page.getByRole('button', { name: new RegExp(`^Sort by ${name}`) });
    results.score!.push(await clickAndPaint(page, () => header('Score').click(), 'sort=score'));
    results.maxActivation!.push(
      await clickAndPaint(page, () => header('Max act').click(), 'sort=maxActivation'),
    );
    results.neuron!.push(await clickAndPaint(page, () => header('Neuron').click(), 'sort=neuron'));
    await context.close();
  }
  return results;
}

async function filtering(page: Page) {
  const latencies: number[] = [];
  await page.getByTestId('browse-search').fill('');
  await paintedWhen(page, "element.dataset.query === ''", '');
  const thumb = page.getByRole('slider', { name: 'Lowest score' });
  await thumb.focus();
  for (let i = 1; i <= 10; i++) {
    await page.keyboard.press('PageUp'); // +10 steps of 0.01
    const low = Math.round((-1 + i * 0.1) * 100) / 100;
    const painted = await paintedWhen(
      page,
      'element.dataset.view.includes(value)',
      `score=${low}..`,
    );
    latencies.push(painted - (await lastInput(page)));
    await page.waitForTimeout(30);
  }
  const layerThumb = page.getByRole('slider', { name: 'Highest layer' });
  await layerThumb.focus();
  for (let i = 1; i <= 10; i++) {
    await page.keyboard.press('ArrowLeft');
    const painted = await paintedWhen(
      page,
      'element.dataset.view.includes(value)',
      `layers=0-${47 - i}`,
    );
    latencies.push(painted - (await lastInput(page)));
    await page.waitForTimeout(30);
  }
  return latencies;
}

async function main() {
  if (!dataArg && !existsSync(join(datasetDir, 'manifest.json'))) makeScaleDataset(datasetDir);
  const manifest = JSON.parse(
    readFileSync(join(datasetDir, 'manifest.json'), 'utf8'),
  ) as DatasetManifest;
  const gzip = manifest.layers.reduce((sum, layer) => sum + layer.indexGzipBytes, 0);
  const raw = manifest.layers.reduce((sum, layer) => sum + layer.indexBytes, 0);
  const neurons = manifest.layers.reduce((sum, layer) => sum + layer.neurons, 0);
  if (!args.includes('--no-build'))
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

  const load = loadavg()[0]!;
  const stopServer = await startAppServer(port, dataDir);
  try {
    const browser = await chromium.launch({
      executablePath: findChromium(),
      args: CHROMIUM_ARGS,
    });
    try {
      const cold = [];
      for (let run = 0; run < 3; run++) cold.push(await coldSearch(browser));

      const { context, page } = await openFresh(browser, '');
      await waitComplete(page);
      await page.waitForTimeout(1000);
      const typing = await keystrokes(page);
      const filters = await filtering(page);
      await context.close();
      const sorts = await sorting(browser);

      const report = {
        dataset: datasetDir,
        neurons,
        machine: { cpus: cpus().length, loadAverageAtStart: load, loadAverageAtEnd: loadavg()[0] },
        indexes: { gzipMB: gzip / 1e6, rawMB: raw / 1e6, files: manifest.layers.length },
        coldSearch: {
          readyAfterFirstKeyMs: cold.map((c) => c.readyAfterFirstKey),
          medianMs: median(cold.map((c) => c.readyAfterFirstKey)),
          longestMainThreadTaskMs: Math.max(...cold.map((c) => c.longestTask)),
          rows: cold[0]!.rows,
        },
        keystrokeToPaint: {
          count: typing.latencies.length,
          medianMs: median(typing.latencies),
          p95Ms: quantile(typing.latencies, 0.95),
          maxMs: Math.max(...typing.latencies),
          perQueryMedianMs: Object.fromEntries(
            Object.entries(typing.perQuery).map(([q, v]) => [q, median(v)]),
          ),
        },
        sortClickToPaintMs: Object.fromEntries(
          Object.entries(sorts).map(([k, v]) => [k, { median: median(v), runs: v }]),
        ),
        filterChangeToPaint: {
          count: filters.length,
          medianMs: median(filters),
          p95Ms: quantile(filters, 0.95),
          maxMs: Math.max(...filters),
        },
      };
      const verdicts = [
        verdict('all layer indexes, gzipped', gzip / 1e6, TARGETS.indexesGzipMB, 'MB'),
        verdict(
          'search ready after the first keystroke, cold cache (median)',
          report.coldSearch.medianMs,
          TARGETS.coldSearchMedianMs,
          'ms',
        ),
        verdict(
          'keystroke to results painted, median',
          report.keystrokeToPaint.medianMs,
          TARGETS.keystrokeMedianMs,
          'ms',
        ),
        verdict(
          'keystroke to results painted, 95th percentile',
          report.keystrokeToPaint.p95Ms,
          TARGETS.keystrokeP95Ms,
          'ms',
        ),
        verdict(
          'sort by score, click to painted (median)',
          report.sortClickToPaintMs.score!.median,
          TARGETS.sortByScoreMedianMs,
          'ms',
        ),
        verdict(
          'filter change to painted (median)',
          report.filterChangeToPaint.medianMs,
          TARGETS.filterChangeMedianMs,
          'ms',
        ),
      ];
      Object.assign(report, { targets: verdicts });
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/browse.json', `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nBrowse and search, ${neurons.toLocaleString()} neurons (${datasetDir})`);
      console.log(
        `machine: ${cpus().length} cores, load average ${load.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
      );
      console.log(
        `layer indexes: ${(gzip / 1e6).toFixed(2)} MB gzipped (${(raw / 1e6).toFixed(1)} MB raw) in ${manifest.layers.length} files; no other search index`,
      );
      console.log(
        `search ready, cold cache, first keystroke to full-model results painted: median ${ms(report.coldSearch.medianMs)} (runs ${cold.map((c) => ms(c.readyAfterFirstKey)).join(', ')}); longest main-thread task ${ms(report.coldSearch.longestMainThreadTaskMs)}`,
      );
      console.log(
        `keystroke to results painted (${typing.latencies.length} keystrokes): median ${ms(report.keystrokeToPaint.medianMs)}, p95 ${ms(report.keystrokeToPaint.p95Ms)}, max ${ms(report.keystrokeToPaint.maxMs)}`,
      );
      for (const [key, value] of Object.entries(report.sortClickToPaintMs)) {
        console.log(
          `sort by ${key}, click to painted: median ${ms(value.median)} (runs ${value.runs.map(ms).join(', ')})`,
        );
      }
      console.log(
        `filter change to painted (${filters.length} slider steps): median ${ms(report.filterChangeToPaint.medianMs)}, p95 ${ms(report.filterChangeToPaint.p95Ms)}`,
      );
      const endLoad = loadavg()[0]!;
      console.log(
        `\nAgainst the issue's targets (load average ${load.toFixed(2)} at start, ${endLoad.toFixed(2)} at end, ${cpus().length} cores):`,
      );
      for (const v of verdicts) {
        console.log(
          `  ${v.met ? 'met    ' : 'NOT MET'}  ${v.figure}: ${v.measured} ${v.unit} (target at most ${v.target} ${v.unit})`,
        );
      }
      // The load at the end counts this benchmark's own browser and server too.
      if (load > cpus().length / 2) {
        console.log(
          `  The machine was busy before the run (load average above ${cpus().length / 2}): timings are slower than on a quiet machine.`,
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
