/**
 * The neuron page's speed in headless Chromium against the real server, on the real record of
 * GPT-2 XL neuron 1/1 (50 top, 5 x 20 quantile, 50 random records of 64 tokens):
 *
 *   1. a permalink opened cold (new browser context: empty HTTP cache) until the first
 *      top-activating record is painted: median of RUNS;
 *   2. the next neuron (arrow key) after its files were prefetched, until its records are painted;
 *   3. scripting time to render all 12,800 tokens of 1/1 at once (every group expanded), from the
 *      DevTools Protocol's Performance metrics;
 *   4. initial JavaScript: the built entry chunk and its static imports, gzipped;
 *   5. side by side with the release's own viewer (openai/automated-interpretability
 *      `neuron-viewer`), on the same local data and with the same probe: the permalink of 1/1
 *      opened cold (new browser context) and warm (the same context, opened again), to the first
 *      top-activating record painted. Runs alternate between the two apps, so both see the same
 *      machine load.
 *
 *   npm run bench:neuron-page [-- --runs 9] [-- --only cold|next|render|side]
 *
 * The side-by-side needs the release's viewer built from its source outside this repository
 * (neither its code nor a script that builds it belongs here): RELEASE_VIEWER_DIR names the
 * folder parcel built it into (its `dist`). Without it, that part is skipped with a message. See
 * docs/benchmarks.md for how it is fed the local data.
 *
 * Prints the figures as JSON and writes them to bench/results/neuron-page.json.
 *
 * Needs the shared real data (ingested into a temporary DATA_DIR on every run).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
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
import { realDataDir } from '../tests/real-data.ts';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
const onlyFlag = process.argv.indexOf('--only');
/** `--only cold|next|render|side` runs one measurement (and the JS size). */
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

/**
 * Waits until the page expression holds. Polled through the DevTools Protocol, not with
 * page.waitForFunction: the app's CSP (no 'unsafe-eval') forbids the function that builds.
 */
