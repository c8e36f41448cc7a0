/**
 * Pure functions that turn parsed per-neuron files into what ingest writes: a layer's LayerIndex,
 * the manifest's layer summaries and score summary, and the list of datasets.
 */
import type { NeuronRecord, NeuronSimulationResults } from '../format/types.ts';
import {
  LAYER_INDEX_FORMAT,
  MANIFEST_FORMAT,
  type DatasetList,
  type DatasetListEntry,
  type DatasetManifest,
  type LayerIndex,
  type LayerSummary,
  type ScoreHistogram,
  type ScoreQuantiles,
} from './types.ts';

export interface BestExplanation {
  explanation: string;
  score: number | null;
}

/**
 * Position of the explanation with the highest ev_correlation_score (the first of equals);
 * unscored ones only when none is scored; -1 when there is none.
 */
export function bestExplanationIndex(results: NeuronSimulationResults): number {
  let best = -1;
  let bestScore: number | null = null;
  results.scored_explanations.forEach((scored, i) => {
    const score = scored.scored_simulation.ev_correlation_score;
    if (best === -1 || (score !== null && (bestScore === null || score > bestScore))) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** The explanation with the highest ev_correlation_score; unscored ones only when none is scored. */
export function bestExplanation(results: NeuronSimulationResults): BestExplanation | null {
  const scored = results.scored_explanations[bestExplanationIndex(results)];
  if (scored === undefined) return null;
  return { explanation: scored.explanation, score: scored.scored_simulation.ev_correlation_score };
}

/** The largest activation in any of the neuron's records; null when it has none. */
export function maxActivation(record: NeuronRecord): number | null {
  let max = Number.NEGATIVE_INFINITY;
  const scan = (records: readonly { activations: readonly number[] }[]) => {
    for (const r of records) for (const a of r.activations) if (a > max) max = a;
  };
  scan(record.most_positive_activation_records);
  scan(record.random_sample);
  for (const quantile of record.random_sample_by_quantile ?? []) scan(quantile);
  return max === Number.NEGATIVE_INFINITY ? null : max;
}

interface Entry {
  score: number | null;
  explanation: string | null;
  maxActivation: number | null;
  hasRecords: boolean;
}

/** Collects one layer's neurons in any order and writes them out as a LayerIndex. */
export class LayerIndexBuilder {
  readonly layer: number;
  private readonly entries = new Map<number, Entry>();

  constructor(layer: number) {
    this.layer = layer;
  }

  private entry(neuron: number): Entry {
    let entry = this.entries.get(neuron);
    if (!entry) {
      entry = { score: null, explanation: null, maxActivation: null, hasRecords: false };
      this.entries.set(neuron, entry);
    }
    return entry;
  }

  /** False when the file holds no explanation (the neuron stays unexplained). */
  addExplanation(neuron: number, results: NeuronSimulationResults): boolean {
    const best = bestExplanation(results);
    if (best === null) return false;
    const entry = this.entry(neuron);
    entry.explanation = best.explanation;
    entry.score = best.score;
    return true;
  }

  addRecord(neuron: number, record: NeuronRecord): void {
    const entry = this.entry(neuron);
    entry.hasRecords = true;
    entry.maxActivation = maxActivation(record);
  }

  get size(): number {
    return this.entries.size;
  }

  build(): LayerIndex {
    const neurons = [...this.entries.keys()].sort((a, b) => a - b);
    const index: LayerIndex = {
      format: LAYER_INDEX_FORMAT,
      layer: this.layer,
      neurons,
      scores: new Array<number | null>(neurons.length),
      explanations: new Array<string | null>(neurons.length),
      maxActivations: new Array<number | null>(neurons.length),
      hasRecords: new Array<0 | 1>(neurons.length),
    };
    neurons.forEach((neuron, i) => {
      const entry = this.entries.get(neuron) as Entry;
      index.scores[i] = entry.score;
      index.explanations[i] = entry.explanation;
      index.maxActivations[i] = entry.maxActivation;
      index.hasRecords[i] = entry.hasRecords ? 1 : 0;
    });
    return index;
  }
}

/** The scores of a layer index's explained neurons (nulls left out). */
export function layerScores(index: LayerIndex): number[] {
  const scores: number[] = [];
  for (let i = 0; i < index.neurons.length; i += 1) {
    const score = index.scores[i];
    if (index.explanations[i] !== null && score !== null && score !== undefined) scores.push(score);
  }
  return scores;
}

/** Quantiles of scores; null when there are none. */
export function scoreQuantiles(scores: ArrayLike<number>): ScoreQuantiles | null {
  if (scores.length === 0) return null;
  const sorted = Float64Array.from(scores).sort();
  // Linear interpolation between order statistics (R-7, as d3-array and numpy do by default).
  const q = (p: number) => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const a = sorted[lo] as number;
    const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
    return a + (b - a) * (h - lo);
  };
  return {
    min: sorted[0] as number,
    p10: q(0.1),
    p25: q(0.25),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    max: sorted[sorted.length - 1] as number,
  };
}

function mean(scores: ArrayLike<number>): number | null {
  if (scores.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < scores.length; i += 1) sum += scores[i] as number;
  return sum / scores.length;
}

/** Correlation scores lie in [-1, 1]: fixed bins of 0.05 keep histograms comparable across datasets. */
export const HISTOGRAM_EDGES: readonly number[] = Array.from(
  { length: 41 },
  (_, i) => Math.round((-1 + i * 0.05) * 100) / 100,
);

export function scoreHistogram(
  scores: ArrayLike<number>,
  edges: readonly number[] = HISTOGRAM_EDGES,
): ScoreHistogram {
  const bins = edges.length - 1;
  const counts = new Array<number>(Math.max(bins, 0)).fill(0);
  const low = edges[0] as number;
  const high = edges[bins] as number;
  for (let i = 0; i < scores.length; i += 1) {
    const s = scores[i] as number;
    if (!(s >= low && s <= high)) continue;
    // Binary search keeps this right for any ascending edges; the last bin is closed.
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((edges[mid] as number) <= s) lo = mid;
      else hi = mid - 1;
    }
    counts[lo] = (counts[lo] as number) + 1;
  }
  return { edges: [...edges], counts };
}

export function summarizeScores(scores: ArrayLike<number>): LayerSummary['scores'] {
  const quantiles = scoreQuantiles(scores);
  if (quantiles === null) return null;
  return { count: scores.length, mean: mean(scores) as number, quantiles };
}

export interface LayerFileFacts {
  /** Neurons in the layer, whether or not any file exists for them. */
  neurons: number;
  /** Path of the index relative to the dataset folder, and its sizes. */
  index: string;
  indexBytes: number;
  indexGzipBytes: number;
}

export function summarizeLayer(index: LayerIndex, facts: LayerFileFacts): LayerSummary {
  let explained = 0;
  let withRecords = 0;
  for (let i = 0; i < index.neurons.length; i += 1) {
    if (index.explanations[i] !== null) explained += 1;
    if (index.hasRecords[i] === 1) withRecords += 1;
  }
  return {
    layer: index.layer,
    neurons: facts.neurons,
    explained,
    withRecords,
    scores: summarizeScores(layerScores(index)),
    index: facts.index,
    indexBytes: facts.indexBytes,
    indexGzipBytes: facts.indexGzipBytes,
  };
}

export function buildScoreSummary(scores: ArrayLike<number>): DatasetManifest['scoreSummary'] {
  return {
    count: scores.length,
    mean: mean(scores),
    histogram: scoreHistogram(scores),
    quantiles: scoreQuantiles(scores),
  };
}

export interface ManifestFields {
  id: string;
  title: string;
  model: string;
  synthetic: boolean;
  source: string;
  createdAt: string;
  fileKinds: string[];
  report?: string;
  search?: Record<string, string>;
}

/** `scores` are every explained neuron's score over all layers (nulls left out). */
export function buildManifest(
  fields: ManifestFields,
  layers: LayerSummary[],
  scores: ArrayLike<number>,
): DatasetManifest {
  const manifest: DatasetManifest = {
    format: MANIFEST_FORMAT,
    id: fields.id,
    title: fields.title,
    model: fields.model,
    synthetic: fields.synthetic,
    source: fields.source,
    createdAt: fields.createdAt,
    layers: [...layers].sort((a, b) => a.layer - b.layer),
    scoreSummary: buildScoreSummary(scores),
    fileKinds: fields.fileKinds,
  };
  if (fields.report !== undefined) manifest.report = fields.report;
  if (fields.search !== undefined) manifest.search = fields.search;
  return manifest;
}

/**
 * The list of datasets, real ones first. The default (what a release-form link opens) is the real
 * dataset with the most explained neurons, preferring GPT-2 XL, whose neuron numbers those links
 * use; a synthetic dataset is the default only when there is nothing else.
 */
export function buildDatasetList(manifests: readonly DatasetManifest[]): DatasetList {
  const explained = (m: DatasetManifest) => m.layers.reduce((sum, l) => sum + l.explained, 0);
  const ranked = [...manifests].sort(
    (a, b) =>
      Number(a.synthetic) - Number(b.synthetic) ||
      Number(b.model === 'gpt2-xl') - Number(a.model === 'gpt2-xl') ||
      explained(b) - explained(a) ||
      a.id.localeCompare(b.id),
  );
  const datasets: DatasetListEntry[] = [...manifests]
    .sort((a, b) => Number(a.synthetic) - Number(b.synthetic) || a.id.localeCompare(b.id))
    .map((m) => ({ id: m.id, title: m.title, model: m.model, synthetic: m.synthetic }));
  return { default: ranked[0]?.id ?? '', datasets };
}
