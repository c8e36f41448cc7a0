/**
 * Running GPT-2 over a text for its MLP neurons, whatever executes the block graph (onnxruntime
 * in Node, onnxruntime-web in the browser): tokens are embedded here, each block runs as one call
 * of the block graph (./graph.ts) with that block's weights, and the per-block top K are merged
 * into each token's top K over all layers. Only what a caller asks for is kept: the top K, the
 * chosen neurons' values, and all activations only on request (79 MB for 64 tokens of gpt2-xl).
 */
import { BLOCK_TENSORS, type Gpt2Weights, type StoredTensor } from './checkpoint.ts';
import { f16ToF32 } from './f16.ts';
import { causalMask } from './graph.ts';
import { now } from './platform.ts';

/** A tensor handed to or returned by the runtime, in onnxruntime's terms. */
export interface RuntimeTensor {
  type: 'float32' | 'float16' | 'int64';
  data: Float32Array | Uint16Array | BigInt64Array;
  dims: number[];
}

/** What the runner needs of a runtime: run the block graph once. */
export interface BlockExecutor {
  /** Runs the block graph with these feeds; resolves to its four outputs. */
  runBlock(feeds: Record<string, RuntimeTensor>): Promise<BlockOutputs>;
}

export interface BlockOutputs {
  y: Float32Array;
  hidden: Float32Array;
  topValues: Float32Array;
  topIndices: BigInt64Array | Int32Array;
}

export interface NeuronRef {
  layer: number;
  neuron: number;
}

export interface NeuronActivation extends NeuronRef {
  activation: number;
}

export interface RunOptions {
  /** Per token, its K strongest neurons over all layers (0 for none). Default 10. */
  top?: number;
  /** Neurons whose activation at every token is wanted. */
  neurons?: readonly NeuronRef[];
  /** The M neurons with the largest activation anywhere in the text (0 for none). Default 0. */
  topOverText?: number;
  /** Keep every neuron's activation (one Float32Array [tokens x neurons] per layer). */
  keepActivations?: boolean;
  /**
   * Lengths of several texts laid one after another in `tokenIds` (summing to its length): each
   * is run as if alone (its own positions, attention within it only), in one pass.
   */
  segments?: readonly number[];
  /** Called after each block, e.g. for a progress bar. */
  onLayer?: (done: number, layers: number) => void;
  signal?: AbortSignal;
}

export interface NeuronOverText extends NeuronActivation {
  /** Where in the text the neuron is strongest. */
  token: number;
}

export interface ActivationRun {
  /** For each token, its strongest neurons over all layers, strongest first. */
  top: NeuronActivation[][];
  /** Each asked-for neuron's activation at each token. */
  neurons: (NeuronRef & { activations: number[] })[];
  /** The neurons that fire most anywhere in the text, strongest first. */
  topOverText: NeuronOverText[];
  /** Every neuron's activation, per layer [tokens x neurons], when asked for. */
  activations?: Float32Array[];
  /** Milliseconds for the whole run. */
  ms: number;
}

export class RunAbortedError extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'RunAbortedError';
  }
}

/**
 * The inputs [T, d] for token ids: token embedding plus position embedding, in F32. With
 * `segments`, each text's positions start again at 0.
 */
export function embedTokens(
  weights: Gpt2Weights,
  tokenIds: readonly number[],
  segments: readonly number[] = [tokenIds.length],
): Float32Array {
  const { embd: d, vocab, positions } = weights.config;
  const longest = Math.max(0, ...segments);
  if (longest > positions) {
    throw new RangeError(`${longest} tokens: this model reads at most ${positions}`);
  }
  const positionOf = new Int32Array(tokenIds.length);
  let at = 0;
  for (const length of segments) {
    for (let i = 0; i < length; i++) positionOf[at + i] = i;
    at += length;
  }
  const x = new Float32Array(tokenIds.length * d);
  const row = (tensor: StoredTensor, index: number) =>
    tensor.dtype === 'F32'
      ? (tensor.data as Float32Array).subarray(index * d, (index + 1) * d)
      : f16ToF32((tensor.data as Uint16Array).subarray(index * d, (index + 1) * d));
  tokenIds.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new RangeError(`token id ${id} at position ${t} is outside the vocabulary (${vocab})`);
    }
    const token = row(weights.wte, id);
    const position = row(weights.wpe, positionOf[t]!);
    for (let i = 0; i < d; i++) x[t * d + i] = token[i]! + position[i]!;
  });
  return x;
}

/** Keeps the K largest of a stream of (value, item) pairs. */
class TopList<T> {
  readonly values: number[] = [];
  readonly items: T[] = [];
  constructor(private readonly size: number) {}

