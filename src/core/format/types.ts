/**
 * The published dataset's file types, as the app, the server and the CLI see them after parsing.
 * Field names follow the release exactly so that a parsed value can be written back unchanged.
 * Parsers (see ./parse.ts) drop `dataclass_name` keys and turn non-finite scores and statistics
 * (`NaN`, `Infinity` in files written by Python's json module) into `null`.
 */

export interface NeuronId {
  layer_index: number;
  neuron_index: number;
}

/** One 64-token excerpt of text with the neuron's activation at each token. */
export interface ActivationRecord {
  tokens: string[];
  activations: number[];
}

/** `collated-activations/{L}/{N}.json` */
export interface NeuronRecord {
  neuron_id: NeuronId;
  most_positive_activation_records: ActivationRecord[];
  random_sample: ActivationRecord[];
  /** Five lists of records, one per activation quantile range; null or absent in some files. */
  random_sample_by_quantile: ActivationRecord[][] | null;
  /** Edges of the quantile ranges; the first and last are often null (unbounded). */
  quantile_boundaries: (number | null)[] | null;
  mean: number | null;
  variance: number | null;
  skewness: number | null;
  kurtosis: number | null;
}

export type ActivationScale = 'neuron_activations' | 'simulated_normalized_activations';

export interface SequenceSimulation {
  tokens: string[];
  /** Expected activation per token, on the scale named by `activation_scale`. */
  expected_activations: number[];
  activation_scale: ActivationScale;
  /** Per token, the values the simulator considered (e.g. 0..10) ... */
  distribution_values: number[][];
  /** ... and the probability it gave each of them. Empty when the simulator gives none. */
  distribution_probabilities: number[][];
  /** Before calibration to activation units; null when the simulation was not calibrated. */
  uncalibrated_simulation: SequenceSimulation | null;
}

export interface ScoredSequenceSimulation {
  simulation: SequenceSimulation;
  true_activations: number[];
  ev_correlation_score: number | null;
  rsquared_score: number | null;
  absolute_dev_explained_score: number | null;
}

export interface ScoredSimulation {
  scored_sequence_simulations: ScoredSequenceSimulation[];
  /** Pooled over every token of every scored sequence; null when undefined (a constant side). */
  ev_correlation_score: number | null;
  rsquared_score: number | null;
  absolute_dev_explained_score: number | null;
}

export interface ScoredExplanation {
  explanation: string;
  scored_simulation: ScoredSimulation;
}

/** `explanations/{L}/{N}.jsonl` (a single JSON line). */
export interface NeuronSimulationResults {
  neuron_id: NeuronId;
  scored_explanations: ScoredExplanation[];
}

/** `related-tokens/activation-based/{L}/{N}.json`: tokens with the highest mean activation. */
export interface TokenLookupTableSummaryOfNeuron {
  tokens: string[];
  /** Real files hold nulls here for some tokens. */
  average_activations: (number | null)[];
}

export interface TokensAndWeights {
  tokens: string[];
  strengths: (number | null)[];
}

/** `related-tokens/weight-based/{L}/{N}.json` */
export interface WeightBasedSummaryOfNeuron {
  input_positive: TokensAndWeights;
  input_negative: TokensAndWeights;
  output_positive: TokensAndWeights;
  output_negative: TokensAndWeights;
}

/** A neuron in another layer, as related-neurons files name it ("layer_neuron"). */
export interface NeuronRef {
  layer: number;
  neuron: number;
}

export interface ConnectedNeurons {
  top_positive_neurons: NeuronRef[];
  top_positive_weights: number[];
  top_negative_neurons: NeuronRef[];
  top_negative_weights: number[];
}

/**
 * `related-neurons/weight-based/{L}/{N}.json`. `c_fc` holds the upstream neurons that write most
 * into this neuron's input; `c_proj` the downstream neurons its output feeds. Either may be null.
 */
export interface RelatedNeurons {
  c_fc: ConnectedNeurons | null;
  c_proj: ConnectedNeurons | null;
}

/** The kinds of per-neuron file in the published layout. */
export type NeuronFileKind =
  | 'explanations'
  | 'collated-activations'
  | 'related-tokens/activation-based'
  | 'related-tokens/weight-based'
  | 'related-neurons/weight-based';

export const NEURON_FILE_KINDS: readonly NeuronFileKind[] = [
  'explanations',
  'collated-activations',
  'related-tokens/activation-based',
  'related-tokens/weight-based',
  'related-neurons/weight-based',
];

/** The parsed value of each kind of per-neuron file. */
export interface NeuronFileTypes {
  explanations: NeuronSimulationResults;
  'collated-activations': NeuronRecord;
  'related-tokens/activation-based': TokenLookupTableSummaryOfNeuron;
  'related-tokens/weight-based': WeightBasedSummaryOfNeuron;
  'related-neurons/weight-based': RelatedNeurons;
}

/** Where a per-neuron file sits, relative to a dataset's root. */
export function neuronFilePath(kind: NeuronFileKind, layer: number, neuron: number): string {
  const extension = kind === 'explanations' ? 'jsonl' : 'json';
  return `${kind}/${layer}/${neuron}.${extension}`;
}
