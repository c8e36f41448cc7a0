/**
 * A GPT-2 checkpoint as Hugging Face publishes it: which tensors the runner needs (by the names
 * of GPT2Model, with or without the `transformer.` prefix of GPT2LMHeadModel), their shapes for a
 * config, and a sink that takes the file's bytes in order, as they stream in, and keeps only the
 * needed tensors: in F32 as stored, or narrowed to F16 to halve a large model's memory. Buffers
 * such as `h.N.attn.bias` (the causal mask), `lm_head.weight` and `ln_f.*` are not needed for the
 * MLP neurons and are skipped.
 */
import type { Gpt2Config } from './config.ts';
import { ModelFileError } from './errors.ts';
import { f16ToF32, f32ToF16 } from './f16.ts';
import type { SafetensorsHeader, TensorEntry, WeightDtype } from './safetensors.ts';

/** Each block's tensors, by their name after `h.{i}.`. */
export const BLOCK_TENSORS = [
  'ln_1.weight',
  'ln_1.bias',
  'attn.c_attn.weight',
  'attn.c_attn.bias',
  'attn.c_proj.weight',
  'attn.c_proj.bias',
  'ln_2.weight',
  'ln_2.bias',
  'mlp.c_fc.weight',
  'mlp.c_fc.bias',
  'mlp.c_proj.weight',
  'mlp.c_proj.bias',
] as const;
export type BlockTensor = (typeof BLOCK_TENSORS)[number];

/** A tensor kept in memory: F32 values, or F16 bits in a Uint16Array. */
export interface StoredTensor {
  dtype: WeightDtype;
  shape: number[];
  data: Float32Array | Uint16Array;
}

export interface Gpt2Weights {
  config: Gpt2Config;
  /** The dtype every tensor is kept in. */
  storage: WeightDtype;
  wte: StoredTensor;
  wpe: StoredTensor;
  blocks: Record<BlockTensor, StoredTensor>[];
}

/** The shape of each tensor of a block, for a config. */
export function blockTensorShapes(config: Gpt2Config): Record<BlockTensor, number[]> {
  const { embd: d, inner } = config;
  return {
    'ln_1.weight': [d],
    'ln_1.bias': [d],
    'attn.c_attn.weight': [d, 3 * d],
    'attn.c_attn.bias': [3 * d],
    'attn.c_proj.weight': [d, d],
    'attn.c_proj.bias': [d],
    'ln_2.weight': [d],
    'ln_2.bias': [d],
    'mlp.c_fc.weight': [d, inner],
    'mlp.c_fc.bias': [inner],
    'mlp.c_proj.weight': [inner, d],
    'mlp.c_proj.bias': [d],
  };
}

/** Each needed tensor's name (without prefix) and shape, for a config: what a file must hold. */
export function expectedTensors(config: Gpt2Config): { name: string; shape: number[] }[] {
  const { embd: d, vocab, positions } = config;
  const block = blockTensorShapes(config);
  const tensors = [
    { name: 'wte.weight', shape: [vocab, d] },
    { name: 'wpe.weight', shape: [positions, d] },
  ];
  for (let layer = 0; layer < config.layers; layer++) {
    for (const name of BLOCK_TENSORS)
      tensors.push({ name: `h.${layer}.${name}`, shape: block[name] });
  }
  return tensors;
}

export type StorageChoice = 'auto' | WeightDtype;

/**
 * Above this many parameters, `auto` keeps F32 weights as F16: gpt2 (124M) and gpt2-medium (355M)
 * stay exact, gpt2-large (774M) and gpt2-xl (1.5B) take half the memory (3.2 GB for XL).
 */
export const AUTO_F16_ABOVE_PARAMETERS = 400_000_000;

