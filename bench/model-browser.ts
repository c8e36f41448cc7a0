/**
 * The runtimes in headless Chromium, each in a Web Worker as the product runs them: GPT-2 small's
 * shape (12 x 768, 3,072 MLP neurons a layer), random weights, 64 tokens, every neuron's
 * activation and each token's top 10 over all layers. The page is cross-origin isolated, so
 * WebAssembly may use threads. Peak memory is the proportional set size of Chromium's whole
 * process tree, sampled every 100 ms while a candidate runs.
 *
 *   npm run bench:model-browser [-- --runs 5] [-- --only ort-wasm-2t,tfjs-wasm-2t]
 *
 * WebGPU candidates run when Chromium brings up an adapter (here: none with a GPU; with
 * `--use-webgpu-adapter=swiftshader`, a software one, if this Chromium has it).
 * Results: bench/results/model-browser.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildHarness,
  launchChromium,
  descendantsPssMb,
  serveHarness,
} from '../tests/support/browser-harness.ts';
import type { BrowserCandidateRequest, BrowserCandidateResult } from './model/browser/worker.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } },
});
const runs = Number(values.runs);

interface Plan {
  name: string;
  request: BrowserCandidateRequest;
  webgpu?: boolean;
}
const request = (
  id: BrowserCandidateRequest['id'],
  threads: number,
  extra: Partial<BrowserCandidateRequest> = {},
): BrowserCandidateRequest => ({ id, threads, runs, tokens: 64, dtype: 'F32', ...extra });
const PLANS: Plan[] = [
  { name: 'ort-wasm-1t', request: request('ort-wasm', 1) },
  { name: 'ort-wasm-2t', request: request('ort-wasm', 2) },
  { name: 'ort-wasm-2t-f16', request: request('ort-wasm', 2, { dtype: 'F16' }) },
  { name: 'tfjs-wasm-1t', request: request('tfjs-wasm', 1) },
  { name: 'tfjs-wasm-2t', request: request('tfjs-wasm', 2) },
  { name: 'typescript', request: request('typescript', 1, { runs: 2 }) },
  { name: 'ort-webgpu', request: request('ort-webgpu', 2), webgpu: true },
  { name: 'tfjs-webgpu', request: request('tfjs-webgpu', 1), webgpu: true },
];

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const out = mkdtempSync(join(tmpdir(), 'model-browser-bench-'));
try {
  await buildHarness(join(root, 'bench/model/browser'), out);
  const server = await serveHarness(out, {
    '/tfjs-wasm/': join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
  });
  const loadBefore = loadavg()[0]!;
  console.log(
    `headless Chromium, GPT-2 small shape, 64 tokens, top 10: load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cores, ${runs} runs after one warm-up`,
  );
  const results: (BrowserCandidateResult & {
    name: string;
    medianMs: number;
    peakPssMb: number;
  })[] = [];
  const skipped: { name: string; why: string }[] = [];
  const wanted = values.only?.split(',');
  for (const webgpu of [false, true]) {
    const plans = PLANS.filter(
      (p) => !!p.webgpu === webgpu && (!wanted || wanted.includes(p.name)),
    );
    if (plans.length === 0) continue;
    const browser = await launchChromium({ webgpu });
    try {
      for (const plan of plans) {
        const page = await browser.newPage();
        page.on('response', (response) => {
          if (response.status() >= 400)
            process.stderr.write(`[page] ${response.status()} ${response.url()}\n`);
        });
        page.on('console', (message) => {
          if (message.type() === 'error') process.stderr.write(`[page] ${message.text()}\n`);
        });
        await page.goto(server.url);
        if (webgpu) {
          const adapter = await page.evaluate(() => window.webgpuAdapter());
          if (adapter === null) {
            skipped.push({ name: plan.name, why: 'no WebGPU adapter in this Chromium' });
            console.log(`${plan.name.padEnd(16)} skipped: no WebGPU adapter`);
            await page.close();
            continue;
          }
          console.log(`WebGPU adapter: ${adapter}`);
        }
        let peak = 0;
        const sampler = setInterval(() => {
          peak = Math.max(peak, descendantsPssMb());
        }, 100);
        try {
          const result = await page.evaluate((r) => window.runCandidate(r), plan.request);
          const medianMs = median(result.runsMs);
          results.push({ ...result, name: plan.name, medianMs, peakPssMb: Math.round(peak) });
          console.log(
            `${plan.name.padEnd(16)} median ${String(Math.round(medianMs)).padStart(6)} ms (runs ${Math.min(...result.runsMs)}-${Math.max(...result.runsMs)}, first ${result.firstMs}, setup ${result.setupMs}), Chromium peak PSS ${Math.round(peak)} MB; last token's top neuron ${result.topNeuron}`,
          );
        } catch (error) {
          skipped.push({ name: plan.name, why: (error as Error).message.split('\n')[0]! });
          console.log(`${plan.name.padEnd(16)} failed: ${(error as Error).message.split('\n')[0]}`);
        } finally {
          clearInterval(sampler);
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  }
  await server.close();
  const loadAfter = loadavg()[0]!;
  console.log(`load average at the end ${loadAfter.toFixed(2)}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/model-browser.json'),
    `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, results, skipped }, null, 2)}\n`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
