import { describe, expect, it } from 'vitest';
import type { ActivationRecord, SequenceSimulation } from '../format/types.ts';
import { baselineSimulator } from './baseline.ts';
import {
  NoRecordsError,
  simulateAndScore,
  simulateTexts,
  type SimulationProgress,
} from './simulate.ts';
import { SimulationFormatError, type Simulator } from './types.ts';

/** Records of "x"/"hot" tokens where the neuron fires (3 units) on " hot". */
function records(prefix: string, n: number, hotEvery: number): ActivationRecord[] {
  return Array.from({ length: n }, (_, r) => {
    const tokens = Array.from({ length: 8 }, (_, i) =>
      (i + r) % hotEvery === 0 ? ' hot' : ` ${prefix}${i}`,
    );
    return { tokens, activations: tokens.map((t) => (t === ' hot' ? 3 : -0.05)) };
  });
}

const neuron = {
  most_positive_activation_records: records('top', 20, 3),
  random_sample: records('random', 15, 7),
};

/** A simulator that records the calls it gets. */
function recording(inner: Simulator = baselineSimulator) {
  const calls: string[][] = [];
  const simulator: Simulator = {
    id: 'openai',
    model: 'test-model',
    async simulateRecord(explanation, tokens, options) {
      calls.push(tokens);
      return inner.simulateRecord(explanation, tokens, options);
    },
  };
  return { simulator, calls };
}

describe('simulateAndScore', () => {
  it('simulates the held-out and calibration records and scores the held-out ones', async () => {
    const { simulator, calls } = recording();
    const progress: SimulationProgress[] = [];
    const scored = await simulateAndScore(simulator, ' the word "hot"', neuron, {
      onProgress: (p) => progress.push(p),
      concurrency: 3,
    });
    expect(calls).toHaveLength(20);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.every((p) => p.total === 20)).toBe(true);
    expect(progress.filter((p) => p.record.purpose === 'scoring')).toHaveLength(10);

    const sequences = scored.scored_sequence_simulations;
    expect(sequences).toHaveLength(10);
    // 5 top-activating from the valid split first, then 5 random.
    expect(sequences[0]!.true_activations).toEqual(
      neuron.most_positive_activation_records[2]!.activations,
    );
    expect(sequences[5]!.true_activations).toEqual(neuron.random_sample[1]!.activations);
    // Calibrated to activation units (hot -> 3, rest -> -0.05), uncalibrated kept on 0..10.
    const first = sequences[0]!.simulation;
    expect(first.activation_scale).toBe('neuron_activations');
    expect(Math.max(...first.expected_activations)).toBeCloseTo(3, 9);
    expect(first.uncalibrated_simulation!.activation_scale).toBe(
      'simulated_normalized_activations',
    );
    expect(Math.max(...first.uncalibrated_simulation!.expected_activations)).toBe(10);
    expect(scored.ev_correlation_score).toBeCloseTo(1, 9);
    expect(scored.rsquared_score).toBeCloseTo(1, 9);
    expect(scored.absolute_dev_explained_score).toBeCloseTo(1, 9);
  });

  it('scores an explanation of something else poorly', async () => {
    const scored = await simulateAndScore(baselineSimulator, ' the word "top3"', neuron);
    expect(scored.ev_correlation_score!).toBeLessThan(0.1);
  });

  it('fails when any record fails, and starts no record after the failure', async () => {
    let calls = 0;
    const failing: Simulator = {
      id: 'openai',
      model: 'test-model',
      async simulateRecord(_explanation, tokens) {
        calls++;
        if (calls === 3) throw new SimulationFormatError('wrong token: expected " hot"', 4);
        return baselineSimulator.simulateRecord(' hot', tokens);
      },
    };
    await expect(simulateAndScore(failing, ' hot', neuron, { concurrency: 1 })).rejects.toThrow(
      'line 4: wrong token',
    );
    expect(calls).toBe(3);
  });

  it('rejects a simulation of the wrong length', async () => {
    const short: Simulator = {
      id: 'openai',
      model: 'test-model',
      async simulateRecord(explanation, tokens) {
        const simulation = await baselineSimulator.simulateRecord(explanation, tokens);
        return { ...simulation, expected_activations: simulation.expected_activations.slice(1) };
      },
    };
    await expect(simulateAndScore(short, ' hot', neuron)).rejects.toThrow(
      'the simulator returned 7 values for 8 tokens',
    );
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(
      simulateAndScore(baselineSimulator, ' hot', neuron, { signal: controller.signal }),
    ).rejects.toThrow('cancelled by the user');
  });

  it('needs records to score against', async () => {
    await expect(
      simulateAndScore(baselineSimulator, ' hot', {
        most_positive_activation_records: [],
        random_sample: [],
      }),
    ).rejects.toThrow(NoRecordsError);
  });

  it('scores partial records (top-activating only, as in the real partial files)', async () => {
    const scored = await simulateAndScore(baselineSimulator, ' hot', {
      most_positive_activation_records: records('top', 4, 3),
      random_sample: [],
    });
    expect(scored.scored_sequence_simulations).toHaveLength(1);
    expect(scored.ev_correlation_score).toBeCloseTo(1, 9);
  });
});

describe('simulateTexts', () => {
  it('simulates each text in order, without scores', async () => {
    const results: SequenceSimulation[] = await simulateTexts(
      baselineSimulator,
      ' the word "hot"',
      [[' it', ' is', ' hot'], [' cold']],
    );
    expect(results.map((r) => r.expected_activations)).toEqual([[0, 0, 10], [0]]);
  });
});
