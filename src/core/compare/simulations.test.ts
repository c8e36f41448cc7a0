import { describe, expect, it } from 'vitest';
import type { ScoredExplanation, ScoredSequenceSimulation } from '../format/types.ts';
import { bestExplanation, diffSimulations } from './simulations.ts';

function record(
  tokens: string[],
  expected: number[],
  truth: number[],
  score = 0.5,
): ScoredSequenceSimulation {
  return {
    simulation: {
      tokens,
      expected_activations: expected,
      activation_scale: 'neuron_activations',
      distribution_values: [],
      distribution_probabilities: [],
      uncalibrated_simulation: null,
    },
    true_activations: truth,
    ev_correlation_score: score,
    rsquared_score: null,
    absolute_dev_explained_score: null,
  } as ScoredSequenceSimulation;
}

function explained(
  text: string,
  score: number,
  records: ScoredSequenceSimulation[],
): ScoredExplanation {
  return {
    explanation: text,
    scored_simulation: {
      scored_sequence_simulations: records,
      ev_correlation_score: score,
      rsquared_score: null,
      absolute_dev_explained_score: null,
    },
  } as ScoredExplanation;
}

describe('diffSimulations', () => {
  it('pairs records by their tokens and gives B − A per token', () => {
    const a = explained('cats', 0.4, [
      record(['the', ' cat'], [0, 5], [0, 9]),
      record(['a', ' dog'], [1, 1], [0, 0]),
      record(['only', ' A'], [0, 0], [0, 0]),
    ]);
    // B has the records in another order, and one of its own.
    const b = explained('animals', 0.6, [
      record(['a', ' dog'], [0, 3], [0, 0], 0.7),
      record(['only', ' B'], [1, 1], [1, 1]),
      record(['the', ' cat'], [2, 6], [0, 9], 0.9),
    ]);
    const diff = diffSimulations(a, b);
    expect(diff.records.map((r) => [r.indexA, r.indexB])).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(diff.records[0]!.difference).toEqual([2, 1]);
    expect(diff.records[1]!.difference).toEqual([-1, 2]);
    expect(diff.records[0]!.trueActivations).toEqual([0, 9]);
    expect(diff.records[1]!.scoreB).toBe(0.7);
    expect(diff.onlyA).toBe(1);
    expect(diff.onlyB).toBe(1);
    expect(diff.largest).toBe(2);
    expect(diff.meanAbsolute).toBeCloseTo((2 + 1 + 1 + 2) / 4, 12);
  });

  it('pairs repeated records once each, and says when the true activations differ', () => {
    const a = explained('x', 0, [record(['x'], [1], [1]), record(['x'], [2], [1])]);
    const b = explained('y', 0, [record(['x'], [4], [2])]);
    const diff = diffSimulations(a, b);
    expect(diff.records).toHaveLength(1);
    expect(diff.records[0]!.difference).toEqual([3]);
    expect(diff.records[0]!.trueActivations).toBeNull();
    expect(diff.onlyA).toBe(1);
  });

  it('picks the best scored explanation', () => {
    const results = {
      neuron_id: { layer_index: 0, neuron_index: 0 },
      scored_explanations: [explained('low', 0.1, []), explained('high', 0.8, [])],
    };
    expect(bestExplanation(results)?.explanation).toBe('high');
    expect(bestExplanation({ ...results, scored_explanations: [] })).toBeNull();
  });
});