export interface CheckpointPlan {
  file: string;
  header: SafetensorsHeader;
  config: Gpt2Config;
  /** "transformer." or "". */
  prefix: string;
  storage: WeightDtype;
  /** The needed tensors in file order, each with its name without prefix. */
  needed: { name: string; entry: TensorEntry }[];
  /** Tensors in the file that the runner does not read (masks, the LM head, ln_f, extras). */
  ignored: string[];
  /** Bytes kept in memory once loaded. */
  storedBytes: number;
  parameters: number;
}

/**
 * Matches a file's tensors to the config: every needed tensor present with the right shape and a
 * dtype the runner reads (F32 or F16), else an error naming the tensor and its offset.
 */
export function planCheckpoint(
  header: SafetensorsHeader,
  config: Gpt2Config,
  { file, storage = 'auto' }: { file: string; storage?: StorageChoice },
): CheckpointPlan {
  const byName = new Map(header.tensors.map((entry) => [entry.name, entry]));
  const prefix =
    !byName.has('wte.weight') && byName.has('transformer.wte.weight') ? 'transformer.' : '';
  const needed: { name: string; entry: TensorEntry }[] = [];
  let parameters = 0;
  let f32Tensors = 0;
  for (const { name, shape } of expectedTensors(config)) {
    const entry = byName.get(prefix + name) ?? byName.get(name);
    if (!entry) {
      throw new ModelFileError(
        `missing: the config's ${config.layers}-layer GPT-2 needs it (shape [${shape.join(', ')}])`,
        { file, tensor: prefix + name },
      );
    }
    const where = { file, tensor: entry.name, offset: entry.begin };
    if (entry.dtype !== 'F32' && entry.dtype !== 'F16') {
      throw new ModelFileError(`dtype ${entry.dtype}: the runner reads F32 or F16 weights`, where);
    }
    if (entry.shape.length !== shape.length || entry.shape.some((size, i) => size !== shape[i])) {
      throw new ModelFileError(
        `shape [${entry.shape.join(', ')}], but config.json gives [${shape.join(', ')}]`,
        where,
      );
    }
    if (entry.dtype === 'F32') f32Tensors++;
    parameters += shape.reduce((a, b) => a * b, 1);
    needed.push({ name, entry });
  }
  needed.sort((a, b) => a.entry.begin - b.entry.begin);
  const neededNames = new Set(needed.map((n) => n.entry.name));
  const ignored = header.tensors.map((t) => t.name).filter((name) => !neededNames.has(name));
  // F16 files stay F16 (widening would double memory for nothing); F32 ones stay exact unless large.
  const chosen: WeightDtype =
    storage !== 'auto'
      ? storage
      : f32Tensors === 0 || parameters > AUTO_F16_ABOVE_PARAMETERS
        ? 'F16'
        : 'F32';
  return {
    file,
    header,
    config,
    prefix,
    storage: chosen,
    needed,
    ignored,
    storedBytes: parameters * (chosen === 'F32' ? 4 : 2),
    parameters,
  };
}

/** Bytes kept back between chunks when a converted element straddles two of them. */
const MAX_ELEMENT = 4;

/**
 * Takes a checkpoint file's bytes in order (from byte 0, the header included, in chunks of any
 * size) and fills the needed tensors, converting each to the plan's storage dtype. Memory: the
 * stored weights and one chunk-sized scratch buffer, never the file.
 */
export class WeightSink {
  readonly plan: CheckpointPlan;
  private position = 0;
  private next = 0;
  private readonly stored = new Map<string, StoredTensor>();
  private readonly carry = new Uint8Array(MAX_ELEMENT);
  private carried = 0;
  private scratch = new Uint8Array(0);

  constructor(plan: CheckpointPlan) {
    this.plan = plan;
    for (const { name, entry } of plan.needed) {
      const elements = entry.shape.reduce((a, b) => a * b, 1);
      this.stored.set(name, {
        dtype: plan.storage,
        shape: entry.shape,
        data: plan.storage === 'F32' ? new Float32Array(elements) : new Uint16Array(elements),
      });
    }
  }

