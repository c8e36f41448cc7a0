/**
 * The demo's model: a small GPT-2 in Hugging Face's format (4 blocks, width 64, 4 heads, 32 MLP
 * neurons a block, GPT-2's vocabulary of 50,257 tokens so that GPT-2's tokenizer reads text for
 * it), whose weights are built so that each of its 128 neurons has its planted behaviour
 * (./behaviours.ts). The demo dataset's records are what this model computes (./generate.ts), so
 * that the model runner, in the browser or the CLI, agrees with the demo's records with no
 * network. Deterministic: the same bytes on every run.
 *
 * How the behaviours get into weights:
 * - Each token's embedding holds its token-level features: for every behaviour that can be told
 *   from the token alone (months, numbers, brackets, weather words, ...), the strength that
 *   behaviour gives the token on its own; a few more (a word, capitalized, "the", "of", a
 *   sentence end, a question word, a code-like token); random per-token values (each neuron's own
 *   liking for some words, and rare spikes: tokens that set off a neuron for no planted reason);
 *   and two large constant components that keep LayerNorm's scale steady, so that it is close to
 *   linear on the rest.
 * - Position embeddings hold "first position", a decay over the first tokens, and sines and
 *   cosines of six frequencies.
 * - Block 0's attention has a previous-token head (queries are the position rotated back by one,
 *   so each token attends to the one before it: "the word after 'the'", "the start of a
 *   sentence") and a head that attends evenly to everything so far (how code-like the text is).
 * - Each MLP neuron reads its behaviour's features with a gain (a conjunction such as "after
 *   'the' and a word" is the sum of both less one, which GELU cuts off below), a resting bias, and
 *   random weights on the random features. Its output is written only into the random features,
 *   where later blocks read it as noise, more of it the deeper they are.
 */
import { decode } from 'gpt-tokenizer/encoding/r50k_base';
import {
  BLOCK_TENSORS,
  type BlockTensor,
  type Gpt2Weights,
  type StoredTensor,
} from '../model/checkpoint.ts';
import { gpt2ConfigJson, type Gpt2Config } from '../model/config.ts';
import { serializeSafetensors } from '../model/safetensors.ts';
import { tokenViews } from '../simulation/baseline.ts';
import { BEHAVIOURS, type Behaviour, type DemoWindow } from './behaviours.ts';
import { hashString, Random } from '../random/random.ts';

export const DEMO_MODEL_CONFIG: Gpt2Config = {
  layers: 4,
  heads: 4,
  embd: 64,
  inner: 32,
  positions: 128,
  vocab: 50257,
  epsilon: 1e-5,
};

/** Behaviours that depend on the tokens around: built from other features, not read per token. */
const CONTEXTUAL = new Set(['after-the', 'after-of', 'capitalized', 'sentence-start', 'position']);
const TOKEN_BEHAVIOURS = BEHAVIOURS.filter((b) => !CONTEXTUAL.has(b.id));

/** Token-level features beyond the behaviours' own. */
const EXTRA_FEATURES = [
  'word',
  'capital',
  'question-word',
  'the',
  'of',
  'sentence-end',
  'code-like',
] as const;
type ExtraFeature = (typeof EXTRA_FEATURES)[number];

const NOISE_DIMS = 16;
const FREQUENCIES = [0.2781, 0.4557, 1.2105, 1.3042, 1.9975, 2.6558];

/** Where each feature sits in the residual stream (64 dimensions). */
export const DEMO_DIMS = (() => {
  let next = 0;
  const take = () => next++;
  const anchor = [take(), take()] as const;
  const behaviour = Object.fromEntries(TOKEN_BEHAVIOURS.map((b) => [b.id, take()])) as Record<
    string,
    number
  >;
  const extra = Object.fromEntries(EXTRA_FEATURES.map((f) => [f, take()])) as Record<
    ExtraFeature,
    number
  >;
  const first = take();
  const start = take();
  const rotary = FREQUENCIES.map(() => [take(), take()] as const);
  const previous = { the: take(), of: take(), sentenceEnd: take() };
  const codeContext = take();
  const noise = Array.from({ length: NOISE_DIMS }, take);
  if (next !== DEMO_MODEL_CONFIG.embd) throw new Error(`demo model: ${next} dimensions laid out`);
  return { anchor, behaviour, extra, first, start, rotary, previous, codeContext, noise };
})();

