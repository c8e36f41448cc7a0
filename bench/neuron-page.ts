/**
 * The neuron page's speed in headless Chromium against the real server, on the real record of
 * GPT-2 XL neuron 1/1 (50 top, 5 x 20 quantile, 50 random records of 64 tokens):
 *
 *   1. a permalink opened cold (new browser context: empty HTTP cache) until the first
 *      top-activating record is painted: median of RUNS;
 *   2. the next neuron (arrow key) after its files were prefetched, until its records are painted;
 *   3. scripting time to render all 12,800 tokens of 1/1 at once (every group expanded), from the
 *      DevTools Protocol's Performance metrics;
 *   4. initial JavaScript: the built entry chunk and its static imports, gzipped.
 *
 *   npm run bench:neuron-page [-- --runs 9] [-- --only cold|next|render]
 *
 * Prints the figures as JSON and writes them to bench/results/neuron-page.json.
 *
 * Needs the shared real data (ingested into a temporary DATA_DIR on every run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../tests/e2e/chromium.ts';
import {
  buildAppIfNeeded,
  freePort,
  prepareDataDir,
  repoRoot,
  startServer,
} from '../tests/e2e/environment.ts';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
const onlyFlag = process.argv.indexOf('--only');
/** `--only cold|next|render` runs one measurement (and the JS size). */
const ONLY = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined;
const wanted = (name: string) => ONLY === undefined || ONLY === name;
const ALL_GROUPS = 'top,q5,q4,q3,q2,q1,random';

function progress(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

// Page scripts are strings: tsx would wrap named functions in a helper the page does not have.

/** In the page: resolves with performance.now() two frames after `ready()` first holds. */
function paintedWhen(ready: string): string {
  return `new Promise((resolve) => {
    const ready = () => ${ready};
    const painted = () =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    if (ready()) return painted();
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      painted();
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })`;
}

const FIRST_TOP_RECORD = `document.querySelector('[aria-label^="Top-activating records, record 1 of"]') !== null`;

function recordsOf(heading: string): string {
  return `document.querySelector('h1')?.textContent === ${JSON.stringify(heading)} && ${FIRST_TOP_RECORD}`;
}

/** 1. Cold permalink to painted heatmap, ms since navigation start. */
async function coldPermalink(browser: Browser, base: string): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Watch from before the app's scripts run, so nothing is missed.
    await page.addInitScript(`window.__painted = ${paintedWhen(FIRST_TOP_RECORD)};`);
    await page.goto(`${base}#/layers/1/neurons/1`);
    times.push((await page.evaluate('window.__painted')) as number);
    progress(`  run ${run + 1}: ${round(times.at(-1)!)} ms`);
    await context.close();
  }
  return times;
}

type Cdp = Awaited<ReturnType<BrowserContext['newCDPSession']>>;

/** DevTools Protocol performance counters, durations in ms. */
async function metrics(cdp: Cdp): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value * 1000]));
}

interface Step {
  /** Key press to painted records, wall clock. */
  wallMs: number;
  /** CPU time of the page's main thread over the same interval (insensitive to machine load). */
  mainThreadCpuMs: number;
}

async function step(page: Page, cdp: Cdp, key: string, heading: string): Promise<Step> {
  // `; 0`: evaluate must not wait for the promise, which resolves only after the key press.
  await page.evaluate(`window.__painted = ${paintedWhen(recordsOf(heading))}; 0`);
  const before = await metrics(cdp);
  const start = (await page.evaluate('performance.now()')) as number;
  await page.keyboard.press(key);
  const painted = (await page.evaluate('window.__painted')) as number;
  const after = await metrics(cdp);
  return { wallMs: painted - start, mainThreadCpuMs: after.ThreadTime! - before.ThreadTime! };
}

/**
 * 2. Arrow key to the next neuron's painted records, its files prefetched: the first time in a
 * fresh page (the page's code still compiling), and again after one visit ("warm").
 */
async function nextNeuron(browser: Browser, base: string, from: string, to: string) {
  const first: Step[] = [];
  const warm: Step[] = [];
  const [layer, neuron] = to.split(':');
  const wanted = [
    `explanations/${layer}/${neuron}.jsonl`,
    `collated-activations/${layer}/${neuron}.json`,
  ];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // The next neuron's files count as prefetched once the browser has their responses.
    const seen = new Set<string>();
    page.on('response', (response) => {
      const hit = wanted.find((path) => response.url().endsWith(path));
      if (hit) seen.add(hit);
    });
    await page.goto(`${base}#/layers/${from.replace(':', '/neurons/')}`);
    await page.waitForFunction(
      `document.querySelector('h1') && !document.querySelector('.skeleton')`,
    );
    while (seen.size < wanted.length) await page.waitForTimeout(20);
    await page.waitForTimeout(200);
    first.push(await step(page, cdp, 'ArrowRight', `Neuron ${to}`));
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(
      `document.querySelector('h1')?.textContent === 'Neuron ${from}' && !document.querySelector('.skeleton')`,
    );
    await page.waitForTimeout(200);
    warm.push(await step(page, cdp, 'ArrowRight', `Neuron ${to}`));
    progress(
      `  ${from} -> ${to} run ${run + 1}: first ${round(first.at(-1)!.wallMs)} ms, warm ${round(warm.at(-1)!.wallMs)} ms`,
    );
    await context.close();
  }
  return { first, warm };
}

