/**
 * A loaded model ready to run texts: the weights, a block executor on some runtime, and what the
 * checkpoint was. The Node runner (src/node/model) and the browser worker (src/app/model) each
 * make one and answer every request with it.
 */
import type { CheckpointPlan, Gpt2Weights } from './checkpoint.ts';
import type { Gpt2Config } from './config.ts';
import {
  runActivations,
  type ActivationRun,
  type BlockExecutor,
  type RunOptions,
} from './runner.ts';
import type { WeightDtype } from './safetensors.ts';
import { DEFAULT_MAX_TOKENS, tokenizeText, tokenStrings } from './tokens.ts';

/** What was loaded, for the page to show and for checks against a dataset. */
export interface ModelInfo {
  config: Gpt2Config;
  /** The dtype the weights are kept in (F16 halves a large model's memory). */
  storage: WeightDtype;
  /** dtypes of the needed tensors in the file, e.g. ["F32"]. */
  fileDtypes: string[];
  parameters: number;
  /** Bytes of weights held in memory. */
  storedBytes: number;
  /** Size of the checkpoint file. */
  fileBytes: number;
  /** "transformer." or "". */
  prefix: string;
  /** Tensors the file holds that are not read (masks, the LM head, ln_f). */
  ignored: string[];
  /** Which runtime runs the blocks, e.g. "onnxruntime-node cpu" or "onnxruntime-web wasm". */
  backend: string;
}

export function modelInfo(plan: CheckpointPlan, backend: string): ModelInfo {
  return {
    config: plan.config,
    storage: plan.storage,
    fileDtypes: [...new Set(plan.needed.map((n) => n.entry.dtype))].sort(),
    parameters: plan.parameters,
    storedBytes: plan.storedBytes,
    fileBytes: plan.header.dataEnd,
    prefix: plan.prefix,
    ignored: plan.ignored,
    backend,
  };
}

export interface TextRunOptions extends RunOptions {
  /** Tokens read from the text; the rest is cut (default 64, at most the model's n_positions). */
  maxTokens?: number;
}

/** A run over a text: its tokens, and the activations RunOptions asked for. */
export interface TextActivations extends ActivationRun {
  tokenIds: number[];
  tokens: string[];
  /** Tokens in the whole text (more than tokenIds.length when it was cut). */
  totalTokens: number;
  truncated: boolean;
}

export class ModelSession {
  constructor(
    readonly weights: Gpt2Weights,
    readonly executor: BlockExecutor,
    readonly info: ModelInfo,
  ) {}

  get config(): Gpt2Config {
    return this.weights.config;
  }

  async runText(text: string, options: TextRunOptions = {}): Promise<TextActivations> {
    const limit = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, this.config.positions);
    const tokenized = tokenizeText(text, limit);
    const run = await runActivations(this.weights, this.executor, tokenized.tokenIds, options);
    return { ...tokenized, ...run };
  }

  /**
   * Several token sequences in one pass (each as if alone: its own positions, attention within
   * it only): one reading of the weights for all, which is most of a large model's time.
   */
  async runBatch(
    sequences: readonly (readonly number[])[],
    options: Omit<RunOptions, 'segments' | 'topOverText'> = {},
  ): Promise<TextActivations[]> {
    if (sequences.length === 0) return [];
    const segments = sequences.map((s) => s.length);
    const run = await runActivations(this.weights, this.executor, sequences.flat(), {
      ...options,
      segments,
    });
    const n = this.config.inner;
    let start = 0;
    return sequences.map((tokenIds) => {
      const end = start + tokenIds.length;
      const part: TextActivations = {
        tokenIds: [...tokenIds],
        tokens: tokenStrings(tokenIds),
        totalTokens: tokenIds.length,
        truncated: false,
        top: run.top.slice(start, end),
        neurons: run.neurons.map((neuron) => ({
          ...neuron,
          activations: neuron.activations.slice(start, end),
        })),
        topOverText: [],
        ...(run.activations
          ? { activations: run.activations.map((layer) => layer.slice(start * n, end * n)) }
          : {}),
        ms: run.ms,
      };
      start = end;
      return part;
    });
  }

  async runTokens(tokenIds: readonly number[], options: RunOptions = {}): Promise<TextActivations> {
    if (tokenIds.length > this.config.positions) {
      throw new RangeError(
        `${tokenIds.length} tokens: this model reads at most ${this.config.positions}`,
      );
    }
    const run = await runActivations(this.weights, this.executor, tokenIds, options);
    return {
      tokenIds: [...tokenIds],
      tokens: tokenStrings(tokenIds),
      totalTokens: tokenIds.length,
      truncated: false,
      ...run,
    };
  }
}
