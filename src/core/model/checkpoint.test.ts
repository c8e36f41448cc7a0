import { describe, expect, it } from 'vitest';
import { planCheckpoint, WeightSink } from './checkpoint.ts';
import { checkConfigMatches, gpt2ConfigJson, parseGpt2Config, type Gpt2Config } from './config.ts';
import { ModelFileError } from './errors.ts';
import { f16ToF32, f32ToF16, f32ToF16Bits } from './f16.ts';
import { readCheckpoint } from './load.ts';
import { parseSafetensorsHeader, readHeaderLength, serializeSafetensors } from './safetensors.ts';
import {
  syntheticTensorBytes,
  syntheticTensors,
  type SyntheticCheckpointOptions,
} from './synthetic.ts';

const config: Gpt2Config = {
  layers: 2,
  heads: 2,
  embd: 8,
  inner: 12,
  positions: 16,
  vocab: 40,
  epsilon: 1e-5,
};

function checkpoint(options: Partial<SyntheticCheckpointOptions> = {}): Uint8Array {
  const all: SyntheticCheckpointOptions = { config, dtype: 'F32', seed: 5, ...options };
  return serializeSafetensors(
    syntheticTensors(all).map((tensor) => {
      const parts = [...syntheticTensorBytes(tensor, all)];
      const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        data.set(part, at);
        at += part.length;
      }
      return { ...tensor, data };
    }),
  );
}

function header(bytes: Uint8Array, fileSize = bytes.length) {
  const length = readHeaderLength(bytes, 'model.safetensors', fileSize);
  return parseSafetensorsHeader(bytes.subarray(8, 8 + length), {
    file: 'model.safetensors',
    fileSize,
  });
}

/** A file with a hand-written header (for faults a writer would never make). */
function withHeader(json: unknown, data = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const fault = (run: () => unknown): ModelFileError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('no error');
};

describe('safetensors headers', () => {
  it('reads every tensor with its absolute byte range, in file order', () => {
    const bytes = checkpoint({ buffers: true, prefix: true });
    const parsed = header(bytes);
    expect(parsed.dataEnd).toBe(bytes.length);
    expect(parsed.dataStart % 8).toBe(0);
    const wte = parsed.tensors.find((t) => t.name === 'transformer.wte.weight')!;
    expect(wte.shape).toEqual([40, 8]);
    expect(wte.end - wte.begin).toBe(40 * 8 * 4);
    expect(parsed.tensors.map((t) => t.begin)).toEqual(
      [...parsed.tensors.map((t) => t.begin)].sort((a, b) => a - b),
    );
  });

  it('names the fault and the byte: not safetensors, bad JSON, unknown dtype, wrong size', () => {
    const notSafetensors = fault(() => readHeaderLength(new TextEncoder().encode('<html>..'), 'f'));
    expect(notSafetensors.message).toMatch(/^f, byte 0: not a safetensors file/);
    const json = new TextEncoder().encode('{"a": ');
    const bad = new Uint8Array(8 + json.length);
    new DataView(bad.buffer).setUint32(0, json.length, true);
    bad.set(json, 8);
    expect(fault(() => header(bad)).message).toMatch(/byte 8: the header is not valid JSON/);
    const dtype = withHeader(
      { w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } },
      new Uint8Array(1),
    );
    expect(fault(() => header(dtype)).message).toMatch(/tensor "w", byte 8: unknown dtype "Q4"/);
    const size = withHeader(
      { w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } },
      new Uint8Array(4),
    );
    expect(fault(() => header(size)).message).toMatch(
      /tensor "w", byte \d+: 4 bytes of data for a F32 tensor of shape \[2\] \(8 expected\)/,
    );
  });

  it('refuses overlapping ranges and bytes that belong to no tensor', () => {
    const overlap = withHeader(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    );
    expect(fault(() => header(overlap)).message).toMatch(/tensor "b".*overlap/);
    const gap = withHeader(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      },
      new Uint8Array(12),
    );
    expect(fault(() => header(gap)).message).toMatch(
      /tensor "b".*4 bytes before it belong to no tensor/,
    );
  });

  it('reports a truncated file with the first tensor it cuts into', () => {
    const bytes = checkpoint();
    const parsed = header(bytes);
    const last = parsed.tensors.at(-1)!;
    const error = fault(() => header(bytes, bytes.length - 3));
    expect(error.tensor).toBe(last.name);
    expect(error.offset).toBe(bytes.length - 3);
    expect(error.message).toContain(`the whole file should be ${bytes.length} bytes`);
  });
});

describe('config.json', () => {
  it('reads a published config, n_inner null meaning 4 x n_embd', () => {
    const parsed = parseGpt2Config(
      JSON.stringify({
        activation_function: 'gelu_new',
        model_type: 'gpt2',
        n_ctx: 1024,
        n_embd: 1600,
        n_head: 25,
        n_inner: null,
        n_layer: 48,
        n_positions: 1024,
        vocab_size: 50257,
        layer_norm_epsilon: 1e-5,
      }),
    );
    expect(parsed).toEqual({
      layers: 48,
      heads: 25,
      embd: 1600,
      inner: 6400,
      positions: 1024,
      vocab: 50257,
      epsilon: 1e-5,
    });
    expect(parseGpt2Config(gpt2ConfigJson(config))).toEqual(config);
  });

  it('says which key is wrong', () => {
    const base = JSON.parse(gpt2ConfigJson(config)) as Record<string, unknown>;
    const text = (change: Record<string, unknown>) => JSON.stringify({ ...base, ...change });
    expect(() => parseGpt2Config(text({ n_layer: 0 }))).toThrow(/"n_layer" is 0/);
    expect(() => parseGpt2Config(text({ activation_function: 'relu' }))).toThrow(
      /"activation_function" is "relu"/,
    );
    expect(() => parseGpt2Config(text({ model_type: 'llama' }))).toThrow(/"model_type" is "llama"/);
    expect(() => parseGpt2Config(text({ n_head: 3 }))).toThrow(/does not divide/);
    expect(() => parseGpt2Config('{', 'models/x/config.json')).toThrow(
      /^models\/x\/config\.json: not valid JSON/,
    );
  });

  it('matches a dataset by layers and neurons per layer', () => {
    expect(() =>
      checkConfigMatches(config, { layers: 2, neuronsPerLayer: 12 }, { file: 'c', dataset: 'd' }),
    ).not.toThrow();
    expect(() =>
      checkConfigMatches(
        config,
        { layers: 2, neuronsPerLayer: 32 },
        { file: 'c', dataset: 'demo' },
      ),
    ).toThrow(/2 layers x 12 MLP neurons, but dataset "demo" has 2 layers x 32/);
  });
});

