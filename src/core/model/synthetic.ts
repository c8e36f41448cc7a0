/**
 * Synthetic GPT-2 checkpoints in Hugging Face's exact layout, for tests and benchmarks (no npm
 * package ships GPT-2 weights, and tests must not download them): the published tensor names
 * (optionally with the `transformer.` prefix), Conv1D [in, out] weights, the `h.N.attn.bias`
 * causal-mask buffers the published gpt2 file holds, F32 or F16, random values of GPT-2's
 * initial scale from a seed. Values are produced in chunks so that a 6.4 GB file can be written
 * with bounded memory.
 */
import {
  BLOCK_TENSORS,
  expectedTensors,
  type BlockTensor,
  type Gpt2Weights,
  type StoredTensor,
} from './checkpoint.ts';
import { hashString, Random } from '../random/random.ts';
import type { Gpt2Config } from './config.ts';
import { f32ToF16 } from './f16.ts';
import type { TensorSpec, WeightDtype } from './safetensors.ts';

/** Published shapes (the MLP neurons are 4 x n_embd in each). */
export const GPT2_SHAPES: Readonly<Record<string, Gpt2Config>> = {
  gpt2: {
    layers: 12,
    heads: 12,
    embd: 768,
    inner: 3072,
    positions: 1024,
    vocab: 50257,
    epsilon: 1e-5,
  },
  'gpt2-medium': {
    layers: 24,
    heads: 16,
    embd: 1024,
    inner: 4096,
    positions: 1024,
    vocab: 50257,
    epsilon: 1e-5,
  },
  'gpt2-large': {
    layers: 36,
    heads: 20,
    embd: 1280,
    inner: 5120,
    positions: 1024,
    vocab: 50257,
    epsilon: 1e-5,
  },
  'gpt2-xl': {
    layers: 48,
    heads: 25,
    embd: 1600,
    inner: 6400,
    positions: 1024,
    vocab: 50257,
    epsilon: 1e-5,
  },
};

export interface SyntheticCheckpointOptions {
  config: Gpt2Config;
  dtype: WeightDtype;
  /** Name tensors `transformer.wte.weight` etc., as GPT2LMHeadModel's state dict does. */
  prefix?: boolean;
  /** Add the `h.N.attn.bias` [1, 1, P, P] and `h.N.attn.masked_bias` buffers. */
  buffers?: boolean;
  /** Add `ln_f.*` (the final norm, which the neurons do not need). Default true. */
  finalNorm?: boolean;
  seed?: number;
  /**
   * Scale of the random weights' spread (GPT-2 initializes at 0.02); larger values give
   * activations far from zero, which tests of agreement want.
   */
  scale?: number;
}

export interface SyntheticTensor extends TensorSpec {
  /** How to fill it: GPT-2-like random values, LayerNorm gains near 1, or the causal mask. */
  fill: 'random' | 'gain' | 'mask' | 'masked-bias';
}

/** The tensors of a synthetic checkpoint in the order they are written (sorted by name). */
export function syntheticTensors(options: SyntheticCheckpointOptions): SyntheticTensor[] {
  const prefix = options.prefix ? 'transformer.' : '';
  const tensors: SyntheticTensor[] = expectedTensors(options.config).map(({ name, shape }) => ({
    name: prefix + name,
    dtype: options.dtype,
    shape,
    fill: /ln_\d\.weight$/.test(name) ? 'gain' : 'random',
  }));
  const p = options.config.positions;
  for (let layer = 0; layer < options.config.layers; layer++) {
    if (options.buffers) {
      tensors.push({
        name: `${prefix}h.${layer}.attn.bias`,
        dtype: 'F32',
        shape: [1, 1, p, p],
        fill: 'mask',
      });
      tensors.push({
        name: `${prefix}h.${layer}.attn.masked_bias`,
        dtype: 'F32',
        shape: [],
        fill: 'masked-bias',
      });
    }
  }
  if (options.finalNorm ?? true) {
    const d = options.config.embd;
    tensors.push({ name: `${prefix}ln_f.weight`, dtype: options.dtype, shape: [d], fill: 'gain' });
    tensors.push({ name: `${prefix}ln_f.bias`, dtype: options.dtype, shape: [d], fill: 'random' });
  }
  return tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A tensor's bytes, in chunks of at most `chunkElements` elements. Random values are uniform
 * with GPT-2's initial standard deviation times `scale` (uniform is cheaper than normal, and the
 * shape of the distribution does not matter to a test or a benchmark).
 */
export function* syntheticTensorBytes(
  tensor: SyntheticTensor,
  { seed = 1, scale = 1 }: { seed?: number; scale?: number } = {},
  chunkElements = 1 << 20,
): Generator<Uint8Array> {
  const elements = tensor.shape.reduce((a, b) => a * b, 1);
  // Seeded per tensor, so that any tensor can be made alone.
  const random = new Random(hashString(tensor.name, 0x811c9dc5 ^ seed));
  const next = () => random.next();
  const spread = 0.02 * scale * Math.sqrt(3);
  const p = tensor.shape.at(-1) ?? 1;
  for (let start = 0; start < elements; start += chunkElements) {
    const count = Math.min(chunkElements, elements - start);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (tensor.fill === 'random') values[i] = (next() * 2 - 1) * spread;
      else if (tensor.fill === 'gain') values[i] = 1 + (next() * 2 - 1) * 0.2 * scale;
      else if (tensor.fill === 'mask') {
        const at = start + i;
        values[i] = at % p <= Math.floor(at / p) % p ? 1 : 0;
      } else values[i] = -1e4;
    }
    yield tensor.dtype === 'F32'
      ? new Uint8Array(values.buffer)
      : new Uint8Array(f32ToF16(values).buffer);
  }
}

/** A synthetic checkpoint's weights straight into memory (benchmarks of the runtimes). */
export function syntheticWeights(options: SyntheticCheckpointOptions): Gpt2Weights {
  const stored = new Map<string, StoredTensor>();
  for (const tensor of syntheticTensors({ ...options, prefix: false, buffers: false })) {
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    const data = options.dtype === 'F32' ? new Float32Array(elements) : new Uint16Array(elements);
    const bytes = new Uint8Array(data.buffer);
    let at = 0;
    for (const chunk of syntheticTensorBytes(tensor, options)) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    stored.set(tensor.name, { dtype: options.dtype, shape: tensor.shape as number[], data });
  }
  const get = (name: string) => stored.get(name)!;
  return {
    config: options.config,
    storage: options.dtype,
    wte: get('wte.weight'),
    wpe: get('wpe.weight'),
    blocks: Array.from({ length: options.config.layers }, (_, layer) =>
      Object.fromEntries(BLOCK_TENSORS.map((name) => [name, get(`h.${layer}.${name}`)])),
    ) as Record<BlockTensor, StoredTensor>[],
  };
}
