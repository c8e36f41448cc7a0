/**
 * Simulation results in the published shape, made small enough to send and cache: a simulator
 * asked for top_logprobs gives a distribution over 0..10 at every token, most of it negligible,
 * and a calibrated simulation carries the same distributions twice. Scores are computed before
 * compacting, from the full values, and are left as they are.
 */
import type {
  ScoredSequenceSimulation,
  ScoredSimulation,
  SequenceSimulation,
} from '../format/types.ts';

/** Alternatives less likely than this are left out of a published distribution. */
export const NEGLIGIBLE_PROBABILITY = 1e-3;

/** Simulated values keep this many significant digits of the largest value of their list. */
export const SIGNIFICANT_DIGITS = 5;

/**
 * The values rounded to one step for the whole list: SIGNIFICANT_DIGITS of its largest magnitude
 * (so 9.80000000012 is 9.8, and 3e-9 beside it is 0). Returns the list itself when it is empty.
 */
export function roundValues(values: readonly number[]): number[] {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  if (largest === 0 || !Number.isFinite(largest)) return [...values];
  const decimals = SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(largest));
  if (decimals >= 0) {
    // Dividing an integer by an exact power of ten gives the double nearest the decimal; + 0
    // turns a -0 (a small negative value rounded) into 0.
    const factor = 10 ** decimals;
    return values.map((value) => Math.round(value * factor) / factor + 0);
  }
  const step = 10 ** -decimals;
  return values.map((value) => Math.round(value / step) * step + 0);
}

/** One token's distribution without its negligible alternatives, probabilities rounded. */
function compactDistribution(
  values: readonly number[],
  probabilities: readonly number[],
): { values: number[]; probabilities: number[] } {
  const keptValues: number[] = [];
  const keptProbabilities: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const probability = probabilities[i]!;
    if (probability < NEGLIGIBLE_PROBABILITY) continue;
    keptValues.push(values[i]!);
    keptProbabilities.push(probability);
  }
  return { values: roundValues(keptValues), probabilities: roundValues(keptProbabilities) };
}

/**
 * A simulation with rounded expected values and only the non-negligible part of each token's
 * distribution. A calibrated simulation keeps its distributions only in `uncalibrated_simulation`
 * (its own would be the same probabilities over linearly mapped values), and lists none itself.
 */
export function compactSequenceSimulation(simulation: SequenceSimulation): SequenceSimulation {
  const uncalibrated = simulation.uncalibrated_simulation;
  const distributions =
    uncalibrated === null
      ? simulation.distribution_values.map((values, i) =>
          compactDistribution(values, simulation.distribution_probabilities[i] ?? []),
        )
      : [];
  return {
    tokens: simulation.tokens,
    expected_activations: roundValues(simulation.expected_activations),
    activation_scale: simulation.activation_scale,
    distribution_values: distributions.map((d) => d.values),
    distribution_probabilities: distributions.map((d) => d.probabilities),
    uncalibrated_simulation: uncalibrated === null ? null : compactSequenceSimulation(uncalibrated),
  };
}

/** Scored simulations compacted; true activations and every score unchanged. */
export function compactScoredSimulation(scored: ScoredSimulation): ScoredSimulation {
  return {
    ...scored,
    scored_sequence_simulations: scored.scored_sequence_simulations.map(
      (sequence): ScoredSequenceSimulation => ({
        ...sequence,
        simulation: compactSequenceSimulation(sequence.simulation),
      }),
    ),
  };
}