describe('matching a checkpoint to its config', () => {
  it('finds tensors with or without the prefix and skips buffers, ln_f and extras', () => {
    for (const prefix of [false, true]) {
      const plan = planCheckpoint(header(checkpoint({ prefix, buffers: true })), config, {
        file: 'm',
      });
      expect(plan.prefix).toBe(prefix ? 'transformer.' : '');
      expect(plan.needed).toHaveLength(2 + 12 * config.layers);
      expect(plan.ignored.sort()).toEqual(
        [
          'h.0.attn.bias',
          'h.0.attn.masked_bias',
          'h.1.attn.bias',
          'h.1.attn.masked_bias',
          'ln_f.bias',
          'ln_f.weight',
        ].map((name) => (prefix ? `transformer.${name}` : name)),
      );
    }
  });

  it('names a missing tensor, a wrong shape and a dtype it cannot read', () => {
    const bytes = checkpoint();
    const parsed = header(bytes);
    const without = {
      ...parsed,
      tensors: parsed.tensors.filter((t) => t.name !== 'h.1.mlp.c_fc.bias'),
    };
    expect(() => planCheckpoint(without, config, { file: 'm' })).toThrow(
      /^m, tensor "h\.1\.mlp\.c_fc\.bias": missing/,
    );
    const wide = { ...config, inner: 16 };
    expect(() => planCheckpoint(parsed, wide, { file: 'm' })).toThrow(
      /tensor "h\.0\.mlp\.c_fc\.weight", byte \d+: shape \[8, 12\], but config\.json gives \[8, 16\]/,
    );
    const bf16 = {
      ...parsed,
      tensors: parsed.tensors.map((t) => (t.name === 'wpe.weight' ? { ...t, dtype: 'BF16' } : t)),
    };
    expect(() => planCheckpoint(bf16, config, { file: 'm' })).toThrow(
      /tensor "wpe\.weight", byte \d+: dtype BF16: the runner reads F32 or F16 weights/,
    );
  });

  it('keeps small F32 models exact and F16 files as F16', () => {
    expect(planCheckpoint(header(checkpoint()), config, { file: 'm' }).storage).toBe('F32');
    expect(
      planCheckpoint(header(checkpoint({ dtype: 'F16' })), config, { file: 'm' }).storage,
    ).toBe('F16');
  });
});

describe('the weight sink', () => {
  it('fills every tensor the same whatever the chunk size, converting across chunk edges', async () => {
    for (const dtype of ['F32', 'F16'] as const) {
      const bytes = checkpoint({ dtype, buffers: true });
      const results = [];
      for (const size of [1, 3, 7, 4096, bytes.length]) {
        for (const storage of ['F32', 'F16'] as const) {
          const { weights } = await readCheckpoint(
            { file: 'm', size: bytes.length, chunks: chunked(bytes, size) },
            config,
            { storage },
          );
          results.push({ size, storage, weights });
        }
      }
      const parsed = header(bytes);
      const entry = parsed.tensors.find((t) => t.name === 'h.1.mlp.c_proj.weight')!;
      const raw = bytes.slice(entry.begin, entry.end);
      const expectedF32 =
        dtype === 'F32' ? new Float32Array(raw.buffer) : f16ToF32(new Uint16Array(raw.buffer));
      for (const { storage, weights } of results) {
        const stored = weights.blocks[1]!['mlp.c_proj.weight'];
        expect(stored.dtype).toBe(storage);
        const values =
          storage === 'F32' ? (stored.data as Float32Array) : f16ToF32(stored.data as Uint16Array);
        const wanted = storage === 'F32' ? expectedF32 : f16ToF32(f32ToF16(expectedF32));
        expect([...values]).toEqual([...wanted]);
      }
    }
  });

  it('reports a stream that stops early with the tensor it stopped in', async () => {
    const bytes = checkpoint();
    const cut = bytes.subarray(0, bytes.length - 100);
    await expect(readCheckpoint({ file: 'm', chunks: chunked(cut, 1000) }, config)).rejects.toThrow(
      /tensor "[^"]+", byte \d+: truncated: the file ended at byte \d+/,
    );
    const sink = new WeightSink(planCheckpoint(header(bytes), config, { file: 'm' }));
    sink.push(bytes.subarray(0, 20));
    expect(() => sink.finish()).toThrow(ModelFileError);
  });
});

describe('half precision', () => {
  it('rounds to nearest even as IEEE 754 binary16 does', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect([...f16ToF32(Uint16Array.of(0x3c00, 0x0001, 0x7bff, 0xfc00))]).toEqual([
      1,
      2 ** -24,
      65504,
      -Infinity,
    ]);
  });
});
