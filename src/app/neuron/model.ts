/**
 * What the neuron page derives from a neuron's files, as pure functions: explanations best first,
 * the record groups, the neuron's activation domain, labels of quantile ranges.
 */
import type {
  ActivationRecord,
  NeuronRecord,
  NeuronSimulationResults,
  ScoredExplanation,
} from '../../core/format/types.ts';
import { activationDomain, type ActivationDomain } from '../visuals/colorScale.ts';
import { formatActivation } from '../visuals/tokens.ts';
import type { RecordGroupId } from './viewState.ts';

export interface RankedExplanation {
  /** Position in the file. */
  fileIndex: number;
  explanation: ScoredExplanation;
  score: number | null;
}

/** Explanations by ev_correlation_score, best first; unscored ones last, in file order. */
export function rankExplanations(results: NeuronSimulationResults | null): RankedExplanation[] {
  if (!results) return [];
  return results.scored_explanations
    .map((explanation, fileIndex) => ({
      fileIndex,
      explanation,
      score: explanation.scored_simulation.ev_correlation_score,
    }))
    .sort((a, b) => {
      if (a.score === null || b.score === null) {
        return a.score === b.score ? a.fileIndex - b.fileIndex : a.score === null ? 1 : -1;
      }
      return b.score - a.score || a.fileIndex - b.fileIndex;
    });
}

/**
 * The release's quantile ranges of random_sample_by_quantile[0..4] (fractions of the neuron's
 * activation distribution); quantile_boundaries holds their edges in activation units.
 */
const QUANTILE_FRACTIONS = ['0–0.5', '0.5–0.9', '0.9–0.99', '0.99–0.999', '0.999–1'];

export interface RecordGroup {
  id: RecordGroupId;
  title: string;
  /** The range of a quantile group, in words. */
  detail: string | null;
  records: readonly ActivationRecord[];
  /** How many records show before "show more". */
  initial: number;
}

export function quantileRangeText(
  boundaries: readonly (number | null)[] | null,
  k: number,
): string {
  const lo = boundaries?.[k] ?? null;
  const hi = boundaries?.[k + 1] ?? null;
  if (lo === null && hi === null) return 'boundaries not in the file';
  if (lo === null) return `activations below ${formatActivation(hi)}`;
  if (hi === null) return `activations above ${formatActivation(lo)}`;
  return `activations ${formatActivation(lo)} to ${formatActivation(hi)}`;
}

/** Top-activating, then the quantile samples from the highest range down, then random. */
export function recordGroups(record: NeuronRecord): RecordGroup[] {
  const groups: RecordGroup[] = [
    {
      id: 'top',
      title: 'Top-activating records',
      detail: null,
      records: record.most_positive_activation_records,
      initial: 5,
    },
  ];
  const byQuantile = record.random_sample_by_quantile ?? [];
  // Partial record files (top-activating records only) hold no samples: no empty groups then.
  const sampled =
    byQuantile.some((records) => records.length > 0) || record.random_sample.length > 0;
  if (!sampled) return groups;
  for (let k = Math.min(byQuantile.length, 5) - 1; k >= 0; k--) {
    const fraction = byQuantile.length === 5 ? ` (quantiles ${QUANTILE_FRACTIONS[k]})` : '';
    groups.push({
      id: `q${k + 1}` as RecordGroupId,
      title: `Quantile range ${k + 1}${fraction}`,
      detail: quantileRangeText(record.quantile_boundaries, k),
      records: byQuantile[k] ?? [],
      initial: 2,
    });
  }
  groups.push({
    id: 'random',
    title: 'Random records',
    detail: null,
    records: record.random_sample,
    initial: 3,
  });
  return groups;
}

/** Every record of the file, each once. */
export function allRecords(record: NeuronRecord): ActivationRecord[] {
  return [
    ...record.most_positive_activation_records,
    ...(record.random_sample_by_quantile ?? []).flat(),
    ...record.random_sample,
  ];
}

/** Every token activation in the records (for the histogram). */
export function allActivations(record: NeuronRecord): number[] {
  return allRecords(record).flatMap((activationRecord) => activationRecord.activations);
}

/**
 * The neuron's colour domain: min..max over all records, and over the true activations of the
 * scored sequences (so a neuron with an explanation and no records still gets one).
 */
export function neuronDomain(
  record: NeuronRecord | null,
  results: NeuronSimulationResults | null,
): ActivationDomain {
  const sequences: (readonly number[])[] = record
    ? allRecords(record).map((activationRecord) => activationRecord.activations)
    : [];
  for (const explanation of results?.scored_explanations ?? []) {
    for (const sequence of explanation.scored_simulation.scored_sequence_simulations) {
      sequences.push(sequence.true_activations);
    }
  }
  return activationDomain(sequences);
}

/** The largest activation in the records; null without any. */
export function maxActivation(record: NeuronRecord): number | null {
  let max: number | null = null;
  for (const activationRecord of allRecords(record)) {
    for (const value of activationRecord.activations) if (max === null || value > max) max = value;
  }
  return max;
}

/**
 * The release scores 5 top-activating then 5 random sequences; with exactly 10 we can name them.
 */
export function sequenceLabel(index: number, count: number): string {
  if (count === 10) return index < 5 ? `Top-activating ${index + 1}` : `Random ${index - 4}`;
  return `Sequence ${index + 1}`;
}

export interface LayerShape {
  layer: number;
  neurons: number;
}

/** Where to send someone who asked for a neuron the dataset does not have: the closest real one. */
export function nearestNeuron(
  layers: readonly LayerShape[],
  layer: number | null,
  neuron: number | null,
): { layer: number; neuron: number } | null {
  const first = layers[0];
  const last = layers.at(-1);
  if (!first || !last) return null;
  const target =
    layers.find((candidate) => candidate.layer === layer) ??
    (layer !== null && layer > last.layer ? last : first);
  return { layer: target.layer, neuron: Math.max(0, Math.min(neuron ?? 0, target.neurons - 1)) };
}

/** The dataset's extent in words, e.g. "layers 0 to 47, each with neurons 0 to 6399". */
export function datasetExtent(layers: readonly LayerShape[]): string {
  const first = layers[0];
  const last = layers.at(-1);
  if (!first || !last) return 'no layers';
  const sizes = new Set(layers.map((candidate) => candidate.neurons));
  const neurons =
    sizes.size === 1 ? `, each with neurons 0 to ${first.neurons - 1}` : ' (sizes vary by layer)';
  return `layers ${first.layer} to ${last.layer}${neurons}`;
}
