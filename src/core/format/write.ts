/**
 * The one writer of the published format: a parsed value of each per-neuron file kind (see
 * ./types.ts) back to the release's text, with `dataclass_name` keys and the release's key order,
 * so that ./parse.ts reads it back to the same value. The demo generator, the scale fixture and
 * batch jobs all write through here.
 *
 * Two spellings. `release` is Python's `json.dumps` default: `", "` and `": "`, non-ASCII as UTF-8,
 * and a number that is not finite as `NaN`, `Infinity` or `-Infinity` (which the parser reads as
 * an undefined score or statistic). That is byte for byte what nearly all the release's files hold
 * (a few escape non-ASCII as `\uXXXX`, and Python spells some floats otherwise: `1e-05` where
 * JavaScript writes `0.00001`). `compact` is strict JSON as JSON.stringify writes it, smaller, with
 * a non-finite number written as null, which every reader of the release accepts as it accepts NaN.
 */
import type {
  ActivationRecord,
  ConnectedNeurons,
  NeuronFileKind,
  NeuronFileTypes,
  NeuronId,
  NeuronRecord,
  NeuronSimulationResults,
  RelatedNeurons,
  ScoredSimulation,
  SequenceSimulation,
  TokenLookupTableSummaryOfNeuron,
  TokensAndWeights,
  WeightBasedSummaryOfNeuron,
} from './types.ts';

export type Spelling = 'release' | 'compact';

/** A JSON value whose numbers may be NaN or infinite (written as Python writes them). */
type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** The text of one per-neuron file; explanations files end with a newline, as released. */
export function writeNeuronFile<K extends NeuronFileKind>(
  kind: K,
  value: NeuronFileTypes[K],
  spelling: Spelling = 'release',
): string {
  const form = releaseForm(kind, value);
  const text = spelling === 'compact' ? JSON.stringify(form) : pythonJson(form);
  return kind === 'explanations' ? `${text}\n` : text;
}

function releaseForm<K extends NeuronFileKind>(kind: K, value: NeuronFileTypes[K]): Json {
  // The cast is safe: each case receives the value type of its own kind.
  const v = value as NeuronFileTypes[NeuronFileKind];
  switch (kind as NeuronFileKind) {
    case 'explanations':
      return simulationResultsJson(v as NeuronSimulationResults);
    case 'collated-activations':
      return neuronRecordJson(v as NeuronRecord);
    case 'related-tokens/activation-based':
      return tokenLookupJson(v as TokenLookupTableSummaryOfNeuron);
    case 'related-tokens/weight-based':
      return weightBasedJson(v as WeightBasedSummaryOfNeuron);
    case 'related-neurons/weight-based':
      return relatedNeuronsJson(v as RelatedNeurons);
  }
}

function neuronIdJson(id: NeuronId): Json {
  return {
    dataclass_name: 'NeuronId',
    layer_index: id.layer_index,
    neuron_index: id.neuron_index,
  };
}

function sequenceSimulationJson(s: SequenceSimulation): Json {
  return {
    dataclass_name: 'SequenceSimulation',
    tokens: s.tokens,
    expected_activations: s.expected_activations,
    activation_scale: s.activation_scale,
    distribution_values: s.distribution_values,
    distribution_probabilities: s.distribution_probabilities,
    uncalibrated_simulation: s.uncalibrated_simulation
      ? sequenceSimulationJson(s.uncalibrated_simulation)
      : null,
  };
}

function scoredSimulationJson(scored: ScoredSimulation): Json {
  return {
    dataclass_name: 'ScoredSimulation',
    scored_sequence_simulations: scored.scored_sequence_simulations.map((s) => ({
      dataclass_name: 'ScoredSequenceSimulation',
      simulation: sequenceSimulationJson(s.simulation),
      true_activations: s.true_activations,
      ev_correlation_score: s.ev_correlation_score,
      rsquared_score: s.rsquared_score,
      absolute_dev_explained_score: s.absolute_dev_explained_score,
    })),
    ev_correlation_score: scored.ev_correlation_score,
    rsquared_score: scored.rsquared_score,
    absolute_dev_explained_score: scored.absolute_dev_explained_score,
  };
}

function simulationResultsJson(results: NeuronSimulationResults): Json {
  return {
    dataclass_name: 'NeuronSimulationResults',
    neuron_id: neuronIdJson(results.neuron_id),
    scored_explanations: results.scored_explanations.map((scored) => ({
      dataclass_name: 'ScoredExplanation',
      explanation: scored.explanation,
      scored_simulation: scoredSimulationJson(scored.scored_simulation),
    })),
  };
}

function activationRecordJson(record: ActivationRecord): Json {
  return {
    dataclass_name: 'ActivationRecord',
    tokens: record.tokens,
    activations: record.activations,
  };
}

function neuronRecordJson(record: NeuronRecord): Json {
  return {
    dataclass_name: 'NeuronRecord',
    neuron_id: neuronIdJson(record.neuron_id),
    random_sample: record.random_sample.map(activationRecordJson),
    random_sample_by_quantile:
      record.random_sample_by_quantile?.map((records) => records.map(activationRecordJson)) ?? null,
    quantile_boundaries: record.quantile_boundaries,
    mean: record.mean,
    variance: record.variance,
    skewness: record.skewness,
    kurtosis: record.kurtosis,
    most_positive_activation_records:
      record.most_positive_activation_records.map(activationRecordJson),
  };
}

function tokenLookupJson(table: TokenLookupTableSummaryOfNeuron): Json {
  return {
    dataclass_name: 'TokenLookupTableSummaryOfNeuron',
    tokens: table.tokens,
    average_activations: table.average_activations,
  };
}

function tokensAndWeightsJson(side: TokensAndWeights): Json {
  return { dataclass_name: 'TokensAndWeights', tokens: side.tokens, strengths: side.strengths };
}

function weightBasedJson(summary: WeightBasedSummaryOfNeuron): Json {
  return {
    dataclass_name: 'WeightBasedSummaryOfNeuron',
    input_positive: tokensAndWeightsJson(summary.input_positive),
    input_negative: tokensAndWeightsJson(summary.input_negative),
    output_positive: tokensAndWeightsJson(summary.output_positive),
    output_negative: tokensAndWeightsJson(summary.output_negative),
  };
}

function connectedJson(connected: ConnectedNeurons | null): Json {
  if (connected === null) return null;
  const names = (refs: ConnectedNeurons['top_positive_neurons']) =>
    refs.map((ref) => `${ref.layer}_${ref.neuron}`);
  return {
    top_positive_neurons: names(connected.top_positive_neurons),
    top_positive_weights: connected.top_positive_weights,
    top_negative_neurons: names(connected.top_negative_neurons),
    top_negative_weights: connected.top_negative_weights,
  };
}

function relatedNeuronsJson(related: RelatedNeurons): Json {
  return { c_fc: connectedJson(related.c_fc), c_proj: connectedJson(related.c_proj) };
}

/** JSON as Python's json.dumps writes it by default: `", "`, `": "`, NaN and infinities as such. */
function pythonJson(value: Json): string {
  const comma = ', ';
  const colon = ': ';
  const write = (v: Json): string => {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return String(v);
      return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    }
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${(v as readonly Json[]).map(write).join(comma)}]`;
    const fields = Object.entries(v as { readonly [key: string]: Json }).map(
      ([key, field]) => `${JSON.stringify(key)}${colon}${write(field)}`,
    );
    return `{${fields.join(comma)}}`;
  };
  return write(value);
}
