/**
 * The GPT-2 block in TensorFlow.js ops, for measuring TF.js (wasm / webgpu backends) against
 * ONNX Runtime on the same work (bench/model-runtimes.ts, bench/model-browser.ts). Not used by
 * the product. Weights are uploaded to the backend once (resident), the best case for TF.js.
 */
import type * as Tf from '@tensorflow/tfjs-core';
import {
  BLOCK_TENSORS,
  type BlockTensor,
  type Gpt2Weights,
} from '../../src/core/model/checkpoint.ts';
import { f16ToF32 } from '../../src/core/model/f16.ts';
import type { BlockExecutor, RuntimeTensor } from '../../src/core/model/runner.ts';

export function tfjsExecutor(
  tf: typeof Tf,
  weights: Gpt2Weights,
): BlockExecutor & { dispose(): void } {
  const { embd: d, heads, epsilon } = weights.config;
  const headSize = d / heads;
  // Resident weights, one set per block, found by the identity of the block's typed arrays.
  const resident = new Map<unknown, Record<BlockTensor, Tf.Tensor>>();
  for (const block of weights.blocks) {
    const tensors = Object.fromEntries(
      BLOCK_TENSORS.map((name) => {
        const t = block[name];
        const values =
          t.dtype === 'F32' ? (t.data as Float32Array) : f16ToF32(t.data as Uint16Array);
        return [name, tf.tensor(values, t.shape, 'float32')];
      }),
    ) as Record<BlockTensor, Tf.Tensor>;
    resident.set(block['mlp.c_fc.weight'].data, tensors);
  }
  const layerNorm = (x: Tf.Tensor2D, w: Tf.Tensor, b: Tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), w),
      b,
    ) as Tf.Tensor2D;
  };
  const linear = (x: Tf.Tensor2D, w: Tf.Tensor, b: Tf.Tensor) =>
    tf.add(tf.matMul(x, w as Tf.Tensor2D), b) as Tf.Tensor2D;
  return {
    async runBlock(feeds: Record<string, RuntimeTensor>) {
      const w = resident.get(feeds['mlp.c_fc.weight']!.data)!;
      const tokens = feeds.x!.dims[0]!;
      const k = Number((feeds.k!.data as BigInt64Array)[0]);
      const [y, hidden, top] = tf.tidy(() => {
        const x = tf.tensor2d(feeds.x!.data as Float32Array, [tokens, d]);
        const mask = tf.tensor2d(feeds.mask!.data as Float32Array, [tokens, tokens]);
        const qkv = linear(
          layerNorm(x, w['ln_1.weight'], w['ln_1.bias']),
          w['attn.c_attn.weight'],
          w['attn.c_attn.bias'],
        );
        const [q, kk, v] = tf.split(qkv, 3, 1) as Tf.Tensor2D[];
        const heads3 = (t: Tf.Tensor2D) =>
          tf.transpose(tf.reshape(t, [tokens, heads, headSize]), [1, 0, 2]) as Tf.Tensor3D;
        const scores = tf.add(
          tf.mul(tf.matMul(heads3(q!), heads3(kk!), false, true), 1 / Math.sqrt(headSize)),
          mask,
        );
        const mixed = tf.matMul(tf.softmax(scores), heads3(v!));
        const merged = tf.reshape(tf.transpose(mixed, [1, 0, 2]), [tokens, d]) as Tf.Tensor2D;
        const x1 = tf.add(
          x,
          linear(merged, w['attn.c_proj.weight'], w['attn.c_proj.bias']),
        ) as Tf.Tensor2D;
        const pre = linear(
          layerNorm(x1, w['ln_2.weight'], w['ln_2.bias']),
          w['mlp.c_fc.weight'],
          w['mlp.c_fc.bias'],
        );
        const gate = tf.add(
          tf.tanh(tf.mul(tf.add(pre, tf.mul(tf.pow(pre, 3), 0.044715)), Math.sqrt(2 / Math.PI))),
          1,
        );
        const h = tf.mul(tf.mul(pre, 0.5), gate) as Tf.Tensor2D;
        const out = tf.add(x1, linear(h, w['mlp.c_proj.weight'], w['mlp.c_proj.bias']));
        const t = tf.topk(h, k);
        return [out, h, t] as const;
      });
      const [yData, hData, tv, ti] = await Promise.all([
        y.data(),
        hidden.data(),
        top.values.data(),
        top.indices.data(),
      ]);
      tf.dispose([y, hidden, top.values, top.indices]);
      return {
        y: yData as Float32Array,
        hidden: hData as Float32Array,
        topValues: tv as Float32Array,
        topIndices: ti as Int32Array,
      };
    },
    dispose() {
      for (const tensors of resident.values()) tf.dispose(Object.values(tensors));
    },
  };
}
