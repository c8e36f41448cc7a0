/**
 * Real against simulated activations, prepared for drawing: the pure part of RealVsSimulated.
 */
import { activationColorScale, type ActivationColorScale, type TokenStyle } from './colorScale.ts';
import type { TooltipSeries } from './tokenRegistry.ts';

/** The 0..10 scale simulators answer on, before calibration (and always for a user's own text). */
export const NORMALIZED_MAX = 10;

/** One sequence to compare, as the published format holds it. */
export interface ComparedSequence {
  /** "Top-activating record 3", "Text 2", ... */
  label: string;
  /** The sequence's own correlation score; null when undefined or not scored. */
  score: number | null;
  tokens: readonly string[];
  /** The neuron's true activations; null for a user's own text (nothing to compare with). */
  real: readonly number[] | null;
  simulated: readonly number[];
  /** True when `simulated` is on the simulator's 0..10 scale rather than in activation units. */
  normalized: boolean;
}

export interface PreparedComparison extends ComparedSequence {
  realStyles: readonly TokenStyle[] | null;
  simulatedStyles: readonly TokenStyle[];
  series: readonly TooltipSeries[];
}

export function simulatedSeriesLabel(normalized: boolean): string {
  return normalized ? 'simulated (0–10 scale)' : 'simulated (activation units)';
}

/**
 * Colours every token: real values on the neuron's scale; simulated values on the same scale when
 * they are in activation units, else on a 0..10 scale of the same colours.
 */
export function prepareComparison(
  sequences: readonly ComparedSequence[],
  scale: ActivationColorScale,
): PreparedComparison[] {
  const normalizedScale = activationColorScale({ min: 0, max: NORMALIZED_MAX }, scale.theme);
  return sequences.map((sequence) => {
    const simulatedLabel = simulatedSeriesLabel(sequence.normalized);
    const series: TooltipSeries[] = sequence.real
      ? [
          { label: 'real activation', values: sequence.real },
          { label: simulatedLabel, values: sequence.simulated },
        ]
      : [{ label: simulatedLabel, values: sequence.simulated }];
    return {
      ...sequence,
      realStyles: sequence.real ? sequence.real.map(scale) : null,
      simulatedStyles: sequence.simulated.map(sequence.normalized ? normalizedScale : scale),
      series,
    };
  });
}