  /** Bytes of the file taken so far. */
  get bytes(): number {
    return this.position;
  }

  /** Bytes of the file that hold needed tensors (where the sink is done). */
  get neededEnd(): number {
    return this.plan.needed.at(-1)?.entry.end ?? this.plan.header.dataStart;
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const tensor = this.plan.needed[this.next];
      if (!tensor) {
        this.position += chunk.length - offset;
        return;
      }
      const { entry } = tensor;
      if (this.position < entry.begin) {
        const skip = Math.min(entry.begin - this.position, chunk.length - offset);
        offset += skip;
        this.position += skip;
        continue;
      }
      const take = Math.min(entry.end - this.position, chunk.length - offset);
      this.write(tensor.name, entry, chunk.subarray(offset, offset + take));
      offset += take;
      this.position += take;
      if (this.position === entry.end) this.next++;
    }
  }

  private write(name: string, entry: TensorEntry, bytes: Uint8Array): void {
    const target = this.stored.get(name)!;
    const at = this.position - entry.begin;
    if (entry.dtype === target.dtype) {
      new Uint8Array(target.data.buffer, target.data.byteOffset, target.data.byteLength).set(
        bytes,
        at,
      );
      return;
    }
    const size = entry.dtype === 'F32' ? 4 : 2;
    let offset = 0;
    if (this.carried > 0) {
      const fill = Math.min(size - this.carried, bytes.length);
      this.carry.set(bytes.subarray(0, fill), this.carried);
      this.carried += fill;
      offset = fill;
      if (this.carried < size) return;
      this.convert(entry.dtype, this.carry.subarray(0, size), target, (at - (size - fill)) / size);
      this.carried = 0;
    }
    const whole = Math.floor((bytes.length - offset) / size) * size;
    if (whole > 0) {
      if (this.scratch.length < whole) this.scratch = new Uint8Array(Math.max(whole, 1 << 20));
      // A copy into an aligned buffer: the chunk's bytes may start at any address.
      this.scratch.set(bytes.subarray(offset, offset + whole));
      this.convert(entry.dtype, this.scratch.subarray(0, whole), target, (at + offset) / size);
    }
    const rest = bytes.length - offset - whole;
    if (rest > 0) {
      this.carry.set(bytes.subarray(offset + whole));
      this.carried = rest;
    }
  }

  private convert(from: string, bytes: Uint8Array, target: StoredTensor, element: number): void {
    if (from === 'F32') {
      const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      f32ToF16(floats, (target.data as Uint16Array).subarray(element, element + floats.length));
    } else {
      const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      f16ToF32(halves, (target.data as Float32Array).subarray(element, element + halves.length));
    }
  }

  /** The weights, once every needed byte has come; else an error naming where the file stopped. */
  finish(): Gpt2Weights {
    const missing = this.plan.needed[this.next];
    if (missing) {
      throw new ModelFileError(
        `truncated: the file ended at byte ${this.position}, inside or before this tensor (bytes ${missing.entry.begin}-${missing.entry.end}; the whole file should be ${this.plan.header.dataEnd} bytes)`,
        { file: this.plan.file, tensor: missing.entry.name, offset: this.position },
      );
    }
    const get = (name: string) => this.stored.get(name)!;
    return {
      config: this.plan.config,
      storage: this.plan.storage,
      wte: get('wte.weight'),
      wpe: get('wpe.weight'),
      blocks: Array.from({ length: this.plan.config.layers }, (_, layer) =>
        Object.fromEntries(BLOCK_TENSORS.map((name) => [name, get(`h.${layer}.${name}`)])),
      ) as Record<BlockTensor, StoredTensor>[],
    };
  }
}

/** A stored tensor's values as F32 (a view when stored as F32, a widened copy when F16). */
export function asFloat32(tensor: StoredTensor): Float32Array {
  return tensor.dtype === 'F32'
    ? (tensor.data as Float32Array)
    : f16ToF32(tensor.data as Uint16Array);
}
