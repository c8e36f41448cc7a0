import { describe, expect, it } from 'vitest';
import type { ScoredSimulation, SequenceSimulation } from '../format/types.ts';
import { applyCalibration, scoreSimulations } from '../scoring/scores.ts';
import { compactScoredSimulation, compactSequenceSimulation, roundValues } from './compact.ts';

/** A simulator's answer: 0..10 at every token, almost all the mass on one or two numbers. */
function simulated(written: number[]): SequenceSimulation {
  const values = Array.from({ length: 11 }, (_, v) => v);
  const probabilities = written.map((w) => {
    const p = values.map(() => 2e-9);
    p[w] = 0.8;
    p[w === 10 ? 9 : w + 1] = 0.2 - 9 * 2e-9;
    return p;
  });
  return {
    tokens: written.map((_, i) => ` t${i}`),
    expected_activations: probabilities.map((p) => p.reduce((sum, q, v) => sum + q * v, 0)),
    activation_scale: 'simulated_normalized_activations',
    distribution_values: written.map(() => values),
    distribution_probabilities: probabilities,
    uncalibrated_simulation: null,
  };
}

describe('roundValues', () => {
  it('keeps five significant digits of the largest value for the whole list', () => {
    expect(roundValues([9.800000012, 0.2000000003, 3e-9])).toEqual([9.8, 0.2, 0]);
    expect(roundValues([0.012345678, 0.0001])).toEqual([0.012346, 0.0001]);
    expect(roundValues([123456.7, -2.5])).toEqual([123460, 0]);
    expect(roundValues([0.1 + 0.2])).toEqual([0.3]);
    expect(roundValues([])).toEqual([]);
    expect(roundValues([0, 0])).toEqual([0, 0]);
  });
});

describe('compactSequenceSimulation', () => {
  it('drops negligible alternatives and rounds, keeping the expected values', () => {
    const compact = compactSequenceSimulation(simulated([10, 0, 3]));
    expect(compact.expected_activations).toEqual([9.8, 0.2, 3.2]);
    expect(compact.distribution_values).toEqual([
      [9, 10],
      [0, 1],
      [3, 4],
    ]);
    expect(compact.distribution_probabilities).toEqual([
      [0.2, 0.8],
      [0.8, 0.2],
      [0.8, 0.2],
    ]);
    expect(compact.uncalibrated_simulation).toBeNull();
  });

  it('keeps a calibrated simulation’s distributions only in its uncalibrated copy', () => {
    const uncalibrated = simulated([10, 0, 0]);
    const calibrated = applyCalibration({ slope: 0.3, intercept: -0.1 }, uncalibrated);
    const compact = compactSequenceSimulation(calibrated);
    expect(compact.activation_scale).toBe('neuron_activations');
    expect(compact.expected_activations).toEqual([2.84, -0.04, -0.04]);
    expect(compact.distribution_values).toEqual([]);
    expect(compact.distribution_probabilities).toEqual([]);
    expect(compact.uncalibrated_simulation?.distribution_values).toEqual([
      [9, 10],
      [0, 1],
      [0, 1],
    ]);
    expect(compact.uncalibrated_simulation?.expected_activations).toEqual([9.8, 0.2, 0.2]);
  });
});

describe('compactScoredSimulation', () => {
  it('leaves scores and true activations as computed from the full values', () => {
    const record = (activations: number[]) => ({
      tokens: activations.map((_, i) => ` t${i}`),
      activations,
    });
    const scored: ScoredSimulation = scoreSimulations(
      [{ record: record([4.123456, 0, 0.5]), simulation: simulated([10, 0, 3]) }],
      [{ record: record([3.9, 0.1, 0]), simulation: simulated([9, 1, 0]) }],
    );
    const compact = compactScoredSimulation(scored);
    expect(compact.ev_correlation_score).toBe(scored.ev_correlation_score);
    expect(compact.rsquared_score).toBe(scored.rsquared_score);
    const [sequence] = compact.scored_sequence_simulations;
    expect(sequence!.true_activations).toEqual([4.123456, 0, 0.5]);
    expect(sequence!.ev_correlation_score).toBe(
      scored.scored_sequence_simulations[0]!.ev_correlation_score,
    );
    // Under 1e-4 of the largest value away from the full expected values.
    const full = scored.scored_sequence_simulations[0]!.simulation.expected_activations;
    sequence!.simulation.expected_activations.forEach((value, i) =>
      expect(Math.abs(value - full[i]!)).toBeLessThan(1e-4 * Math.max(...full.map(Math.abs))),
    );
  });
});
