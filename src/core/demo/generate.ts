/**
 * The synthetic demo dataset: the activations of a small GPT-2-format model whose neurons have
 * planted behaviours (./model.ts), run over the demo corpus tokenized as GPT-2 does, written in
 * the published layout (explanations, activation records, related tokens and neurons). Each
 * 64-token record is what the model computes on those 64 tokens alone, so the model runner
 * reproduces the records from the demo model's files. Explanations and their scores come from
 * the project's own baseline explainer, baseline simulator and scorer. Seeded: the same bytes on
 * every run.
 *
 * The layout has realistic gaps: a neuron with no files, neurons with an explanation but no
 * records and the reverse, one with a malformed explanation file, one without related files.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';
import type {
  ActivationRecord,
  ConnectedNeurons,
  NeuronFileKind,
  NeuronFileTypes,
  NeuronId,
  NeuronRecord,
  NeuronRef,
  NeuronSimulationResults,
  RelatedNeurons,
  ScoredSimulation,
  SequenceSimulation,
  TokenLookupTableSummaryOfNeuron,
  WeightBasedSummaryOfNeuron,
} from '../format/types.ts';
import { neuronFilePath } from '../format/types.ts';
import { writeNeuronFile } from '../format/write.ts';
import { trainRecords } from '../scoring/splits.ts';
import { baselineExplain, baselineSimulator } from '../simulation/baseline.ts';
import { simulateAndScore } from '../simulation/simulate.ts';
import type { Gpt2Weights } from '../model/checkpoint.ts';
import { forwardActivations } from '../model/forward.ts';
import { embedTokens } from '../model/runner.ts';
import { BEHAVIOURS, NEAR_DEAD, POLYSEMANTIC, type Behaviour } from './behaviours.ts';
import { DEMO_DOCUMENTS } from './corpus.ts';
import { demoModelFiles, demoModelWeights, type DemoModelFiles } from './model.ts';
import { hashString, Random } from '../random/random.ts';

export const DEMO_DATASET = {
  id: 'demo',
  title: 'Synthetic demo (GPT-2 tokens)',
  model: 'demo',
  layers: 4,
  neuronsPerLayer: 32,
} as const;

/** A file of the dataset, by its path relative to the dataset folder. */
export interface DemoFile {
  path: string;
  text: string;
}

type NeuronKey = `${number}/${number}`;
const key = (layer: number, neuron: number): NeuronKey => `${layer}/${neuron}`;

/** The planted gaps, by "layer/neuron". */
export const DEMO_GAPS = {
  /** No file of any kind. */
  missing: ['2/17'] as NeuronKey[],
  /** An explanation file but no activation records. */
  noRecords: ['0/9', '3/4'] as NeuronKey[],
  /** Activation records but no explanation file. */
  noExplanation: ['1/12', '2/25'] as NeuronKey[],
  /** An explanation file that is not valid JSON (cut off mid-file). */
  malformedExplanation: ['1/5'] as NeuronKey[],
  /** No related-neurons or weight-based related-tokens file. */
  noRelated: ['3/30'] as NeuronKey[],
};

const RECORD_LENGTH = 64;
const WINDOW_STRIDE = 16;
const TOP_RECORDS = 20;
const RANDOM_RECORDS = 15;
const QUANTILE_RECORDS = 5;
/** Quantiles of the records' largest activations that bound the five ranges, as in the release. */
const QUANTILE_LEVELS = [0.5, 0.9, 0.99, 0.999];
const RELATED_TOKENS = 20;
const RELATED_NEURONS = 6;

export interface PlannedNeuron {
  layer: number;
  neuron: number;
  behaviour: Behaviour;
  /** Peak pre-activation added by the behaviour, in activation units. */
  gain: number;
  /** Resting pre-activation (GELU of it is the small negative resting activation). */
  base: number;
  noise: number;
  /** Chance per token of a spurious bump, growing with depth as real neurons get harder to explain. */
  strayRate: number;
  seed: number;
}

