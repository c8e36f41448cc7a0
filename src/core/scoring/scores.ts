/**
 * The paper's three scores of a simulation against a neuron's true activations, and the linear
 * calibration that maps simulated values (0..10) to activation units. Every score pools all tokens
 * of all scored records; none is an average of per-record scores.
 */
import type {
  ActivationRecord,
  ScoredSequenceSimulation,
  ScoredSimulation,
  SequenceSimulation,
} from '../format/types.ts';

function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  return values.every((value) => value === first);
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function checkLengths(real: readonly number[], simulated: readonly number[]): void {
  if (real.length !== simulated.length) {
    throw new RangeError(
      `${real.length} true activations but ${simulated.length} simulated activations`,
    );
  }
}

/**
 * Pearson correlation of true and simulated activations (the `ev_correlation_score`). Null when
 * there are fewer than two values or either side is constant, where correlation is undefined.
 */
export function correlationScore(
  real: readonly number[],
  simulated: readonly number[],
): number | null {
  checkLengths(real, simulated);
  if (real.length < 2 || isConstant(real) || isConstant(simulated)) return null;
  const realMean = mean(real);
  const simulatedMean = mean(simulated);
  let covariance = 0;
  let realSquares = 0;
  let simulatedSquares = 0;
  for (let i = 0; i < real.length; i++) {
    const r = real[i]! - realMean;
    const s = simulated[i]! - simulatedMean;
    covariance += r * s;
    realSquares += r * r;
    simulatedSquares += s * s;
  }
  const correlation = covariance / Math.sqrt(realSquares * simulatedSquares);
  // Rounding can push |r| a hair past 1 for perfectly (anti)correlated inputs.
  return Math.max(-1, Math.min(1, correlation));
}

/** 1 - mean((real - sim)^2) / mean(real^2); null when there are no values or every real one is 0. */
export function rsquaredScore(
  real: readonly number[],
  simulated: readonly number[],
): number | null {
  checkLengths(real, simulated);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < real.length; i++) {
    const difference = real[i]! - simulated[i]!;
    residual += difference * difference;
    total += real[i]! * real[i]!;
  }
  if (real.length === 0 || total === 0) return null;
  return 1 - residual / real.length / (total / real.length);
}

/** 1 - mean(|real - sim|) / mean(|real|); null when there are no values or every real one is 0. */
export function absoluteDevExplainedScore(
  real: readonly number[],
  simulated: readonly number[],
): number | null {
  checkLengths(real, simulated);
  let deviation = 0;
  let total = 0;
  for (let i = 0; i < real.length; i++) {
    deviation += Math.abs(real[i]! - simulated[i]!);
    total += Math.abs(real[i]!);
  }
  if (real.length === 0 || total === 0) return null;
  return 1 - deviation / real.length / (total / real.length);
}

/** real ≈ slope * simulated + intercept, fitted by least squares. */
export interface LinearCalibration {
  slope: number;
  intercept: number;
}

/**
 * Least-squares fit of true activations on simulated ones, pooled over the calibration records.
 * When the simulation is constant there is nothing to scale, so the fit is the mean activation
 * (slope 0), as an ordinary least-squares solver with an intercept gives. Null without any token.
 */
export function fitLinearCalibration(
  pairs: readonly { real: readonly number[]; simulated: readonly number[] }[],
): LinearCalibration | null {
  const real: number[] = [];
  const simulated: number[] = [];
  for (const pair of pairs) {
    checkLengths(pair.real, pair.simulated);
    real.push(...pair.real);
    simulated.push(...pair.simulated);
  }
  if (real.length === 0) return null;
  const realMean = mean(real);
  const simulatedMean = mean(simulated);
  if (isConstant(simulated)) return { slope: 0, intercept: realMean };
  let covariance = 0;
  let simulatedSquares = 0;
  for (let i = 0; i < real.length; i++) {
    const s = simulated[i]! - simulatedMean;
    covariance += s * (real[i]! - realMean);
    simulatedSquares += s * s;
  }
  const slope = covariance / simulatedSquares;
  return { slope, intercept: realMean - slope * simulatedMean };
}

