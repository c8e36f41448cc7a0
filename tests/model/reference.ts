/**
 * The tests' side of the independent reference (tests/model/gpt2_reference.py, PyTorch in
 * float64): synthetic checkpoints of several shapes in Hugging Face's layout, and every neuron's
 * activations on token ids as the reference computes them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gpt2Config } from '../../src/core/model/config.ts';
import type { SyntheticCheckpointOptions } from '../../src/core/model/synthetic.ts';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'gpt2_reference.py');

const shape = (layers: number, heads: number, embd: number, inner = 4 * embd): Gpt2Config => ({
  layers,
  heads,
  embd,
  inner,
  positions: 128,
  vocab: 50257,
  epsilon: 1e-5,
});

/**
 * The checkpoints the runner is held to the reference on: F32 and F16, with and without the
 * `transformer.` prefix and the attn.bias buffers, n_inner given and not. `scale` spreads the
 * weights so that activations reach well past 1 (GPT-2's initial scale would leave them tiny).
 */
export const REFERENCE_CHECKPOINTS: { name: string; options: SyntheticCheckpointOptions }[] = [
  { name: 'f32-plain', options: { config: shape(2, 2, 16), dtype: 'F32', seed: 1, scale: 6 } },
  {
    name: 'f32-prefix-buffers-inner',
    options: {
      config: shape(3, 4, 32, 48),
      dtype: 'F32',
      prefix: true,
      buffers: true,
      seed: 2,
      scale: 5,
    },
  },
  {
    name: 'f16-buffers',
    options: { config: shape(2, 3, 48), dtype: 'F16', buffers: true, seed: 3, scale: 5 },
  },
  {
    name: 'f32-wide',
    options: { config: shape(2, 8, 128, 512), dtype: 'F32', prefix: true, seed: 4, scale: 3 },
  },
];

export interface ReferenceJob {
  dir: string;
  ids: number[][];
  /** Narrow the weights to F16 first, as the runner's F16 storage does. */
  asF16?: boolean;
  out: string;
}

/** Runs the reference on every job (one Python process); per job, per text, [layers][T x n]. */
export function referenceActivations(
  jobs: ReferenceJob[],
  configs: Gpt2Config[],
): Float32Array[][][] {
  execFileSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(jobs.map((job) => ({ ...job, as_f16: job.asF16 ?? false }))),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return jobs.map((job, j) => {
    const config = configs[j]!;
    const bytes = readFileSync(job.out);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    let at = 0;
    return job.ids.map((ids) =>
      Array.from({ length: config.layers }, () => {
        const size = ids.length * config.inner;
        const layer = all.slice(at, at + size);
        at += size;
        return layer;
      }),
    );
  });
}

/** Largest absolute difference between two equally long arrays. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Texts the reference tests run, tokenized as GPT-2 does (one longer than 64 tokens). */
export const REFERENCE_TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'In March 1862 a railway line reached the quay; by 1893 the old customs house had burnt down, and the harbour closed to private boats from September 1939 until May 1945. def f(x): return x ** 2',
  ' Marvel',
];
