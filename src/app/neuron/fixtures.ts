/**
 * Small typed fixtures for the neuron page's tests: a two-layer dataset whose neuron 1/2 has every
 * file, in the published shapes.
 */
import type {
  ActivationRecord,
  NeuronRecord,
  NeuronSimulationResults,
  ScoredSequenceSimulation,
  TokenLookupTableSummaryOfNeuron,
  WeightBasedSummaryOfNeuron,
} from '../../core/format/types.ts';
import type { DatasetList, DatasetManifest, LayerIndex } from '../../core/dataset/types.ts';

const words = [' The', ' movie', ' was', ' great', '\n', ' Marvel', '\t', ' fans', ' loved', ' it'];

function record(offset: number, scale: number): ActivationRecord {
  const tokens = words.map((_, i) => words[(i + offset) % words.length]!);
  const activations = tokens.map((_, i) =>
    Number(((((i * 7 + offset) % 10) / 10 - 0.05) * scale).toFixed(4)),
  );
  return { tokens, activations };
}

export const recordFixture: NeuronRecord = {
  neuron_id: { layer_index: 1, neuron_index: 2 },
  most_positive_activation_records: [
    {
      tokens: [' The', ' movie', ' Marvel', ' was', '\n'],
      activations: [0.1, 0.5, 4, 0.2, -0.1],
    },
    record(1, 3),
    record(2, 3),
    record(3, 2),
    record(4, 2),
    record(5, 2),
    record(6, 1),
  ],
  random_sample: [record(7, 0.3), record(8, 0.2), record(9, 0.1), record(0, 0.1)],
  random_sample_by_quantile: [
    [record(1, 0.1), record(2, 0.1), record(3, 0.1)],
    [record(1, 0.5), record(2, 0.5)],
    [record(1, 1)],
    [record(1, 2)],
    [record(1, 3)],
  ],
  quantile_boundaries: [null, -0.01, 0.4, 1.2, 2.5, null],
  mean: -0.04,
  variance: 0.01,
  skewness: 9.5,
  kurtosis: 190,
};

function sequence(
  scale: 'neuron_activations' | 'simulated_normalized_activations',
): ScoredSequenceSimulation {
  const tokens = [' The', ' Avengers', ' film', '\n'];
  return {
    simulation: {
      tokens,
      expected_activations: scale === 'neuron_activations' ? [0, 3.5, 1, 0] : [0, 9, 2, 0],
      activation_scale: scale,
      distribution_values: [],
      distribution_probabilities: [],
      uncalibrated_simulation: null,
    },
    true_activations: [-0.05, 3.9, 0.8, 0],
    ev_correlation_score: 0.97,
    rsquared_score: null,
    absolute_dev_explained_score: null,
  };
}

export const explanationsFixture: NeuronSimulationResults = {
  neuron_id: { layer_index: 1, neuron_index: 2 },
  scored_explanations: [
    {
      explanation: ' films in general',
      scored_simulation: {
        scored_sequence_simulations: [sequence('simulated_normalized_activations')],
        ev_correlation_score: 0.31,
        rsquared_score: 0.05,
        absolute_dev_explained_score: 0.1,
      },
    },
    {
      explanation: ' references to movies, characters, and entertainment',
      scored_simulation: {
        scored_sequence_simulations: [
          sequence('neuron_activations'),
          sequence('neuron_activations'),
        ],
        ev_correlation_score: 0.62,
        rsquared_score: 0.35,
        absolute_dev_explained_score: 0.3,
      },
    },
    {
      explanation: ' nothing in particular',
      scored_simulation: {
        scored_sequence_simulations: [],
        ev_correlation_score: null,
        rsquared_score: null,
        absolute_dev_explained_score: null,
      },
    },
  ],
};

export const activationTokensFixture: TokenLookupTableSummaryOfNeuron = {
  tokens: [' Marvel', ' movie', '\n'],
  average_activations: [3.1, 1.2, null],
};

const tokensAndWeights = (tokens: string[], sign: number) => ({
  tokens,
  strengths: tokens.map((_, i) => sign * (0.5 - i * 0.1)),
});

export const weightTokensFixture: WeightBasedSummaryOfNeuron = {
  input_positive: tokensAndWeights([' film', ' cinema'], 1),
  input_negative: tokensAndWeights([' soup', ' tax'], -1),
  output_positive: tokensAndWeights([' Studios', ' sequel'], 1),
  output_negative: tokensAndWeights([' the', ' of'], -1),
};

export const datasetsFixture: DatasetList = {
  default: 'tiny',
  datasets: [{ id: 'tiny', title: 'Tiny', model: 'test', synthetic: true }],
};

function layerSummary(layer: number) {
  return {
    layer,
    neurons: 8,
    explained: 2,
    withRecords: 1,
    scores: null,
    index: `index/layer-${layer}.abcdef12.json`,
    indexBytes: 100,
    indexGzipBytes: 50,
  };
}

export const manifestFixture: DatasetManifest = {
  format: 'neuron-explorer.manifest/1',
  id: 'tiny',
  title: 'Tiny',
  model: 'test',
  synthetic: true,
  source: '.',
  createdAt: '2026-01-01T00:00:00Z',
  layers: [layerSummary(0), layerSummary(1)],
  scoreSummary: { count: 4, mean: 0.5, histogram: { edges: [], counts: [] }, quantiles: null },
  fileKinds: [],
};

export const layerIndexFixtures: Record<number, LayerIndex> = {
  0: {
    format: 'neuron-explorer.layer-index/1',
    layer: 0,
    neurons: [3, 4],
    scores: [0.81, null],
    explanations: [' the word "film"', null],
    maxActivations: [null, 2],
    hasRecords: [0, 1],
  },
  1: {
    format: 'neuron-explorer.layer-index/1',
    layer: 1,
    neurons: [2, 5],
    scores: [0.62, 0.4],
    explanations: [' references to movies, characters, and entertainment', ' years'],
    maxActivations: [4, null],
    hasRecords: [1, 0],
  },
};

/** The fake network's files for the tiny dataset (see test-utils fakeNetwork). */
export function tinyDatasetFiles(): Record<string, unknown> {
  return {
    'datasets/index.json': datasetsFixture,
    'datasets/tiny/manifest.json': manifestFixture,
    'datasets/tiny/index/layer-0.abcdef12.json': layerIndexFixtures[0],
    'datasets/tiny/index/layer-1.abcdef12.json': layerIndexFixtures[1],
    'datasets/tiny/explanations/1/2.jsonl': explanationsFixture,
    'datasets/tiny/collated-activations/1/2.json': recordFixture,
    'datasets/tiny/related-tokens/activation-based/1/2.json': activationTokensFixture,
    'datasets/tiny/related-tokens/weight-based/1/2.json': weightTokensFixture,
    'datasets/tiny/related-neurons/weight-based/1/2.json': {
      c_fc: {
        top_positive_neurons: ['0_3'],
        top_positive_weights: [0.42],
        top_negative_neurons: ['0_4'],
        top_negative_weights: [-0.3],
      },
      c_proj: null,
    },
  };
}