/** 3. Scripting while all 12,800 tokens render (data already loaded). */
async function fullRender(browser: Browser, base: string) {
  const cpu: number[] = [];
  const wall: number[] = [];
  const layoutAndStyle: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    // Durations in thread time: CPU spent by the page's main thread, whatever else the machine does.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(`${base}#/layers/1/neurons/1`);
    await page.evaluate(paintedWhen(recordsOf('Neuron 1:1')));
    await page.waitForFunction(`!document.querySelector('.skeleton')`);
    await page.waitForTimeout(300);
    const before = await metrics(cdp);
    const start = (await page.evaluate('performance.now()')) as number;
    await page.evaluate(`window.location.hash = '#/layers/1/neurons/1?expand=${ALL_GROUPS}'`);
    const painted = (await page.evaluate(
      paintedWhen(
        `document.querySelectorAll('[aria-labelledby="records-heading"] [data-record]').length === 200`,
      ),
    )) as number;
    const after = await metrics(cdp);
    const tokens = (await page.evaluate(
      `document.querySelectorAll('[aria-labelledby="records-heading"] [data-i]').length`,
    )) as number;
    if (tokens < 12_000)
      throw new Error(`expected about 12,800 tokens on the page, found ${tokens}`);
    cpu.push(after.ScriptDuration! - before.ScriptDuration!);
    wall.push(painted - start);
    layoutAndStyle.push(
      after.LayoutDuration! +
        after.RecalcStyleDuration! -
        before.LayoutDuration! -
        before.RecalcStyleDuration!,
    );
    progress(
      `  run ${run + 1}: scripting ${round(cpu.at(-1)!)} ms CPU, ${round(wall.at(-1)!)} ms to paint`,
    );
    await context.close();
  }
  return { cpu, wall, layoutAndStyle };
}

/** 4. The entry chunk and what it imports statically (modulepreload links), gzipped. */
function initialJavaScript(dist: string) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="\.?\/?([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\.?\/?([^"]+)"/g),
  ].map((match) => match[1]!);
  const sizes = files.map((file) => ({
    file,
    gzipBytes: gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
  }));
  return { files: sizes, totalGzipBytes: sizes.reduce((sum, entry) => sum + entry.gzipBytes, 0) };
}

async function main() {
  const dist = await buildAppIfNeeded();
  const data = prepareDataDir();
  if (!data.ingested.includes('gpt2-xl')) {
    throw new Error('The benchmark needs the real GPT-2 XL data (see GPT2_XL_DATA)');
  }
  const server = await startServer({ dataDir: data.path, appDir: dist, port: await freePort() });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const load = (await import('node:os')).loadavg()[0]!;
    progress('cold permalink ...');
    const cold = wanted('cold') ? await coldPermalink(browser, server.url) : null;
    progress('next neuron ...');
    const next816 = wanted('next') ? await nextNeuron(browser, server.url, '0:815', '0:816') : null;
    const next11 = wanted('next') ? await nextNeuron(browser, server.url, '1:0', '1:1') : null;
    progress('12,800-token render ...');
    const render = wanted('render') ? await fullRender(browser, server.url) : null;
    const js = initialJavaScript(dist);
    const result = {
      runs: RUNS,
      loadAverageAtStart: round(load),
      coldPermalinkToHeatmapMs: cold && {
        median: round(median(cold)),
        all: cold.map(round),
        budget: 500,
      },
      nextNeuronPrefetchedMs: next816 &&
        next11 && {
          budget: 150,
          ...Object.fromEntries(
            [
              ['0:815 -> 0:816', next816],
              ['1:0 -> 1:1', next11],
            ].map(([name, steps]) => {
              const { first, warm } = steps as Awaited<ReturnType<typeof nextNeuron>>;
              return [
                name,
                {
                  firstMedian: round(median(first.map((s) => s.wallMs))),
                  warmMedian: round(median(warm.map((s) => s.wallMs))),
                  warmAll: warm.map((s) => round(s.wallMs)),
                  mainThreadCpuMedian: {
                    first: round(median(first.map((s) => s.mainThreadCpuMs))),
                    warm: round(median(warm.map((s) => s.mainThreadCpuMs))),
                  },
                },
              ];
            }),
          ),
        },
      allTokensRender12800: render && {
        budget: 200,
        scriptingCpuMsMedian: round(median(render.cpu)),
        scriptingCpuMs: render.cpu.map(round),
        layoutAndStyleCpuMsMedian: round(median(render.layoutAndStyle)),
        wallToPaintMsMedian: round(median(render.wall)),
      },
      initialJavaScript: {
        gzipKB: round(js.totalGzipBytes / 1024),
        files: js.files,
        budgetKB: 200,
      },
    };
    const json = JSON.stringify(result, null, 2);
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench/results/neuron-page.json'), `${json}\n`);
    console.log(json);
  } finally {
    await browser.close();
    await server.stop();
    data.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