const ANCHOR = 6;
/** Spread of the random per-token features, and how often one spikes. */
const NOISE_SPREAD = 0.35;
const SPIKE_RATE = 0.005;
const SPIKE = 2.5;
/** Only rarer tokens spike (ids follow BPE's merge order: low ids are the common tokens). */
const SPIKES_FROM_ID = 5000;
/** Query scale of the previous-token head: softmax margin of about 14 (see FREQUENCIES). */
const PREVIOUS_TOKEN_SCALE = 4.2;

const isWordToken = (token: string) => /^\s?[A-Za-z]/.test(token);
const CODE_LIKE = /[(){}[\];=_]|=>|^\n[ \t]+$|^[ \t]{2,}$/;
const CODE_WORDS = new Set([
  'def',
  'return',
  'const',
  'let',
  'function',
  'import',
  'lambda',
  'elif',
]);

/** A token's token-level feature values, by dimension (anchors and noise aside). */
function tokenFeatures(token: string): Map<number, number> {
  const features = new Map<number, number>();
  const window: DemoWindow = { tokens: [token], views: tokenViews([token]), code: [true] };
  for (const behaviour of TOKEN_BEHAVIOURS) {
    const value = behaviour.strength(window, 0, () => 1);
    if (value !== 0) features.set(DEMO_DIMS.behaviour[behaviour.id]!, value);
  }
  const text = token.trim();
  const lower = text.toLowerCase();
  const extra: Record<ExtraFeature, boolean> = {
    word: isWordToken(token),
    capital: isWordToken(token) && /^[A-Z]/.test(text),
    'question-word': /^(how|why|what|where|when|can|do|did|who)$/.test(lower) && isWordToken(token),
    the: lower === 'the',
    of: lower === 'of',
    'sentence-end': /[.!?]["']?\s*$/.test(token) || token.includes('\n'),
    'code-like': CODE_LIKE.test(token) || CODE_WORDS.has(lower),
  };
  for (const feature of EXTRA_FEATURES) {
    if (extra[feature]) features.set(DEMO_DIMS.extra[feature], 1);
  }
  return features;
}

/** How a behaviour's neuron reads the residual stream: weights per dimension (times its gain). */
function reads(behaviour: Behaviour): { weights: Map<number, number>; offset: number } {
  const weights = new Map<number, number>();
  let offset = 0;
  const add = (dim: number, weight: number) => weights.set(dim, (weights.get(dim) ?? 0) + weight);
  for (const id of behaviour.id.split('+')) {
    const { extra, previous, first } = DEMO_DIMS;
    switch (id) {
      case 'after-the':
      case 'after-of':
        add(id === 'after-the' ? previous.the : previous.of, 1);
        add(extra.word, 1);
        add(first, -1);
        offset -= 1;
        break;
      case 'capitalized':
        add(extra.capital, 0.8);
        add(previous.sentenceEnd, -0.8);
        add(first, -0.8);
        break;
      case 'sentence-start':
        add(previous.sentenceEnd, 0.9);
        add(extra.word, 0.9);
        add(first, -0.9);
        offset -= 0.9;
        break;
      case 'position':
        add(DEMO_DIMS.start, 1);
        break;
      case 'questions':
        add(DEMO_DIMS.behaviour.questions!, 1.45);
        add(extra['question-word'], 0.9);
        add(previous.sentenceEnd, 0.45);
        add(first, -0.45);
        offset -= 0.45;
        break;
      case 'code':
        // Keywords and operators, but only where the text so far is code-like.
        add(DEMO_DIMS.behaviour.code!, 1);
        add(DEMO_DIMS.codeContext, 3);
        offset -= 0.75;
        break;
      case 'near-dead':
        break;
      default:
        add(DEMO_DIMS.behaviour[id]!, 1);
    }
  }
  return { weights, offset };
}

/** What the model needs of each planted neuron (see PlannedNeuron in ./generate.ts). */
export interface DemoNeuronPlan {
  layer: number;
  neuron: number;
  behaviour: Behaviour;
  gain: number;
  base: number;
  noise: number;
  strayRate: number;
  seed: number;
}

const zeros = (n: number) => new Float32Array(n);
const tensor = (data: Float32Array, shape: number[]): StoredTensor => ({
  dtype: 'F32',
  shape,
  data,
});

/** Per-token random features: a normal spread, and now and then a spike. */
function tokenNoise(id: number, out: Float32Array, offset: number): void {
  const random = new Random(hashString(`demo token ${id}`));
  for (const dim of DEMO_DIMS.noise) {
    const spike = id >= SPIKES_FROM_ID && random.next() < SPIKE_RATE;
    out[offset + dim] = NOISE_SPREAD * random.normal() + (spike ? SPIKE : 0);
  }
}

/** The demo model's weights for the planted neurons (every neuron of every layer, in order). */
export function demoModelWeights(plans: readonly DemoNeuronPlan[]): Gpt2Weights {
  const { layers, embd: d, inner: n, vocab, positions } = DEMO_MODEL_CONFIG;

  const wte = zeros(vocab * d);
  for (let id = 0; id < vocab; id++) {
    const at = id * d;
    wte[at + DEMO_DIMS.anchor[0]] = ANCHOR;
    wte[at + DEMO_DIMS.anchor[1]] = -ANCHOR;
    for (const [dim, value] of tokenFeatures(decode([id]))) wte[at + dim] = value;
    tokenNoise(id, wte, at);
  }
  const wpe = zeros(positions * d);
  for (let p = 0; p < positions; p++) {
    const at = p * d;
    wpe[at + DEMO_DIMS.first] = p === 0 ? 1 : 0;
    wpe[at + DEMO_DIMS.start] = Math.exp(-p / 2);
    FREQUENCIES.forEach((theta, f) => {
      wpe[at + DEMO_DIMS.rotary[f]![0]] = Math.cos(p * theta);
      wpe[at + DEMO_DIMS.rotary[f]![1]] = Math.sin(p * theta);
    });
  }

  // LayerNorm's scale: the embeddings' spread, steady across tokens thanks to the anchors.
  let variance = 0;
  const sample = 4096;
  for (let s = 0; s < sample; s++) {
    const id = (s * 12289) % vocab;
    const p = s % positions;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += wte[id * d + i]! + wpe[p * d + i]!;
    mean /= d;
    for (let i = 0; i < d; i++) variance += (wte[id * d + i]! + wpe[p * d + i]! - mean) ** 2 / d;
  }
  const scale = Math.sqrt(variance / sample);
  const norm = () => tensor(zeros(d).fill(scale), [d]);

  const blocks: Record<BlockTensor, StoredTensor>[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const attn = zeros(d * 3 * d);
    const attnProj = zeros(d * d);
    if (layer === 0) {
      const headSize = d / DEMO_MODEL_CONFIG.heads;
      const q = (col: number) => col;
      const k = (col: number) => d + col;
      const v = (col: number) => 2 * d + col;
      // Head 0 attends to the previous token: q_i . k_j = sum cos((i - 1 - j) theta).
      FREQUENCIES.forEach((theta, f) => {
        const [c, s] = DEMO_DIMS.rotary[f]!;
        const x = 2 * f;
        const y = 2 * f + 1;
        const a = PREVIOUS_TOKEN_SCALE;
        attn[c * 3 * d + q(x)] = a * Math.cos(theta);
        attn[s * 3 * d + q(x)] = a * Math.sin(theta);
        attn[c * 3 * d + q(y)] = -a * Math.sin(theta);
        attn[s * 3 * d + q(y)] = a * Math.cos(theta);
        attn[c * 3 * d + k(x)] = a;
        attn[s * 3 * d + k(y)] = a;
      });
      const copies: [number, number][] = [
        [DEMO_DIMS.extra.the, DEMO_DIMS.previous.the],
        [DEMO_DIMS.extra.of, DEMO_DIMS.previous.of],
        [DEMO_DIMS.extra['sentence-end'], DEMO_DIMS.previous.sentenceEnd],
      ];
      copies.forEach(([from, to], e) => {
        attn[from * 3 * d + v(e)] = 1;
        attnProj[e * d + to] = 1;
      });
      // Head 1 attends evenly (no query): the share of code-like tokens so far.
      attn[DEMO_DIMS.extra['code-like'] * 3 * d + v(headSize)] = 1;
      attnProj[headSize * d + DEMO_DIMS.codeContext] = 1;
    }

    const fc = zeros(d * n);
    const fcBias = zeros(n);
    const proj = zeros(n * d);
    for (const plan of plans.filter((p) => p.layer === layer)) {
      const random = new Random(plan.seed ^ 0x3c6ef372);
      const { weights, offset } = reads(plan.behaviour);
      for (const [dim, weight] of weights) fc[dim * n + plan.neuron] = plan.gain * weight;
      fcBias[plan.neuron] = plan.base + plan.gain * offset;
      // A neuron's own liking for some words: random weights on the random features ...
      const spread = plan.noise * 1.2;
      for (const dim of DEMO_DIMS.noise) fc[dim * n + plan.neuron] = spread * random.normal();
      // ... and a spike feature that sets it off where nothing planted calls for it.
      const stray = DEMO_DIMS.noise[random.int(NOISE_DIMS)]!;
      const strength =
        plan.gain > 0 ? plan.gain * random.uniform(0.2, 0.7) : random.uniform(0.2, 0.4);
      fc[stray * n + plan.neuron] = ((plan.strayRate / 0.01) * strength) / SPIKE;
      for (const dim of DEMO_DIMS.noise) proj[plan.neuron * d + dim] = 0.04 * random.normal();
    }
    blocks.push({
      'ln_1.weight': norm(),
      'ln_1.bias': tensor(zeros(d), [d]),
      'attn.c_attn.weight': tensor(attn, [d, 3 * d]),
      'attn.c_attn.bias': tensor(zeros(3 * d), [3 * d]),
      'attn.c_proj.weight': tensor(attnProj, [d, d]),
      'attn.c_proj.bias': tensor(zeros(d), [d]),
      'ln_2.weight': norm(),
      'ln_2.bias': tensor(zeros(d), [d]),
      'mlp.c_fc.weight': tensor(fc, [d, n]),
      'mlp.c_fc.bias': tensor(fcBias, [n]),
      'mlp.c_proj.weight': tensor(proj, [n, d]),
      'mlp.c_proj.bias': tensor(zeros(d), [d]),
    });
  }
  return {
    config: DEMO_MODEL_CONFIG,
    storage: 'F32',
    wte: tensor(wte, [vocab, d]),
    wpe: tensor(wpe, [positions, d]),
    blocks,
  };
}

/** Changes whenever the demo model (and so the demo's records) would come out different. */
export const DEMO_MODEL_VERSION = 'neuron-explorer.demo-model/1';

export interface DemoModelFiles {
  config: string;
  weights: Uint8Array;
}

/** config.json and model.safetensors of the model, tensors under their published names. */
export function demoModelFiles(weights: Gpt2Weights): DemoModelFiles {
  const bytes = (t: StoredTensor) =>
    new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const d = weights.config.embd;
  const tensors = [
    { name: 'wte.weight', dtype: 'F32', shape: weights.wte.shape, data: bytes(weights.wte) },
    { name: 'wpe.weight', dtype: 'F32', shape: weights.wpe.shape, data: bytes(weights.wpe) },
    // The final norm every GPT-2 checkpoint holds (the neurons do not need it).
    { name: 'ln_f.weight', dtype: 'F32', shape: [d], data: bytes(tensor(zeros(d).fill(1), [d])) },
    { name: 'ln_f.bias', dtype: 'F32', shape: [d], data: bytes(tensor(zeros(d), [d])) },
  ];
  weights.blocks.forEach((block, layer) => {
    for (const name of BLOCK_TENSORS) {
      tensors.push({
        name: `h.${layer}.${name}`,
        dtype: 'F32',
        shape: block[name].shape,
        data: bytes(block[name]),
      });
    }
  });
  tensors.sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    config: gpt2ConfigJson(weights.config),
    weights: serializeSafetensors(tensors, { format: 'pt', generator: DEMO_MODEL_VERSION }),
  };
}