/**
 * The simulation in activation units: expected values and distribution values mapped through the
 * calibration, the probabilities kept, and the original kept in `uncalibrated_simulation`.
 */
export function applyCalibration(
  calibration: LinearCalibration,
  simulation: SequenceSimulation,
): SequenceSimulation {
  const map = (value: number) => calibration.slope * value + calibration.intercept;
  return {
    tokens: simulation.tokens,
    expected_activations: simulation.expected_activations.map(map),
    activation_scale: 'neuron_activations',
    distribution_values: simulation.distribution_values.map((values) => values.map(map)),
    distribution_probabilities: simulation.distribution_probabilities,
    uncalibrated_simulation: simulation,
  };
}

/**
 * The values that correlation is computed on: the uncalibrated ones when there are any. A linear
 * calibration leaves correlation unchanged except when its slope is 0 (a constant simulation on the
 * calibration records) or negative (it would flip an anti-correlated simulation into a correlated
 * one), so correlating the simulator's own values is both the paper's score and safe.
 */
function valuesForCorrelation(simulation: SequenceSimulation): number[] {
  return (simulation.uncalibrated_simulation ?? simulation).expected_activations;
}

/**
 * Scores of one record. rsquared and absolute-deviation scores are in activation units, so they
 * are null unless the simulation was calibrated (activation_scale "neuron_activations").
 */
export function scoreSequenceSimulation(
  simulation: SequenceSimulation,
  trueActivations: readonly number[],
): ScoredSequenceSimulation {
  if (simulation.tokens.length !== trueActivations.length) {
    throw new RangeError(
      `simulation has ${simulation.tokens.length} tokens but the record has ${trueActivations.length}`,
    );
  }
  const inUnits = simulation.activation_scale === 'neuron_activations';
  return {
    simulation,
    true_activations: [...trueActivations],
    ev_correlation_score: correlationScore(trueActivations, valuesForCorrelation(simulation)),
    rsquared_score: inUnits
      ? rsquaredScore(trueActivations, simulation.expected_activations)
      : null,
    absolute_dev_explained_score: inUnits
      ? absoluteDevExplainedScore(trueActivations, simulation.expected_activations)
      : null,
  };
}

/** The pooled scores over every token of every scored record, with the records' own scores. */
export function aggregateScoredSequenceSimulations(
  scoredSequenceSimulations: ScoredSequenceSimulation[],
): ScoredSimulation {
  const real: number[] = [];
  const forCorrelation: number[] = [];
  const inUnits: number[] = [];
  let allInUnits = scoredSequenceSimulations.length > 0;
  for (const scored of scoredSequenceSimulations) {
    real.push(...scored.true_activations);
    forCorrelation.push(...valuesForCorrelation(scored.simulation));
    inUnits.push(...scored.simulation.expected_activations);
    if (scored.simulation.activation_scale !== 'neuron_activations') allInUnits = false;
  }
  return {
    scored_sequence_simulations: scoredSequenceSimulations,
    ev_correlation_score: correlationScore(real, forCorrelation),
    rsquared_score: allInUnits ? rsquaredScore(real, inUnits) : null,
    absolute_dev_explained_score: allInUnits ? absoluteDevExplainedScore(real, inUnits) : null,
  };
}

export interface SimulatedRecord {
  record: ActivationRecord;
  /** The simulator's own (uncalibrated) simulation of the record's tokens. */
  simulation: SequenceSimulation;
}

/**
 * Score simulations of held-out records, calibrating them first with a linear fit on the
 * calibration records' simulations. Without calibration records the simulations stay on the
 * simulator's scale and only the correlation is scored.
 */
export function scoreSimulations(
  scored: readonly SimulatedRecord[],
  calibration: readonly SimulatedRecord[],
): ScoredSimulation {
  const fit = fitLinearCalibration(
    calibration.map(({ record, simulation }) => ({
      real: record.activations,
      simulated: simulation.expected_activations,
    })),
  );
  return aggregateScoredSequenceSimulations(
    scored.map(({ record, simulation }) =>
      scoreSequenceSimulation(
        fit ? applyCalibration(fit, simulation) : simulation,
        record.activations,
      ),
    ),
  );
}
