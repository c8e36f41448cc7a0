/**
 * GPT-2's forward pass up to each block's MLP neurons, in plain TypeScript: the same maths as
 * the block graph (./graph.ts), block by block. It is what the demo dataset's records are
 * computed with (a 4-block model of width 64, where it takes milliseconds), and the block
 * executor used where no ONNX runtime is loaded. For real model sizes the ONNX runtimes are
 * many times faster (docs/benchmarks.md, "Model runtime").
 */
import { asFloat32, type BlockTensor, type Gpt2Weights } from './checkpoint.ts';
import type { Gpt2Config } from './config.ts';
import type { BlockExecutor, BlockOutputs, RuntimeTensor } from './runner.ts';
import { f16ToF32 } from './f16.ts';

/** GPT-2's GELU, the tanh form. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** out[T, m] = x[T, k] W[k, m] + b[m], with the inner loop over W's contiguous rows. */
function linear(x: Float32Array, w: Float32Array, b: Float32Array, tokens: number, k: number) {
  const m = b.length;
  const out = new Float32Array(tokens * m);
  for (let t = 0; t < tokens; t++) {
    const row = t * m;
    out.set(b, row);
    for (let i = 0; i < k; i++) {
      const a = x[t * k + i]!;
      if (a === 0) continue;
      const wRow = i * m;
      for (let j = 0; j < m; j++) out[row + j] = out[row + j]! + a * w[wRow + j]!;
    }
  }
  return out;
}

function layerNorm(x: Float32Array, weight: Float32Array, bias: Float32Array, epsilon: number) {
  const d = weight.length;
  const out = new Float32Array(x.length);
  for (let t = 0; t < x.length / d; t++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[t * d + i]!;
    mean /= d;
    let variance = 0;
    for (let i = 0; i < d; i++) variance += (x[t * d + i]! - mean) ** 2;
    variance /= d;
    const scale = 1 / Math.sqrt(variance + epsilon);
    for (let i = 0; i < d; i++) {
      out[t * d + i] = (x[t * d + i]! - mean) * scale * weight[i]! + bias[i]!;
    }
  }
  return out;
}

const zeroTensors = new WeakMap<Float32Array, boolean>();

/** Whether every value is 0 (remembered per array: weights do not change). */
function allZero(values: Float32Array): boolean {
  let zero = zeroTensors.get(values);
  if (zero === undefined) {
    zero = values.every((value) => value === 0);
    zeroTensors.set(values, zero);
  }
  return zero;
}

/** Causal multi-head attention: the heads' outputs side by side [T, d], before c_proj. */
function attend(
  config: Gpt2Config,
  block: Record<BlockTensor, Float32Array>,
  x: Float32Array,
): Float32Array {
  const { embd: d, heads, epsilon } = config;
  const tokens = x.length / d;
  const headSize = d / heads;
  const merged = new Float32Array(tokens * d);
  // All-zero attention weights (the demo model's later blocks) give zero values: skip the work.
  if (allZero(block['attn.c_attn.weight']) && allZero(block['attn.c_attn.bias'])) return merged;
  const a = layerNorm(x, block['ln_1.weight'], block['ln_1.bias'], epsilon);
  const qkv = linear(a, block['attn.c_attn.weight'], block['attn.c_attn.bias'], tokens, d);
  const scores = new Float64Array(tokens);
  const scale = 1 / Math.sqrt(headSize);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < tokens; i++) {
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let e = 0; e < headSize; e++) {
          dot += qkv[i * 3 * d + h * headSize + e]! * qkv[j * 3 * d + d + h * headSize + e]!;
        }
        scores[j] = dot * scale;
        if (scores[j]! > max) max = scores[j]!;
      }
      let sum = 0;
      for (let j = 0; j <= i; j++) {
        scores[j] = Math.exp(scores[j]! - max);
        sum += scores[j]!;
      }
      for (let j = 0; j <= i; j++) {
        const p = scores[j]! / sum;
        for (let e = 0; e < headSize; e++) {
          const at = i * d + h * headSize + e;
          merged[at] = merged[at]! + p * qkv[j * 3 * d + 2 * d + h * headSize + e]!;
        }
      }
    }
  }
  return merged;
}

/** One block: the residual stream after it, and its MLP neurons' activations [T, n]. */
export function forwardBlock(
  config: Gpt2Config,
  block: Record<BlockTensor, Float32Array>,
  x: Float32Array,
): { y: Float32Array; hidden: Float32Array } {
  const { embd: d, inner: n, epsilon } = config;
  const tokens = x.length / d;
  const merged = attend(config, block, x);
  const attended = linear(
    merged,
    block['attn.c_proj.weight'],
    block['attn.c_proj.bias'],
    tokens,
    d,
  );
  const x1 = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) x1[i] = x[i]! + attended[i]!;
  const m = layerNorm(x1, block['ln_2.weight'], block['ln_2.bias'], epsilon);
  const hidden = linear(m, block['mlp.c_fc.weight'], block['mlp.c_fc.bias'], tokens, d);
  for (let i = 0; i < hidden.length; i++) hidden[i] = gelu(hidden[i]!);
  const projected = linear(hidden, block['mlp.c_proj.weight'], block['mlp.c_proj.bias'], tokens, n);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x1[i]! + projected[i]!;
  return { y, hidden };
}

/** The plain-TypeScript forward pass as a block executor for the runner (./runner.ts). */
export function typescriptExecutor(config: Gpt2Config): BlockExecutor {
  const n = config.inner;
  const floats = (tensor: RuntimeTensor) =>
    tensor.type === 'float16'
      ? f16ToF32(tensor.data as Uint16Array)
      : (tensor.data as Float32Array);
  return {
    async runBlock(feeds) {
      const block = Object.fromEntries(
        Object.entries(feeds).map(([name, tensor]) => [name, floats(tensor)]),
      ) as unknown as Record<BlockTensor, Float32Array>;
      const { y, hidden } = forwardBlock(config, block, feeds.x!.data as Float32Array);
      const k = Number((feeds.k!.data as BigInt64Array)[0]);
      const tokens = hidden.length / n;
      const topValues = new Float32Array(tokens * k);
      const topIndices = new BigInt64Array(tokens * k);
      const order = Array.from({ length: n }, (_, j) => j);
      for (let t = 0; t < tokens; t++) {
        const row = hidden.subarray(t * n, (t + 1) * n);
        order.sort((a, b) => row[b]! - row[a]! || a - b);
        for (let j = 0; j < k; j++) {
          topValues[t * k + j] = row[order[j]!]!;
          topIndices[t * k + j] = BigInt(order[j]!);
        }
      }
      return { y, hidden, topValues, topIndices } satisfies BlockOutputs;
    },
  };
}

/** Every block's MLP activations for token ids, [layer][T x n] (the demo's records). */
export function forwardActivations(weights: Gpt2Weights, x: Float32Array): Float32Array[] {
  const out: Float32Array[] = [];
  let residual = x;
  for (const stored of weights.blocks) {
    const block = Object.fromEntries(
      Object.entries(stored).map(([name, tensor]) => [name, asFloat32(tensor)]),
    ) as Record<BlockTensor, Float32Array>;
    const { y, hidden } = forwardBlock(weights.config, block, residual);
    out.push(hidden);
    residual = y;
  }
  return out;
}
