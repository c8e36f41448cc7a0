import { existsSync, readFileSync } from 'node:fs';
import { realDataDir } from '../../../tests/real-data.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NeuronSimulationResults, SequenceSimulation } from '../format/types.ts';
import {
  absoluteDevExplainedScore,
  aggregateScoredSequenceSimulations,
  applyCalibration,
  correlationScore,
  fitLinearCalibration,
  rsquaredScore,
  scoreSequenceSimulation,
  scoreSimulations,
} from './scores.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = join(root, 'tests/fixtures/scoring');

interface Pair {
  real: number[];
  simulated: number[];
}
interface Expected {
  ev_correlation_score: number | null;
  rsquared_score: number | null;
  absolute_dev_explained_score: number | null;
}
interface Case {
  name: string;
  scored: Pair[];
  calibration: Pair[];
  expected: Expected & {
    slope: number;
    intercept: number;
    sequences: (Expected & { calibrated: number[] })[];
  };
}

const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];

function simulation(values: number[]): SequenceSimulation {
  return {
    tokens: values.map((_, i) => `t${i}`),
    expected_activations: values,
    activation_scale: 'simulated_normalized_activations',
    distribution_values: [],
    distribution_probabilities: [],
    uncalibrated_simulation: null,
  };
}

function expectScore(actual: number | null, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

describe('scores against numpy/scipy reference values', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const toRecord = (pair: Pair) => ({
      record: { tokens: pair.real.map((_, i) => `t${i}`), activations: pair.real },
      simulation: simulation(pair.simulated),
    });
    const fit = fitLinearCalibration(c.calibration);
    expect(fit!.slope).toBeCloseTo(c.expected.slope, 9);
    expect(fit!.intercept).toBeCloseTo(c.expected.intercept, 9);

    const scored = scoreSimulations(c.scored.map(toRecord), c.calibration.map(toRecord));
    expectScore(scored.ev_correlation_score, c.expected.ev_correlation_score);
    expectScore(scored.rsquared_score, c.expected.rsquared_score);
    expectScore(scored.absolute_dev_explained_score, c.expected.absolute_dev_explained_score);
    expect(scored.scored_sequence_simulations).toHaveLength(c.scored.length);
    scored.scored_sequence_simulations.forEach((sequence, i) => {
      const expected = c.expected.sequences[i]!;
      expectScore(sequence.ev_correlation_score, expected.ev_correlation_score);
      expectScore(sequence.rsquared_score, expected.rsquared_score);
      expectScore(sequence.absolute_dev_explained_score, expected.absolute_dev_explained_score);
      sequence.simulation.expected_activations.forEach((value, j) =>
        expect(value).toBeCloseTo(expected.calibrated[j]!, 9),
      );
      expect(sequence.simulation.activation_scale).toBe('neuron_activations');
      expect(sequence.simulation.uncalibrated_simulation?.expected_activations).toEqual(
        c.scored[i]!.simulated,
      );
      expect(sequence.true_activations).toEqual(c.scored[i]!.real);
    });
  });

  it('pools tokens rather than averaging per-record scores', () => {
    const c = cases.find((x) => x.name === 'neuron-like')!;
    const scored = scoreSimulations(
      c.scored.map((pair) => ({
        record: { tokens: pair.real.map(String), activations: pair.real },
        simulation: simulation(pair.simulated),
      })),
      [],
    );
    const perRecord = scored.scored_sequence_simulations.map((s) => s.ev_correlation_score!);
    const averaged = perRecord.reduce((a, b) => a + b, 0) / perRecord.length;
    expect(Math.abs(averaged - scored.ev_correlation_score!)).toBeGreaterThan(1e-3);
    expectScore(scored.ev_correlation_score, c.expected.ev_correlation_score);
  });
});