async function waitUntil(page: Page, expression: string): Promise<void> {
  while (!(await page.evaluate(`Boolean(${expression})`))) await page.waitForTimeout(20);
}

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
    await waitUntil(page, `document.querySelector('h1') && !document.querySelector('.skeleton')`);
    while (seen.size < wanted.length) await page.waitForTimeout(20);
    await page.waitForTimeout(200);
    first.push(await step(page, cdp, 'ArrowRight', `Neuron ${to}`));
    await page.keyboard.press('ArrowLeft');
    await waitUntil(
      page,
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
    await waitUntil(page, `!document.querySelector('.skeleton')`);
    await page.waitForTimeout(300);
    const before = await metrics(cdp);
    const start = (await page.evaluate('performance.now()')) as number;
    await page.evaluate(`window.location.hash = '#/layers/1/neurons/1?expand=${ALL_GROUPS}'`);
    const painted = (await page.evaluate(
      paintedWhen(
        `document.querySelectorAll('#section-top [data-record], #section-samples [data-record]').length === 200`,
      ),
    )) as number;
    const after = await metrics(cdp);
    const tokens = (await page.evaluate(
      `document.querySelectorAll('#section-top [data-i], #section-samples [data-i]').length`,
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

// 5. Side by side with the release's viewer ------------------------------------------------------

/**
 * The probe both apps get, before their scripts run: resolves with performance.now() (ms since
 * navigation start) in the first task after the first animation frame that follows the DOM
 * commit of the first top-activating record's tokens. The frame is when the browser paints what
 * was committed; the task after it runs once that frame is done.
 */
function firstRecordProbe(ready: string): string {
  return `window.__firstRecord = new Promise((resolve) => {
    const ready = () => ${ready};
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    };
    new MutationObserver(() => {
      if (ready()) arm();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });`;
}

/** Ours: a token of the first top-activating record. */
const OURS_FIRST_RECORD = `document.querySelector('[aria-label^="Top-activating records, record 1 of"] [data-i]') !== null`;

/**
 * The release's viewer: a token of the first record under "Activations" (its records pane: the
 * heading, then "Top", then one bordered box per record, a span per token).
 */
const RELEASE_FIRST_RECORD = `(() => {
  const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Activations');
  return heading !== undefined && heading.parentElement.querySelector('.border span') !== null;
})()`;

/** The text both apps must show in that record (1/1's first top-activating record). */
const FIRST_RECORD_WORD = ' transfers';

/** Where the release's viewer fetches the published files from (its interpAPI.ts). */
const RELEASE_DATA_URL = 'https://openaipublic.blob.core.windows.net/neuron-explainer/data/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/**
 * Serves the release's built viewer, and stands in for its local data server
 * (`neuron-viewer/python/server.py`): served from a `localhost:` address, the viewer POSTs each
 * file's blob-storage URL as `{"path": ...}` to port 8000's `/load_az` (Chromium's host-resolver
 * rules send localhost:8000 here), and gets the file's JSON back; a file that is not there fails
 * as the Flask server fails (500, not JSON). Files come from the same local folder that our
 * server ingested, unchanged.
 */
async function serveReleaseViewer(
  dist: string,
  data: string,
): Promise<{ server: Server; port: number }> {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'Content-Type,Authorization',
    'access-control-allow-methods': 'GET,PUT,POST,DELETE,OPTIONS',
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/load_az') {
      if (request.method === 'OPTIONS') {
        response.writeHead(200, cors).end();
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        let path = '';
        try {
          path = String((JSON.parse(body) as { path: unknown }).path);
        } catch {
          // answered below as a failure
        }
        const relative = path.startsWith(RELEASE_DATA_URL)
          ? path.slice(RELEASE_DATA_URL.length)
          : '';
        const file = resolve(data, normalize(relative));
        if (relative === '' || !file.startsWith(data + sep) || !existsSync(file)) {
          response
            .writeHead(500, { ...cors, 'content-type': 'text/html; charset=utf-8' })
            .end('<!doctype html><title>500 Internal Server Error</title>');
          return;
        }
        response
          .writeHead(200, { ...cors, 'content-type': 'application/json' })
          .end(readFileSync(file));
      });
      return;
    }
    const file = resolve(dist, `.${url.pathname === '/' ? '/index.html' : url.pathname}`);
    if (!file.startsWith(dist + sep) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=3600',
      })
      .end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}

interface Visit {
  ms: number;
  /** Requests the page made before the record was painted (code, styles and data). */
  requests: number;
}

async function visit(page: Page, url: string, word: string): Promise<Visit> {
  let requests = 0;
  const count = () => requests++;
  page.on('request', count);
  await page.goto(url);
  const ms = (await page.evaluate('window.__firstRecord')) as number;
  page.off('request', count);
  const text = (await page.evaluate(`document.body.textContent`)) as string;
  if (!text.includes(word)) throw new Error(`${url}: the first record does not show "${word}"`);
  return { ms, requests };
}

interface App {
  name: 'ours' | 'release';
  url: string;
  probe: string;
}

/** Cold then warm, in a fresh context per run, alternating between the two apps. */
async function sideBySide(browser: Browser, apps: App[]) {
  const results = Object.fromEntries(
    apps.map((app) => [app.name, { cold: [] as Visit[], warm: [] as Visit[] }]),
  );
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? apps : [...apps].reverse();
    for (const app of order) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(firstRecordProbe(app.probe));
      const cold = await visit(page, app.url, FIRST_RECORD_WORD);
      await page.waitForTimeout(300);
      await page.goto('about:blank');
      const warm = await visit(page, app.url, FIRST_RECORD_WORD);
      results[app.name]!.cold.push(cold);
      results[app.name]!.warm.push(warm);
      progress(
        `  run ${run + 1} ${app.name}: cold ${round(cold.ms)} ms (${cold.requests} requests), warm ${round(warm.ms)} ms`,
      );
      await context.close();
    }
  }
  return results;
}

/**
 * 4. The JavaScript a neuron permalink loads before the page is interactive, gzipped: the entry
 * chunk and its static imports, and the app's and the neuron page's chunks that index.html's
 * early-fetch script preloads; and that inline script itself.
 */
