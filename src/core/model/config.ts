/**
 * A GPT-2 checkpoint's config.json (Hugging Face's GPT2Config), read into the shape the runner
 * needs, and checked against the dataset whose neurons it should explain.
 */
import { ModelFileError } from './errors.ts';

export interface Gpt2Config {
  /** Blocks (`n_layer`). */
  layers: number;
  /** Attention heads per block (`n_head`). */
  heads: number;
  /** Width of the residual stream (`n_embd`). */
  embd: number;
  /** MLP neurons per block (`n_inner`, 4 x n_embd when absent or null). */
  inner: number;
  /** Longest input (`n_positions`, or the older `n_ctx`). */
  positions: number;
  vocab: number;
  /** `layer_norm_epsilon`, 1e-5 in every published GPT-2. */
  epsilon: number;
}

/** Activation functions that are GPT-2's tanh-form GELU (Hugging Face has two names for it). */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];

function positiveInteger(json: Record<string, unknown>, key: string, file: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ModelFileError(`"${key}" is ${JSON.stringify(value)}: a positive integer expected`, {
      file,
    });
  }
  return value;
}

export function parseGpt2Config(text: string, file = 'config.json'): Gpt2Config {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`not valid JSON (${(error as Error).message})`, { file });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFileError('not a JSON object', { file });
  }
  const config = json as Record<string, unknown>;
  if (config.model_type !== undefined && config.model_type !== 'gpt2') {
    throw new ModelFileError(
      `"model_type" is ${JSON.stringify(config.model_type)}: only GPT-2 checkpoints ("gpt2") are run`,
      { file },
    );
  }
  const activation = config.activation_function ?? 'gelu_new';
  if (typeof activation !== 'string' || !TANH_GELU.includes(activation)) {
    throw new ModelFileError(
      `"activation_function" is ${JSON.stringify(activation)}: GPT-2's tanh-form GELU ("gelu_new") expected`,
      { file },
    );
  }
  const layers = positiveInteger(config, 'n_layer', file);
  const heads = positiveInteger(config, 'n_head', file);
  const embd = positiveInteger(config, 'n_embd', file);
  const inner =
    config.n_inner === undefined || config.n_inner === null
      ? 4 * embd
      : positiveInteger(config, 'n_inner', file);
  const positions = positiveInteger(
    config,
    config.n_positions === undefined ? 'n_ctx' : 'n_positions',
    file,
  );
  const vocab = positiveInteger(config, 'vocab_size', file);
  const epsilon = config.layer_norm_epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon < 1)) {
    throw new ModelFileError(
      `"layer_norm_epsilon" is ${JSON.stringify(epsilon)}: a small positive number expected`,
      { file },
    );
  }
  if (embd % heads !== 0) {
    throw new ModelFileError(`"n_embd" ${embd} does not divide into "n_head" ${heads} heads`, {
      file,
    });
  }
  return { layers, heads, embd, inner, positions, vocab, epsilon };
}

/** What a dataset expects of its model: as many layers and neurons per layer as it has. */
export interface ModelShape {
  layers: number;
  neuronsPerLayer: number;
}

/**
 * Throws when the checkpoint cannot be the dataset's model: a different number of layers or of
 * MLP neurons per layer. `dataset` names the dataset in the message.
 */
export function checkConfigMatches(
  config: Gpt2Config,
  expected: ModelShape,
  { file, dataset }: { file: string; dataset: string },
): void {
  if (config.layers !== expected.layers || config.inner !== expected.neuronsPerLayer) {
    const format = (layers: number, neurons: number) =>
      `${layers} layers x ${neurons.toLocaleString('en-US')} MLP neurons`;
    throw new ModelFileError(
      `this model has ${format(config.layers, config.inner)}, but dataset "${dataset}" has ${format(expected.layers, expected.neuronsPerLayer)}: it is not the dataset's model`,
      { file },
    );
  }
}

/** A config.json for a shape (tests, benchmarks and the demo model write their own). */
export function gpt2ConfigJson(config: Gpt2Config, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    {
      activation_function: 'gelu_new',
      architectures: ['GPT2LMHeadModel'],
      layer_norm_epsilon: config.epsilon,
      model_type: 'gpt2',
      n_ctx: config.positions,
      n_embd: config.embd,
      n_head: config.heads,
      n_inner: config.inner === 4 * config.embd ? null : config.inner,
      n_layer: config.layers,
      n_positions: config.positions,
      vocab_size: config.vocab,
      ...extra,
    },
    null,
    2,
  )}\n`;
}