  offer(value: number, item: () => T): void {
    if (this.size === 0) return;
    if (this.values.length === this.size && value <= this.values[this.size - 1]!) return;
    let at = this.values.length;
    while (at > 0 && this.values[at - 1]! < value) at--;
    this.values.splice(at, 0, value);
    this.items.splice(at, 0, item());
    if (this.values.length > this.size) {
      this.values.pop();
      this.items.pop();
    }
  }
}

/** Runs the model over token ids; see RunOptions for what comes back. */
export async function runActivations(
  weights: Gpt2Weights,
  executor: BlockExecutor,
  tokenIds: readonly number[],
  options: RunOptions = {},
): Promise<ActivationRun> {
  const started = now();
  const { layers, embd: d, inner: n } = weights.config;
  const tokens = tokenIds.length;
  if (tokens === 0) {
    return {
      top: [],
      neurons: [],
      topOverText: [],
      ms: 0,
      ...(options.keepActivations ? { activations: [] } : {}),
    };
  }
  const k = Math.max(1, Math.min(n, options.top ?? 10));
  const wantTop = (options.top ?? 10) > 0;
  for (const { layer, neuron } of options.neurons ?? []) {
    if (!(Number.isInteger(layer) && layer >= 0 && layer < layers)) {
      throw new RangeError(`layer ${layer}: the model has layers 0-${layers - 1}`);
    }
    if (!(Number.isInteger(neuron) && neuron >= 0 && neuron < n)) {
      throw new RangeError(`neuron ${neuron}: layers have neurons 0-${n - 1}`);
    }
  }
  const perToken = Array.from(
    { length: tokens },
    () => new TopList<NeuronActivation>(wantTop ? k : 0),
  );
  const overText = new TopList<NeuronOverText>(options.topOverText ?? 0);
  const chosen = (options.neurons ?? []).map((ref) => ({
    layer: ref.layer,
    neuron: ref.neuron,
    activations: new Array<number>(tokens).fill(0),
  }));
  const activations: Float32Array[] = [];
  const segments = options.segments ?? [tokens];
  if (segments.reduce((a, b) => a + b, 0) !== tokens) {
    throw new RangeError(
      `segments add up to ${segments.reduce((a, b) => a + b, 0)}, not ${tokens} tokens`,
    );
  }
  const mask: RuntimeTensor = {
    type: 'float32',
    data: causalMask(segments),
    dims: [tokens, tokens],
  };
  const kTensor: RuntimeTensor = { type: 'int64', data: BigInt64Array.of(BigInt(k)), dims: [1] };
  let x = embedTokens(weights, tokenIds, segments);

  for (let layer = 0; layer < layers; layer++) {
    if (options.signal?.aborted) throw new RunAbortedError();
    const block = weights.blocks[layer]!;
    const feeds: Record<string, RuntimeTensor> = {
      x: { type: 'float32', data: x, dims: [tokens, d] },
      mask,
      k: kTensor,
    };
    for (const name of BLOCK_TENSORS) {
      const tensor = block[name];
      feeds[name] = {
        type: tensor.dtype === 'F32' ? 'float32' : 'float16',
        data: tensor.data,
        dims: tensor.shape,
      };
    }
    const out = await executor.runBlock(feeds);
    x = out.y;
    if (wantTop) {
      for (let t = 0; t < tokens; t++) {
        const list = perToken[t]!;
        for (let j = 0; j < k; j++) {
          const value = out.topValues[t * k + j]!;
          const neuron = Number(out.topIndices[t * k + j]!);
          list.offer(value, () => ({ layer, neuron, activation: value }));
        }
      }
    }
    for (const neuron of chosen) {
      if (neuron.layer !== layer) continue;
      for (let t = 0; t < tokens; t++) neuron.activations[t] = out.hidden[t * n + neuron.neuron]!;
    }
    if ((options.topOverText ?? 0) > 0) {
      for (let j = 0; j < n; j++) {
        let best = -Infinity;
        let at = 0;
        for (let t = 0; t < tokens; t++) {
          const value = out.hidden[t * n + j]!;
          if (value > best) {
            best = value;
            at = t;
          }
        }
        overText.offer(best, () => ({ layer, neuron: j, activation: best, token: at }));
      }
    }
    if (options.keepActivations) activations.push(out.hidden);
    options.onLayer?.(layer + 1, layers);
  }
  return {
    top: perToken.map((list) => list.items),
    neurons: chosen,
    topOverText: overText.items,
    ...(options.keepActivations ? { activations } : {}),
    ms: now() - started,
  };
}