function initialJavaScript(dist: string) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="\.?\/?([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\.?\/?([^"]+)"/g),
    ...html.matchAll(/\["modulepreload","\.?\/?([^"]+)"\]/g),
  ].map((match) => match[1]!);
  const sizes = [...new Set(files)].map((file) => ({
    file,
    gzipBytes: gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
  }));
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
  return {
    files: sizes,
    totalGzipBytes: sizes.reduce((sum, entry) => sum + entry.gzipBytes, 0),
    inlineScriptsGzipBytes: gzipSync(inline.join(''), { level: 9 }).length,
  };
}

async function main() {
  const dist = await buildAppIfNeeded();
  const data = prepareDataDir();
  if (!data.ingested.includes('gpt2-xl')) {
    throw new Error('The benchmark needs the real GPT-2 XL data (see GPT2_XL_DATA)');
  }
  const server = await startServer({ dataDir: data.path, appDir: dist, port: await freePort() });
  const releaseDir = process.env.RELEASE_VIEWER_DIR
    ? resolve(process.env.RELEASE_VIEWER_DIR)
    : null;
  const releaseData = realDataDir();
  let release: { server: Server; port: number } | null = null;
  if (wanted('side')) {
    if (!releaseDir || !existsSync(join(releaseDir, 'index.html'))) {
      progress(
        'side by side with the release viewer skipped: set RELEASE_VIEWER_DIR to the folder its ' +
          'parcel build wrote (neuron-viewer/dist; see docs/benchmarks.md)',
      );
    } else if (releaseData) {
      release = await serveReleaseViewer(releaseDir, resolve(releaseData));
    }
  }
  const browser = await chromium.launch({
    executablePath: findChromium(),
    // The release's viewer, served from localhost, asks localhost:8000 for its data.
    args: release
      ? [...CHROMIUM_ARGS, `--host-resolver-rules=MAP localhost:8000 127.0.0.1:${release.port}`]
      : CHROMIUM_ARGS,
  });
  try {
    const load = (await import('node:os')).loadavg()[0]!;
    progress('cold permalink ...');
    const cold = wanted('cold') ? await coldPermalink(browser, server.url) : null;
    progress('next neuron ...');
    const next816 = wanted('next') ? await nextNeuron(browser, server.url, '0:815', '0:816') : null;
    const next11 = wanted('next') ? await nextNeuron(browser, server.url, '1:0', '1:1') : null;
    progress('12,800-token render ...');
    const render = wanted('render') ? await fullRender(browser, server.url) : null;
    progress('side by side with the release viewer ...');
    const side =
      release &&
      (await sideBySide(browser, [
        { name: 'ours', url: `${server.url}#/layers/1/neurons/1`, probe: OURS_FIRST_RECORD },
        {
          name: 'release',
          url: `http://localhost:${release.port}/#/layers/1/neurons/1`,
          probe: RELEASE_FIRST_RECORD,
        },
      ]));
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
      sideBySideWithReleaseViewer: side && {
        neuron: '1/1',
        probe:
          'ms from navigation start to the first task after the first animation frame that ' +
          'follows the DOM commit of the first top-activating record',
        ...Object.fromEntries(
          (['cold', 'warm'] as const).map((when) => {
            const ours = side.ours!;
            const theirs = side.release!;
            const oursMedian = median(ours[when].map((v) => v.ms));
            const releaseMedian = median(theirs[when].map((v) => v.ms));
            return [
              when,
              {
                oursMedian: round(oursMedian),
                releaseMedian: round(releaseMedian),
                ratio: Math.round((oursMedian / releaseMedian) * 1000) / 1000,
                target: 1 / 3,
                ours: ours[when].map((v) => round(v.ms)),
                release: theirs[when].map((v) => round(v.ms)),
                requests: {
                  ours: median(ours[when].map((v) => v.requests)),
                  release: median(theirs[when].map((v) => v.requests)),
                },
              },
            ];
          }),
        ),
      },
      initialJavaScript: {
        gzipKB: round(js.totalGzipBytes / 1024),
        inlineScriptsGzipKB: round(js.inlineScriptsGzipBytes / 1024),
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
    release?.server.close();
    data.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