describe('score edge cases', () => {
  it('is null when either side is constant or there are too few values', () => {
    expect(correlationScore([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(correlationScore([0, 0, 0], [1, 2, 3])).toBeNull();
    expect(correlationScore([1], [2])).toBeNull();
    expect(correlationScore([], [])).toBeNull();
    expect(rsquaredScore([], [])).toBeNull();
    expect(absoluteDevExplainedScore([0, 0], [1, 2])).toBeNull();
  });

  it('rejects sides of different lengths', () => {
    expect(() => correlationScore([1, 2], [1])).toThrow(/2 true activations but 1 simulated/);
    expect(() => scoreSequenceSimulation(simulation([1, 2]), [1])).toThrow(/2 tokens/);
  });

  it('keeps the scores of an uncalibrated simulation to correlation', () => {
    const scored = aggregateScoredSequenceSimulations([
      scoreSequenceSimulation(simulation([0, 10, 0]), [0.1, 2, -0.1]),
    ]);
    expect(scored.ev_correlation_score).toBeGreaterThan(0.99);
    expect(scored.rsquared_score).toBeNull();
    expect(scored.absolute_dev_explained_score).toBeNull();
  });

  it('calibrates distribution values and keeps probabilities', () => {
    const uncalibrated: SequenceSimulation = {
      ...simulation([5]),
      distribution_values: [[0, 10]],
      distribution_probabilities: [[0.5, 0.5]],
    };
    const calibrated = applyCalibration({ slope: 0.2, intercept: -0.1 }, uncalibrated);
    expect(calibrated.expected_activations).toEqual([0.9]);
    expect(calibrated.distribution_values).toEqual([[-0.1, 1.9]]);
    expect(calibrated.distribution_probabilities).toEqual([[0.5, 0.5]]);
    expect(calibrated.uncalibrated_simulation).toBe(uncalibrated);
  });

  it('has no calibration without calibration tokens', () => {
    expect(fitLinearCalibration([])).toBeNull();
  });
});

const realData = realDataDir();
const realReferencePath = join(fixtures, 'real-0-816.json');

describe.skipIf(!realData || !existsSync(realReferencePath))('real GPT-2 XL neuron 0/816', () => {
  it('scores the published sequences as numpy does', () => {
    const reference = JSON.parse(readFileSync(realReferencePath, 'utf8')) as {
      as_published: Expected & { per_sequence: Expected[] };
      refit_on_first_two: { slope: number; intercept: number } & Expected;
    };
    const results = JSON.parse(
      readFileSync(join(realData!, 'explanations/0/816.jsonl'), 'utf8'),
    ) as NeuronSimulationResults;
    const sequences = results.scored_explanations[0]!.scored_simulation.scored_sequence_simulations;
    const rescored = aggregateScoredSequenceSimulations(
      sequences.map((s) => scoreSequenceSimulation(s.simulation, s.true_activations)),
    );
    expectScore(rescored.ev_correlation_score, reference.as_published.ev_correlation_score);
    expectScore(rescored.rsquared_score, reference.as_published.rsquared_score);
    expectScore(
      rescored.absolute_dev_explained_score,
      reference.as_published.absolute_dev_explained_score,
    );
    rescored.scored_sequence_simulations.forEach((s, i) => {
      const expected = reference.as_published.per_sequence[i]!;
      expectScore(s.ev_correlation_score, expected.ev_correlation_score);
      expectScore(s.rsquared_score, expected.rsquared_score);
      expectScore(s.absolute_dev_explained_score, expected.absolute_dev_explained_score);
    });

    const asRecord = (i: number) => ({
      record: {
        tokens: sequences[i]!.simulation.tokens,
        activations: sequences[i]!.true_activations,
      },
      simulation: simulation(sequences[i]!.simulation.expected_activations),
    });
    const refit = scoreSimulations([asRecord(2), asRecord(3)], [asRecord(0), asRecord(1)]);
    expectScore(refit.rsquared_score, reference.refit_on_first_two.rsquared_score);
    expectScore(
      refit.absolute_dev_explained_score,
      reference.refit_on_first_two.absolute_dev_explained_score,
    );
  });
});
