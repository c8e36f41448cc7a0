/**
 * An explanation file as the release writes it: one JSON line, each object tagged with its Python
 * dataclass (`dataclass_name`), keys in the release's order, so that the release's own tools read
 * a batch's files as they read the release. Undefined scores are written as null (strict JSON),
 * which every reader of the release accepts as they accept NaN.
 */
import type {
  NeuronSimulationResults,
  ScoredSequenceSimulation,
  ScoredSimulation,
  SequenceSimulation,
} from '../format/types.ts';

function simulation(s: SequenceSimulation): unknown {
  return {
    dataclass_name: 'SequenceSimulation',
    tokens: s.tokens,
    expected_activations: s.expected_activations,
    activation_scale: s.activation_scale,
    distribution_values: s.distribution_values,
    distribution_probabilities: s.distribution_probabilities,
    uncalibrated_simulation: s.uncalibrated_simulation
      ? simulation(s.uncalibrated_simulation)
      : null,
  };
}

function scoredSequence(s: ScoredSequenceSimulation): unknown {
  return {
    dataclass_name: 'ScoredSequenceSimulation',
    simulation: simulation(s.simulation),
    true_activations: s.true_activations,
    ev_correlation_score: s.ev_correlation_score,
    rsquared_score: s.rsquared_score,
    absolute_dev_explained_score: s.absolute_dev_explained_score,
  };
}

function scoredSimulation(s: ScoredSimulation): unknown {
  return {
    dataclass_name: 'ScoredSimulation',
    scored_sequence_simulations: s.scored_sequence_simulations.map(scoredSequence),
    ev_correlation_score: s.ev_correlation_score,
    rsquared_score: s.rsquared_score,
    absolute_dev_explained_score: s.absolute_dev_explained_score,
  };
}

/** The file's text: one line, ending in a newline. */
export function publishedExplanationsText(results: NeuronSimulationResults): string {
  return `${JSON.stringify({
    dataclass_name: 'NeuronSimulationResults',
    neuron_id: {
      dataclass_name: 'NeuronId',
      layer_index: results.neuron_id.layer_index,
      neuron_index: results.neuron_id.neuron_index,
    },
    scored_explanations: results.scored_explanations.map((e) => ({
      dataclass_name: 'ScoredExplanation',
      explanation: e.explanation,
      scored_simulation: scoredSimulation(e.scored_simulation),
    })),
  })}\n`;
}
