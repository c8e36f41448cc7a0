import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { realDataDir } from '../../../tests/real-data.ts';
import { parseNeuronRecord } from '../format/parse.ts';
import type { SequenceSimulation } from '../format/types.ts';
import { baselineSimulator } from '../simulation/baseline.ts';
import { scoreSimulations } from './scores.ts';
import { scoreSimulation, simulationScore } from './simulation-score.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = JSON.parse(
  readFileSync(join(root, 'tests/fixtures/scoring/intervals.json'), 'utf8'),
) as {
  simulation_intervals: {
    name: string;
    records: { real: number[]; simulated: number[] }[];
    kinds: ('top' | 'random')[];
    seed: number;
    expected: { correlation: number | null; interval: [number, number] | null };
  }[];
};

function simulation(values: number[], withDistributions: boolean): SequenceSimulation {
  return {
    tokens: values.map((_, i) => `t${i}`),
    expected_activations: values,
    activation_scale: 'simulated_normalized_activations',
    distribution_values: withDistributions ? values.map((v) => [Math.floor(v)]) : [],
    distribution_probabilities: withDistributions ? values.map(() => [1]) : [],
    uncalibrated_simulation: null,
  };
}

describe('the simulation score’s interval and basis', () => {
  it('bootstraps the correlation of the simulator’s own values, calibrated or not (numpy reference)', () => {
    const c = fixture.simulation_intervals.find((x) => x.name === '5 top and 5 random records')!;
    const toRecord = (r: { real: number[]; simulated: number[] }, logprobs: boolean) => ({
      record: { tokens: r.real.map((_, i) => `t${i}`), activations: r.real },
      simulation: simulation(r.simulated, logprobs),
    });
    // Calibrated on two records, as the paper does; correlation is unchanged by it.
    const scored = scoreSimulations(
      c.records.map((r) => toRecord(r, true)),
      c.records.slice(0, 2).map((r) => toRecord(r, true)),
    );
    const score = simulationScore(
      scored,
      c.kinds.map((kind) => ({ kind })),
      { id: 'openai', model: 'm' },
      { calibrationRecords: 2, seed: c.seed },
    );
    expect(score.ev_correlation_score).toBeCloseTo(c.expected.correlation!, 9);
    expect(score.interval![0]).toBeCloseTo(c.expected.interval![0], 9);
    expect(score.interval![1]).toBeCloseTo(c.expected.interval![1], 9);
    expect(score.basis).toMatchObject({
      scorer: 'simulation',
      records: 10,
      record_kinds: { top: 5, random: 5, quantile: 0 },
      tokens: 640,
      calibration_records: 2,
      role: 'simulator',
      sampling: 'logprobs',
      seed: c.seed,
      weak: false,
      bootstrap: { level: 0.95, resamples: 1000, defined: 1000, strata: 'record kind' },
    });
    expect(score.basis.prompt_version).toMatch(/^simulation-[0-9a-f]{8}$/);
  });

  it('says "sampled" without log-probabilities, and "offline" for the baseline', () => {
    const c = fixture.simulation_intervals[0]!;
    const scored = scoreSimulations(
      c.records.map((r) => ({
        record: { tokens: r.real.map(String), activations: r.real },
        simulation: simulation(r.simulated, false),
      })),
      [],
    );
    const kinds = c.kinds.map((kind) => ({ kind }));
    expect(
      simulationScore(scored, kinds, { id: 'openai', model: 'm' }, { calibrationRecords: 0 }).basis
        .sampling,
    ).toBe('sampled');
    const baseline = simulationScore(scored, kinds, baselineSimulator, { calibrationRecords: 0 });
    expect(baseline.basis).toMatchObject({ sampling: 'offline', prompt_version: null });
  });
});

const realData = realDataDir();

describe.skipIf(!realData)('real GPT-2 XL neurons, offline baseline', () => {
  const load = (layer: number, neuron: number) =>
    parseNeuronRecord(
      readFileSync(join(realData!, `collated-activations/${layer}/${neuron}.json`), 'utf8'),
      { path: `${layer}/${neuron}`, layer, neuron },
    );

  it('0/816 rests on one record: weak, and no interval', async () => {
    const { score } = await scoreSimulation(
      baselineSimulator,
      'references to movies, characters, and entertainment',
      load(0, 816),
    );
    expect(score.basis).toMatchObject({ records: 1, tokens: 64, weak: true });
    expect(score.interval).toBeNull();
  });

  it('1/1 rests on 10 records and has an interval around its score', async () => {
    const { score } = await scoreSimulation(baselineSimulator, 'the word "transfers"', load(1, 1));
    expect(score.basis).toMatchObject({ records: 10, calibration_records: 10, weak: false });
    if (score.ev_correlation_score !== null) {
      expect(score.interval![0]).toBeLessThanOrEqual(score.ev_correlation_score + 1e-9);
      expect(score.interval![1]).toBeGreaterThanOrEqual(score.ev_correlation_score - 1e-9);
    }
  });
});
