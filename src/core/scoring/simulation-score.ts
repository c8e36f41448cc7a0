/**
 * The paper's simulation score with what a reader needs to trust it: a 95% bootstrap interval of
 * the correlation over the scored records (top-activating and random records resampled apart,
 * as the published design mixes them 5 and 5) and the score's basis.
 */
import type { NeuronRecord, ScoredSequenceSimulation, ScoredSimulation } from '../format/types.ts';
import { simulateAndScore, type SimulateAndScoreOptions } from '../simulation/simulate.ts';
import type { Simulator } from '../simulation/types.ts';
import {
  buildSimulationMessages,
  SIMULATION_TOP_LOGPROBS,
} from '../simulation/simulation-prompt.ts';
import { isWeak, samplingOf, SCORING_SEED, type ScoreBasis } from './basis.ts';
import { bootstrapInterval, INTERVAL_LEVEL, pooledCorrelation } from './bootstrap.ts';
import { promptVersion } from './judge-prompt.ts';
import { calibrationRecords, scoringRecords, type SplitRecord } from './splits.ts';

export interface SimulationScore {
  scorer: 'simulation';
  ev_correlation_score: number | null;
  rsquared_score: number | null;
  absolute_dev_explained_score: number | null;
  /** 95% bootstrap interval of ev_correlation_score. */
  interval: [number, number] | null;
  basis: ScoreBasis;
}

let simulationVersion: string | null = null;

/** The version of the simulator's prompt, as a basis names it (made once per process). */
export function simulationPromptVersion(): string {
  return (simulationVersion ??= promptVersion('simulation', [
    ...buildSimulationMessages('{explanation}', ['{token}']),
    { role: 'system', content: `top_logprobs ${SIMULATION_TOP_LOGPROBS}` },
  ]));
}

/** The values correlation is computed on: the simulator's own, before calibration. */
function correlated(sequence: ScoredSequenceSimulation): number[] {
  return (sequence.simulation.uncalibrated_simulation ?? sequence.simulation).expected_activations;
}

/**
 * Interval and basis of a scored simulation. `records` says which kind each scored sequence is,
 * in order; `calibrationRecords` how many records were simulated to calibrate.
 */
export function simulationScore(
  scored: {
    scored_sequence_simulations: readonly ScoredSequenceSimulation[];
    ev_correlation_score: number | null;
    rsquared_score: number | null;
    absolute_dev_explained_score: number | null;
  },
  records: readonly { kind: 'top' | 'random' }[],
  simulator: { id: 'baseline' | 'openai'; model: string },
  options: { calibrationRecords: number; seed?: number },
): SimulationScore {
  const seed = options.seed ?? SCORING_SEED;
  const sequences = scored.scored_sequence_simulations;
  if (records.length !== sequences.length) {
    throw new RangeError(`${records.length} record kinds for ${sequences.length} scored records`);
  }
  const statistic = pooledCorrelation(
    sequences.map((s) => s.true_activations),
    sequences.map(correlated),
  );
  const strata = (['top', 'random'] as const).map((kind) =>
    records.flatMap((record, i) => (record.kind === kind ? [i] : [])),
  );
  const bootstrap = bootstrapInterval(strata, statistic, { seed });
  const withLogprobs = sequences.map((s) =>
    (s.simulation.uncalibrated_simulation ?? s.simulation).distribution_values.some(
      (values) => values.length > 0,
    ),
  );
  const basis: ScoreBasis = {
    scorer: 'simulation',
    records: sequences.length,
    record_kinds: { top: strata[0]!.length, random: strata[1]!.length, quantile: 0 },
    tokens: sequences.reduce((sum, s) => sum + s.true_activations.length, 0),
    calibration_records: options.calibrationRecords,
    activating: 0,
    non_activating: 0,
    role: 'simulator',
    provider: simulator.id,
    model: simulator.model,
    sampling: samplingOf(simulator.id, withLogprobs),
    prompt_version: simulator.id === 'baseline' ? null : simulationPromptVersion(),
    seed,
    bootstrap: {
      level: INTERVAL_LEVEL,
      resamples: bootstrap.resamples,
      defined: bootstrap.defined,
      strata: 'record kind',
    },
    weak: isWeak(sequences.length),
  };
  return {
    scorer: 'simulation',
    ev_correlation_score: scored.ev_correlation_score,
    rsquared_score: scored.rsquared_score,
    absolute_dev_explained_score: scored.absolute_dev_explained_score,
    interval: scored.ev_correlation_score === null ? null : bootstrap.interval,
    basis,
  };
}

/**
 * Simulate and score an explanation on a neuron's held-out records (see simulateAndScore), with
 * its interval and basis, and the scored simulation itself.
 */
export async function scoreSimulation(
  simulator: Simulator,
  explanation: string,
  neuron: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  options: SimulateAndScoreOptions & { seed?: number } = {},
): Promise<{ score: SimulationScore; scored: ScoredSimulation; records: SplitRecord[] }> {
  const scored = await simulateAndScore(simulator, explanation, neuron, options);
  const records = scoringRecords(neuron, options.perKind);
  const score = simulationScore(scored, records, simulator, {
    calibrationRecords: calibrationRecords(neuron, options.perKind).length,
    ...(options.seed !== undefined && { seed: options.seed }),
  });
  return { score, scored, records };
}