/** Which behaviour each neuron has, and its parameters. */
export function planDemoNeurons(): PlannedNeuron[] {
  const planned: PlannedNeuron[] = [];
  for (let layer = 0; layer < DEMO_DATASET.layers; layer++) {
    const random = new Random(hashString(`demo layer ${layer}`));
    const pool = [...random.shuffle(BEHAVIOURS), ...POLYSEMANTIC, NEAR_DEAD];
    while (pool.length < DEMO_DATASET.neuronsPerLayer) pool.push(random.pick(BEHAVIOURS));
    const behaviours = random.shuffle(pool.slice(0, DEMO_DATASET.neuronsPerLayer));
    behaviours.forEach((behaviour, neuron) => {
      const seed = hashString(`demo neuron ${layer}/${neuron}`);
      const r = new Random(seed);
      const dead = behaviour === NEAR_DEAD;
      planned.push({
        layer,
        neuron,
        behaviour,
        gain: dead ? 0 : r.uniform(2.5, 7),
        base: behaviour.id === 'periods' ? r.uniform(-0.85, -0.65) : r.uniform(-2.2, -1.0),
        noise: (dead ? 0.03 : 0.06 + 0.05 * layer) + r.uniform(0, 0.04),
        strayRate: dead ? 0.004 : 0.002 + 0.006 * layer,
        seed,
      });
    });
  }
  return planned;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

interface Window {
  doc: number;
  start: number;
  tokens: readonly string[];
  ids: readonly number[];
}

/** The corpus as overlapping 64-token windows (every 16 tokens, and the last 64 of a document). */
function tokenizeCorpus(): Window[] {
  const windows: Window[] = [];
  DEMO_DOCUMENTS.forEach((document, doc) => {
    const ids = encode(document);
    const tokens = ids.map((id) => decode([id]));
    const starts: number[] = [];
    for (let start = 0; start + RECORD_LENGTH <= tokens.length; start += WINDOW_STRIDE) {
      starts.push(start);
    }
    const last = tokens.length - RECORD_LENGTH;
    if (last >= 0 && starts.at(-1) !== last) starts.push(last);
    for (const start of starts) {
      windows.push({
        doc,
        start,
        tokens: tokens.slice(start, start + RECORD_LENGTH),
        ids: ids.slice(start, start + RECORD_LENGTH),
      });
    }
  });
  return windows;
}

/**
 * Every neuron's activations on every window, as the demo model computes them on the window's
 * 64 tokens alone (rounded to 4 decimals, as the release's records are): [layer][neuron][window].
 */
function modelActivations(weights: Gpt2Weights, windows: readonly Window[]): number[][][][] {
  const { layers, inner } = weights.config;
  const out = Array.from({ length: layers }, () =>
    Array.from({ length: inner }, () => new Array<number[]>(windows.length)),
  );
  windows.forEach((window, w) => {
    const hidden = forwardActivations(weights, embedTokens(weights, window.ids));
    hidden.forEach((values, layer) => {
      for (let neuron = 0; neuron < inner; neuron++) {
        const record = new Array<number>(RECORD_LENGTH);
        for (let t = 0; t < RECORD_LENGTH; t++) record[t] = round4(values[t * inner + neuron]!);
        out[layer]![neuron]![w] = record;
      }
    });
  });
  return out;
}

/** Linear interpolation between order statistics, as numpy's default percentile. */
function quantile(sorted: readonly number[], level: number): number {
  const position = (sorted.length - 1) * level;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function moments(records: readonly (readonly number[])[]) {
  let n = 0;
  let sum = 0;
  for (const values of records) {
    for (const v of values) {
      n++;
      sum += v;
    }
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const values of records) {
    for (const v of values) {
      const d = v - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    mean: round4(mean),
    variance: round4(m2),
    skewness: m2 > 0 ? round4(m3 / m2 ** 1.5) : null,
    // Excess kurtosis (0 for a normal distribution), as scipy.stats.kurtosis gives by default.
    kurtosis: m2 > 0 ? round4(m4 / (m2 * m2) - 3) : null,
  };
}

function neuronRecord(
  plan: PlannedNeuron,
  windows: readonly Window[],
  activations: readonly number[][],
): NeuronRecord {
  const random = new Random(plan.seed ^ 0x51ed270b);
  // Records share their window's tokens: one array, so the simulator's per-array caches hold.
  const record = (w: number): ActivationRecord => ({
    tokens: windows[w]!.tokens as string[],
    activations: activations[w]!,
  });
  const maxima = activations.map((a) => Math.max(...a));
  const byMax = maxima.map((_, w) => w).sort((a, b) => maxima[b]! - maxima[a]! || a - b);
  const top: number[] = [];
  for (const w of byMax) {
    if (top.length === TOP_RECORDS) break;
    // Top-activating records are distinct excerpts: no two overlap.
    const clash = top.some(
      (t) =>
        windows[t]!.doc === windows[w]!.doc &&
        Math.abs(windows[t]!.start - windows[w]!.start) < RECORD_LENGTH,
    );
    if (!clash) top.push(w);
  }
  const randomSample = random.shuffle(windows.map((_, w) => w)).slice(0, RANDOM_RECORDS);
  const sortedMaxima = [...maxima].sort((a, b) => a - b);
  const boundaries = QUANTILE_LEVELS.map((level) => round4(quantile(sortedMaxima, level)));
  const edges = [-Infinity, ...boundaries, Infinity];
  const byQuantile = edges.slice(0, -1).map((low, q) => {
    const inRange = maxima
      .map((m, w) => ({ m, w }))
      .filter(({ m }) => m >= low && m < edges[q + 1]!)
      .map(({ w }) => w);
    return random.shuffle(inRange).slice(0, QUANTILE_RECORDS).map(record);
  });
  return {
    neuron_id: { layer_index: plan.layer, neuron_index: plan.neuron },
    most_positive_activation_records: top.map(record),
    random_sample: randomSample.map(record),
    random_sample_by_quantile: byQuantile,
    quantile_boundaries: [null, ...boundaries, null],
    ...moments(activations),
  };
}

// Values rounded as the demo writes them; ../format/write.ts turns them into the release's form.

const roundAll = (values: readonly number[]) => values.map(round4);

function roundedSimulation(s: SequenceSimulation): SequenceSimulation {
  return {
    ...s,
    expected_activations: roundAll(s.expected_activations),
    distribution_values: s.distribution_values.map(roundAll),
    distribution_probabilities: s.distribution_probabilities.map(roundAll),
    uncalibrated_simulation: s.uncalibrated_simulation
      ? roundedSimulation(s.uncalibrated_simulation)
      : null,
  };
}

function simulationResults(
  plan: PlannedNeuron,
  explanations: { explanation: string; scored: ScoredSimulation }[],
): NeuronSimulationResults {
  return {
    neuron_id: neuronId(plan),
    scored_explanations: explanations.map(({ explanation, scored }) => ({
      explanation,
      scored_simulation: {
        ...scored,
        scored_sequence_simulations: scored.scored_sequence_simulations.map((s) => ({
          ...s,
          simulation: roundedSimulation(s.simulation),
        })),
      },
    })),
  };
}

function neuronId(plan: PlannedNeuron): NeuronId {
  return { layer_index: plan.layer, neuron_index: plan.neuron };
}

/** Tokens with the highest mean activation over the corpus (seen at least twice). */
/** The corpus's distinct tokens, and each window token's index among them. */
interface Vocabulary {
  tokens: string[];
  ids: Int32Array;
}

function vocabularyOf(windows: readonly Window[]): Vocabulary {
  const index = new Map<string, number>();
  const ids = new Int32Array(windows.length * RECORD_LENGTH);
  windows.forEach((window, w) =>
    window.tokens.forEach((token, i) => {
      let id = index.get(token);
      if (id === undefined) {
        id = index.size;
        index.set(token, id);
      }
      ids[w * RECORD_LENGTH + i] = id;
    }),
  );
  return { tokens: [...index.keys()], ids };
}

function activationBasedTokens(
  vocabulary: Vocabulary,
  activations: readonly number[][],
): TokenLookupTableSummaryOfNeuron {
  const sums = new Float64Array(vocabulary.tokens.length);
  const counts = new Int32Array(vocabulary.tokens.length);
  activations.forEach((values, w) =>
    values.forEach((value, i) => {
      const id = vocabulary.ids[w * RECORD_LENGTH + i]!;
      sums[id] = sums[id]! + value;
      counts[id] = counts[id]! + 1;
    }),
  );
  const ranked = vocabulary.tokens
    .map((token, id) => ({ token, mean: sums[id]! / counts[id]!, count: counts[id]! }))
    .filter((r) => r.count >= 2)
    .sort((a, b) => b.mean - a.mean || (a.token < b.token ? -1 : 1))
    .slice(0, RELATED_TOKENS);
  return {
    tokens: ranked.map((r) => r.token),
    average_activations: ranked.map((r) => round4(r.mean)),
  };
}

/** Plausible synthetic weight-based tokens: the behaviour's own tokens, and random ones against. */
function weightBasedTokens(
  plan: PlannedNeuron,
  vocabulary: readonly string[],
): WeightBasedSummaryOfNeuron {
  const random = new Random(plan.seed ^ 0x2545f491);
  const strengths = (count: number, sign: 1 | -1) => {
    let s = random.uniform(0.15, 0.4);
    return Array.from({ length: count }, () => {
      const value = round4(sign * s);
      s *= random.uniform(0.8, 0.95);
      return value;
    });
  };
  const others = (count: number) => random.shuffle(vocabulary).slice(0, count);
  const side = (tokens: readonly string[], sign: 1 | -1) => ({
    tokens: [...tokens],
    strengths: strengths(tokens.length, sign),
  });
  return {
    input_positive: side(random.shuffle(plan.behaviour.inputs), 1),
    input_negative: side(others(8), -1),
    output_positive: side(random.shuffle(plan.behaviour.outputs), 1),
    output_negative: side(others(8), -1),
  };
}

/** Upstream (c_fc) neurons in earlier layers and downstream (c_proj) ones in later layers. */
function relatedNeurons(plan: PlannedNeuron, all: readonly PlannedNeuron[]): RelatedNeurons {
  const random = new Random(plan.seed ^ 0x7f4a7c15);
  const present = all.filter((p) => !DEMO_GAPS.missing.includes(key(p.layer, p.neuron)));
  const shares = (p: PlannedNeuron) =>
    p.behaviour.id.split('+').some((id) => plan.behaviour.id.split('+').includes(id));
  const ref = (p: PlannedNeuron): NeuronRef => ({ layer: p.layer, neuron: p.neuron });
  const connected = (candidates: PlannedNeuron[]): ConnectedNeurons | null => {
    if (candidates.length === 0) return null;
    const alike = random.shuffle(candidates.filter(shares));
    const positive = [...alike, ...random.shuffle(candidates.filter((p) => !shares(p)))].slice(
      0,
      RELATED_NEURONS,
    );
    const negative = random
      .shuffle(candidates.filter((p) => !positive.includes(p)))
      .slice(0, RELATED_NEURONS);
    const weights = (count: number, sign: number) => {
      let w = random.uniform(0.2, 0.6);
      return Array.from({ length: count }, () => {
        const value = round4(sign * w);
        w *= random.uniform(0.7, 0.95);
        return value;
      });
    };
    return {
      top_positive_neurons: positive.map(ref),
      top_positive_weights: weights(positive.length, 1),
      top_negative_neurons: negative.map(ref),
      top_negative_weights: weights(negative.length, -1),
    };
  };
  return {
    c_fc: connected(present.filter((p) => p.layer < plan.layer)),
    c_proj: connected(present.filter((p) => p.layer > plan.layer)),
  };
}

export interface DemoNeuronSummary {
  layer: number;
  neuron: number;
  behaviour: string;
  planted: string;
  /** ev_correlation_score of the planted description and of the baseline explainer's. */
  plantedScore: number | null;
  baselineExplanation: string;
  baselineScore: number | null;
}

export interface DemoDataset {
  files: DemoFile[];
  neurons: DemoNeuronSummary[];
  /** The model whose activations the records are: config.json and model.safetensors. */
  model: DemoModelFiles;
}

/** Generate every per-neuron file of the demo dataset (manifest and indexes are ingest's job). */
export async function generateDemoDataset(): Promise<DemoDataset> {
  const windows = tokenizeCorpus();
  const vocabulary = vocabularyOf(windows);
  const sortedTokens = [...vocabulary.tokens].sort();
  const plans = planDemoNeurons();
  const files: DemoFile[] = [];
  const neurons: DemoNeuronSummary[] = [];
  const weights = demoModelWeights(plans);
  const computed = modelActivations(weights, windows);
  for (const plan of plans) {
    const id = key(plan.layer, plan.neuron);
    if (DEMO_GAPS.missing.includes(id)) continue;
    const activations = computed[plan.layer]![plan.neuron]!;
    const record = neuronRecord(plan, windows, activations);
    const file = <K extends NeuronFileKind>(kind: K, value: NeuronFileTypes[K]): DemoFile => ({
      path: neuronFilePath(kind, plan.layer, plan.neuron),
      text: writeNeuronFile(kind, value, 'compact'),
    });

    const planted = plan.behaviour.explanation;
    const explained = baselineExplain(trainRecords(record));
    const candidates = explained === planted ? [planted] : [planted, explained];
    const explanations = [];
    for (const explanation of candidates) {
      explanations.push({
        explanation,
        scored: await simulateAndScore(baselineSimulator, explanation, record),
      });
    }
    neurons.push({
      layer: plan.layer,
      neuron: plan.neuron,
      behaviour: plan.behaviour.id,
      planted,
      plantedScore: explanations[0]!.scored.ev_correlation_score,
      baselineExplanation: explained,
      baselineScore: explanations.at(-1)!.scored.ev_correlation_score,
    });

    if (!DEMO_GAPS.noExplanation.includes(id)) {
      const written = file('explanations', simulationResults(plan, explanations));
      if (DEMO_GAPS.malformedExplanation.includes(id)) {
        const line = written.text.slice(0, -1);
        written.text = `${line.slice(0, Math.floor(line.length / 3))}\n`;
      }
      files.push(written);
    }
    if (!DEMO_GAPS.noRecords.includes(id)) {
      files.push(file('collated-activations', record));
    }
    files.push(
      file('related-tokens/activation-based', activationBasedTokens(vocabulary, activations)),
    );
    if (!DEMO_GAPS.noRelated.includes(id)) {
      files.push(file('related-tokens/weight-based', weightBasedTokens(plan, sortedTokens)));
      files.push(file('related-neurons/weight-based', relatedNeurons(plan, plans)));
    }
  }
  return { files, neurons, model: demoModelFiles(weights) };
}
