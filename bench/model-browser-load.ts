/**
 * The browser runner as the pages use it (src/app/model: the client, the worker, the cache) on a
 * real-size checkpoint file of random weights served over HTTP on loopback: the first load
 * (downloaded, checked, kept in OPFS), texts of 64 tokens (every activation, top 10 per token),
 * then a new page loading the kept copy with no download. Chromium's whole process tree is
 * sampled once a second for its peak memory (proportional set size; more often slows a renderer
 * holding gigabytes, whose page tables the kernel walks for each sample).
 *
 *   npm run bench:model-browser-load [-- --shape gpt2|gpt2-xl] [-- --dtype F32|F16] [-- --runs 5]
 *
 * The checkpoint is written once under fixtures-out/ (gpt2 F32: 0.55 GB; gpt2-xl F16: 3.3 GB,
 * shared with bench:model-xl). Results: bench/results/model-browser-load-<shape>.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WeightDtype } from '../src/core/model/safetensors.ts';
import { GPT2_SHAPES } from '../src/core/model/synthetic.ts';
import { writeSyntheticCheckpoint } from '../src/node/model/synthetic.ts';
import {
  buildHarness,
  descendantsPss,
  launchChromiumProfile,
  serveHarness,
} from '../tests/support/browser-harness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'gpt2' },
    dtype: { type: 'string' },
    runs: { type: 'string', default: '5' },
  },
});
const shape = values.shape!;
const dtype = (values.dtype ?? (shape === 'gpt2' ? 'F32' : 'F16')) as WeightDtype;
const runs = Number(values.runs);
const name =
  shape === 'gpt2-xl'
    ? `gpt2-xl-random-${dtype.toLowerCase()}`
    : `${shape}-random-${dtype.toLowerCase()}`;
const folder = join(root, 'fixtures-out', name);
const seed = shape === 'gpt2-xl' ? 11 : 7;
const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const stamp = join(folder, 'fixture.json');
const wanted = JSON.stringify({ shape, dtype, seed });
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
  console.log(`writing a random ${shape}-shaped ${dtype} checkpoint to ${folder} (once) ...`);
  await writeSyntheticCheckpoint(folder, {
    config: GPT2_SHAPES[shape]!,
    dtype,
    seed,
    buffers: true,
  });
  writeFileSync(stamp, wanted);
}

const page = mkdtempSync(join(tmpdir(), 'model-load-bench-'));
let peak = 0;
let peakOwn = 0;
let peakBreakdown: { name: string; mb: number; ownMb: number }[] = [];
let phase = 'build';
const phasePeaks: Record<string, { pss: number; own: number; byProcess: Record<string, number> }> =
  {};
const sampler = setInterval(() => {
  const processes = descendantsPss();
  const total = processes.reduce((sum, p) => sum + p.mb, 0);
  const own = processes.reduce((sum, p) => sum + p.ownMb, 0);
  const seen = phasePeaks[phase] ?? { pss: 0, own: 0, byProcess: {} };
  const byProcess = { ...seen.byProcess };
  for (const p of processes) {
    byProcess[p.name] = Math.max(byProcess[p.name] ?? 0, Math.round(p.ownMb));
  }
  phasePeaks[phase] = { pss: Math.max(seen.pss, total), own: Math.max(seen.own, own), byProcess };
  peakOwn = Math.max(peakOwn, own);
  if (total > peak) {
    peak = total;
    peakBreakdown = processes
      .filter((p) => p.mb > 20)
      .map(({ name, mb, ownMb }) => ({ name, mb: Math.round(mb), ownMb: Math.round(ownMb) }));
  }
}, 1000);
try {
  await buildHarness(join(root, 'tests/model/browser'), join(page, 'site'));
  const server = await serveHarness(join(page, 'site'), { '/models/': join(root, 'fixtures-out') });
  // An on-disk profile, as a user's: an off-the-record one keeps OPFS files in memory.
  const browser = await launchChromiumProfile(join(page, 'profile'));
  const loadBefore = loadavg()[0]!;
  console.log(
    `headless Chromium, the app's model worker, ${shape} shape (${dtype} file): load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cores`,
  );
  try {
    let tab = browser.pages()[0] ?? (await browser.newPage());
    await tab.goto(server.url);
    const backends = await tab.evaluate(() => window.harness.backends());
    await tab.evaluate(async () => {
      for (const model of await window.harness.listCached())
        await window.harness.removeCached(model.key);
    });
    const base = `models/${name}/`;
    const load = async () => {
      const t0 = Date.now();
      const result = await tab.evaluate(
        (b) => window.harness.load({ base: b, version: 'bench' }),
        base,
      );
      if ('error' in result) throw new Error(result.error);
      return { ms: Date.now() - t0, loaded: result.loaded };
    };
    // Over 64 tokens, cut to 64.
    const text =
      'The harbour was busy that morning: boats came in with the tide, and the market opened at seven, selling fish, bread and the first apples of the autumn to anyone who came. By noon the rain had started, and the stalls closed one by one as the wind rose over the bay.';
    const time = async () => {
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t0 = Date.now();
        const run = await tab.evaluate(
          (t) =>
            window.harness.framesDuring({ text: t, maxTokens: 64, top: 10, keepActivations: true }),
          text,
        );
        if (i > 0) times.push(Date.now() - t0);
        if (i === runs)
          console.log(
            `  page frames during the last run: longest gap ${Math.round(run.longestGapMs)} ms`,
          );
      }
      return times;
    };
    phase = 'first load';
    const first = await load();
    phase = 'runs';
    console.log(
      `first load (from the network, kept: ${first.loaded.kept}): ${(first.ms / 1000).toFixed(1)} s, ${first.loaded.backend}, weights kept as ${first.loaded.storage}`,
    );
    const firstRuns = await time();
    console.log(`64 tokens: median ${median(firstRuns)} ms (runs ${firstRuns.join(', ')})`);
    phase = 'second load';
    // A second visit: the first page closed (its worker and memory gone), a new one opened.
    await tab.close();
    await new Promise((done) => setTimeout(done, 2000));
    tab = await browser.newPage();
    await tab.goto(server.url);
    const before = server.requests.length;
    const second = await load();
    phase = 'runs after second load';
    const downloads = server.requests.slice(before).filter((p) => p.startsWith('/models/')).length;
    console.log(
      `second load (a new visit, from ${second.loaded.from}; ${downloads} requests for the model): ${(second.ms / 1000).toFixed(1)} s`,
    );
    const secondRuns = await time();
    console.log(`64 tokens: median ${median(secondRuns)} ms (runs ${secondRuns.join(', ')})`);
    const loadAfter = loadavg()[0]!;
    console.log(
      `Chromium peak: PSS ${Math.round(peak)} MB, its own memory (anonymous and shared, no file pages) ${Math.round(peakOwn)} MB; load average at the end ${loadAfter.toFixed(2)}`,
    );
    for (const [name, value] of Object.entries(phasePeaks)) {
      console.log(
        `  ${name}: PSS ${Math.round(value.pss)} MB, own ${Math.round(value.own)} MB; largest own by process ${JSON.stringify(value.byProcess)}`,
      );
    }
    console.log(
      `  at the peak: ${peakBreakdown.map((p) => `${p.name} ${p.mb} (own ${p.ownMb})`).join(', ')}`,
    );
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(
      join(root, `bench/results/model-browser-load-${shape}.json`),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          loadBefore,
          loadAfter,
          shape,
          dtype,
          backends,
          firstLoadMs: first.ms,
          secondLoadMs: second.ms,
          secondLoadModelRequests: downloads,
          runsMs: [...firstRuns, ...secondRuns],
          medianMs: median([...firstRuns, ...secondRuns]),
          peakPssMb: Math.round(peak),
          peakOwnMb: Math.round(peakOwn),
          peakByPhase: phasePeaks,
          peakBreakdown,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  clearInterval(sampler);
  rmSync(page, { recursive: true, force: true });
}
