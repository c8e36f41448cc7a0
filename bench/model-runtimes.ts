/**
 * Which runtime runs GPT-2's blocks fastest in Node: every candidate computes the same thing
 * (GPT-2 small's shape, 12 x 768 with 3,072 MLP neurons a layer, random weights, 64 tokens:
 * every neuron's activation and each token's top 10 over all layers), each in a child process of
 * its own so that its peak memory is its own.
 *
 *   npm run bench:model-runtimes [-- --runs 7] [-- --only ort-node,tfjs-wasm]
 *
 * Candidates: onnxruntime-node (the block graph with F32 weights, and with F16 weights cast in
 * the graph), onnxruntime-web's WASM build in Node (1 and 2 threads), TensorFlow.js with its
 * WASM backend, and the plain-TypeScript forward pass (src/core/model/forward.ts) as the
 * hand-written baseline. Results: bench/results/model-runtimes.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BlockExecutor } from '../src/core/model/runner.ts';
import { runActivations } from '../src/core/model/runner.ts';
import type { WeightDtype } from '../src/core/model/safetensors.ts';
import { GPT2_SHAPES, syntheticWeights } from '../src/core/model/synthetic.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKENS = 64;
const TOP = 10;

interface Candidate {
  id: string;
  what: string;
  dtype: WeightDtype;
  runs?: number;
  make: (weights: ReturnType<typeof syntheticWeights>) => Promise<BlockExecutor>;
}

const CANDIDATES: Candidate[] = [
  {
    id: 'ort-node',
    what: 'onnxruntime-node 1.30, CPU, F32 weights as inputs',
    dtype: 'F32',
    make: async (w) => {
      const { createNodeExecutor } = await import('../src/node/model/executor.ts');
      return createNodeExecutor(w.config, 'F32');
    },
  },
  {
    id: 'ort-node-f16',
    what: 'onnxruntime-node 1.30, CPU, F16 weights cast to F32 in the graph',
    dtype: 'F16',
    make: async (w) => {
      const { createNodeExecutor } = await import('../src/node/model/executor.ts');
      return createNodeExecutor(w.config, 'F16');
    },
  },
  ...[1, 2].map((threads): Candidate => ({
    id: `ort-web-wasm-${threads}t`,
    what: `onnxruntime-web 1.30 WASM (SIMD) in Node, ${threads} thread${threads > 1 ? 's' : ''}`,
    dtype: 'F32',
    make: async (w) => {
      const ort = await import('onnxruntime-web');
      const { createOrtExecutor } = await import('../src/core/model/ort-executor.ts');
      ort.env.wasm.numThreads = threads;
      return createOrtExecutor(ort as never, w.config, 'F32', {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
    },
  })),
  {
    id: 'tfjs-wasm',
    what: 'TensorFlow.js 4.22, WASM backend (XNNPACK), weights resident',
    dtype: 'F32',
    make: async (w) => {
      const tf = await import('@tensorflow/tfjs-core');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(`${join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
      await tf.setBackend('wasm');
      await tf.ready();
      const { tfjsExecutor } = await import('./model/tfjs-executor.ts');
      return tfjsExecutor(tf, w);
    },
  },
  {
    id: 'typescript',
    what: 'plain TypeScript forward pass (hand-written loops, one thread)',
    dtype: 'F32',
    runs: 3,
    make: async (w) => {
      const { typescriptExecutor } = await import('../src/core/model/forward.ts');
      return typescriptExecutor(w.config);
    },
  },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export interface CandidateResult {
  id: string;
  what: string;
  runsMs: number[];
  medianMs: number;
  firstMs: number;
  setupMs: number;
  peakRssMb: number;
  /** Largest difference from the ONNX Runtime result on the same weights (a sanity check). */
  topNeuron: string;
}

async function runCandidate(id: string, runs: number): Promise<CandidateResult> {
  const candidate = CANDIDATES.find((c) => c.id === id)!;
  const weights = syntheticWeights({ config: GPT2_SHAPES.gpt2!, dtype: candidate.dtype, seed: 7 });
  const ids = Array.from({ length: TOKENS }, (_, i) => (i * 7919 + 13) % 50257);
  const setupStart = performance.now();
  const executor = await candidate.make(weights);
  const setupMs = performance.now() - setupStart;
  const times: number[] = [];
  let first = 0;
  let topNeuron = '';
  for (let run = 0; run <= (candidate.runs ?? runs); run++) {
    const started = performance.now();
    const result = await runActivations(weights, executor, ids, {
      top: TOP,
      keepActivations: true,
    });
    const ms = performance.now() - started;
    if (run === 0) first = ms;
    else times.push(ms);
    const best = result.top[TOKENS - 1]![0]!;
    topNeuron = `${best.layer}:${best.neuron} ${best.activation.toFixed(4)}`;
  }
  return {
    id,
    what: candidate.what,
    runsMs: times.map((t) => Math.round(t)),
    medianMs: Math.round(median(times)),
    firstMs: Math.round(first),
    setupMs: Math.round(setupMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    topNeuron,
  };
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
    child: { type: 'string' },
  },
});
const runs = Number(values.runs);

if (values.child) {
  const result = await runCandidate(values.child, runs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // onnxruntime-web's threads keep Node alive.
  process.exit(0);
} else {
  const ids = values.only ? values.only.split(',') : CANDIDATES.map((c) => c.id);
  const loadBefore = loadavg()[0]!;
  console.log(
    `GPT-2 small shape, ${TOKENS} tokens, top ${TOP}: load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cores, ${runs} runs after one warm-up`,
  );
  const results: CandidateResult[] = [];
  for (const id of ids) {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', id, '--runs', String(runs)],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as CandidateResult;
    results.push(result);
    console.log(
      `${result.id.padEnd(16)} median ${String(result.medianMs).padStart(6)} ms (runs ${Math.min(...result.runsMs)}-${Math.max(...result.runsMs)}, first ${result.firstMs}, setup ${result.setupMs}), peak RSS ${result.peakRssMb} MB; last token's top neuron ${result.topNeuron}`,
    );
  }
  const loadAfter = loadavg()[0]!;
  console.log(`load average at the end ${loadAfter.toFixed(2)}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/model-runtimes.json'),
    `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, results }, null, 2)}\n`,
  );
}
