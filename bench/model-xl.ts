/**
 * GPT-2 XL's shape in Node (48 blocks, width 1,600, 6,400 MLP neurons a block: 307,200 neurons,
 * 1.56 billion parameters), from a real-size checkpoint file of random weights written once under
 * fixtures-out/ (3.2 GB in F16, or 6.4 GB with --dtype F32): the time to load it (streamed, kept
 * as F16), then 64 tokens through every block with every neuron's activation and each token's
 * top 10 over all layers, the median of --runs, and the process's peak memory. The measuring runs
 * in a child process, so that its peak memory is its own.
 *
 *   npm run bench:model-xl [-- --dtype F16|F32] [-- --runs 3] [-- --threads 2]
 *
 * Results: bench/results/model-xl-<dtype>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WeightDtype } from '../src/core/model/safetensors.ts';
import { GPT2_SHAPES } from '../src/core/model/synthetic.ts';
import { openModelFolder } from '../src/node/model/runner.ts';
import { writeSyntheticCheckpoint } from '../src/node/model/synthetic.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    dtype: { type: 'string', default: 'F16' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(availableParallelism()) },
    child: { type: 'boolean', default: false },
  },
});
const dtype = values.dtype as WeightDtype;
const folder = join(root, `fixtures-out/gpt2-xl-random-${dtype.toLowerCase()}`);
const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface XlResult {
  dtype: WeightDtype;
  fileBytes: number;
  storage: WeightDtype;
  storedBytes: number;
  loadMs: number;
  runsMs: number[];
  medianMs: number;
  peakRssMb: number;
  threads: number;
  topOfLastToken: string;
}

if (values.child) {
  const started = performance.now();
  const runner = await openModelFolder(folder, { threads: Number(values.threads) });
  const loadMs = performance.now() - started;
  const ids = Array.from({ length: 64 }, (_, i) => (i * 7919 + 13) % 50257);
  const runsMs: number[] = [];
  let top = '';
  for (let run = 0; run < Number(values.runs); run++) {
    const t0 = performance.now();
    const result = await runner.session.runTokens(ids, { top: 10, keepActivations: true });
    runsMs.push(Math.round(performance.now() - t0));
    const best = result.top[63]![0]!;
    top = `${best.layer}:${best.neuron} ${best.activation.toFixed(4)}`;
  }
  const result: XlResult = {
    dtype,
    fileBytes: statSync(join(folder, 'model.safetensors')).size,
    storage: runner.session.info.storage,
    storedBytes: runner.session.info.storedBytes,
    loadMs: Math.round(loadMs),
    runsMs,
    medianMs: median(runsMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    threads: Number(values.threads),
    topOfLastToken: top,
  };
  await runner.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const stamp = join(folder, 'fixture.json');
  const wanted = JSON.stringify({ shape: 'gpt2-xl', dtype, seed: 11 });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    console.log(`writing a random GPT-2 XL-shaped ${dtype} checkpoint to ${folder} (once) ...`);
    const t0 = performance.now();
    let shown = 0;
    await writeSyntheticCheckpoint(
      folder,
      { config: GPT2_SHAPES['gpt2-xl']!, dtype, seed: 11, buffers: true },
      (written, total) => {
        if (written - shown > 256e6 || written === total) {
          shown = written;
          process.stdout.write(
            `\r  ${(written / 1e9).toFixed(2)} of ${(total / 1e9).toFixed(2)} GB`,
          );
        }
      },
    );
    writeFileSync(stamp, wanted);
    console.log(`\n  written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const loadBefore = loadavg()[0]!;
  console.log(
    `GPT-2 XL shape, ${dtype} file, 64 tokens, top 10 and every activation: load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cores`,
  );
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      '--dtype',
      dtype,
      '--runs',
      values.runs!,
      '--threads',
      values.threads!,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as XlResult;
  const loadAfter = loadavg()[0]!;
  console.log(
    `file ${(result.fileBytes / 1e9).toFixed(2)} GB, kept as ${result.storage} (${(result.storedBytes / 1e9).toFixed(2)} GB): loaded in ${(result.loadMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `64 tokens: median ${(result.medianMs / 1000).toFixed(1)} s (runs ${result.runsMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; target <= 30 s), peak RSS ${(result.peakRssMb / 1024).toFixed(2)} GB (target <= 8 GB); last token's top neuron ${result.topOfLastToken}`,
  );
  console.log(`load average at the end ${loadAfter.toFixed(2)}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, `bench/results/model-xl-${dtype.toLowerCase()}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, ...result }, null, 2)}\n`,
  );
}
