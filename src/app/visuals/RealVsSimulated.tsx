import { useMemo } from 'react';
import type { SimulationView } from '../settings.ts';
import { activationColorScale, type ActivationColorScale } from './colorScale.ts';
import { ColorLegend } from './ColorLegend.tsx';
import {
  NORMALIZED_MAX,
  prepareComparison,
  type ComparedSequence,
  type PreparedComparison,
} from './realVsSimulated.ts';
import { SimulationBars } from './SimulationBars.tsx';
import { TokenRecord } from './TokenRecord.tsx';
import { formatActivation, formatScore } from './tokens.ts';
import styles from './RealVsSimulated.module.css';

export interface RealVsSimulatedProps {
  sequences: readonly ComparedSequence[];
  /** The neuron's colour scale (real activations, and simulations in activation units). */
  scale: ActivationColorScale;
  /** Side by side (two heatmaps per sequence) or overlay (paired bars over the tokens). */
  view: SimulationView;
  onView: (view: SimulationView) => void;
}

/**
 * Real against simulated activations, one sequence after another, with a toggle between two
 * heatmaps per sequence and bars overlaid on the tokens. Sequences without real activations (a
 * user's own texts) show the simulation alone. Tooltips come from an enclosing TokenTooltipLayer.
 */
export function RealVsSimulated({ sequences, scale, view, onView }: RealVsSimulatedProps) {
  const prepared = useMemo(() => prepareComparison(sequences, scale), [sequences, scale]);
  const anyReal = prepared.some((sequence) => sequence.real !== null);
  const anyNormalized = prepared.some((sequence) => sequence.normalized);
  const shownView: SimulationView = anyReal ? view : 'side-by-side';
  const normalizedScale = useMemo(
    () => activationColorScale({ min: 0, max: NORMALIZED_MAX }, scale.theme),
    [scale.theme],
  );
  // Simulations in activation units can go above the neuron's real maximum: say by how much.
  const simulatedTop = useMemo(() => largestSimulated(prepared), [prepared]);
  const over = simulatedTop !== null && simulatedTop > scale.domain.max ? simulatedTop : null;

  return (
    <>
      <div className={styles.toolbar}>
        {anyReal && (
          <div
            role="group"
            aria-label="How to show real and simulated activations"
            className={styles.segmented}
          >
            <button
              type="button"
              aria-pressed={shownView === 'side-by-side'}
              onClick={() => onView('side-by-side')}
            >
              Side by side
            </button>
            <button
              type="button"
              aria-pressed={shownView === 'overlay'}
              onClick={() => onView('overlay')}
            >
              Overlay
            </button>
          </div>
        )}
        {!anyReal ? (
          <ColorLegend scale={normalizedScale} label="Simulated activation (0–10)" />
        ) : shownView === 'side-by-side' ? (
          <ColorLegend
            scale={scale}
            label={anyNormalized ? 'Real activation' : 'Activation (real and simulated)'}
            over={over}
          />
        ) : (
          <p className={styles.barKey}>
            <span className={styles.realSwatch} aria-hidden="true" /> real (bar full at{' '}
            {scale.domain.max.toFixed(2)}){' '}
            <span className={styles.simulatedSwatch} aria-hidden="true" />{' '}
            {anyNormalized
              ? 'simulated (bar full at 10 on the 0–10 scale)'
              : 'simulated (activation units)'}
          </p>
        )}
      </div>
      {over !== null && (
        <p className={styles.note} data-testid="over-note">
          Simulated values reach {formatActivation(over)}, above the real maximum{' '}
          {formatActivation(scale.domain.max)}:{' '}
          {shownView === 'overlay'
            ? 'their bars are full and capped with a mark.'
            : 'those tokens are drawn at the maximum and overlined.'}
        </p>
      )}
      {anyReal && anyNormalized && shownView === 'side-by-side' && (
        <p className={styles.note}>
          Simulated values here are on the simulator’s 0–10 scale and are coloured on a 0–10 scale
          of their own.
        </p>
      )}
      <ol className={styles.sequences}>
        {prepared.map((sequence, i) => (
          <li key={i}>
            <h4 className={styles.sequenceHeading}>
              {sequence.label}
              {sequence.score !== null && (
                <span className="muted"> · correlation {formatScore(sequence.score)}</span>
              )}
            </h4>
            {shownView === 'overlay' && sequence.real ? (
              <SimulationBars
                tokens={sequence.tokens}
                real={sequence.real}
                simulated={sequence.simulated}
                realMax={scale.domain.max}
                simulatedMax={sequence.normalized ? NORMALIZED_MAX : scale.domain.max}
                series={sequence.series}
                label={`${sequence.label}, real and simulated activations`}
              />
            ) : (
              <div className={styles.sideBySide}>
                {sequence.realStyles && (
                  <>
                    <span className={styles.rowLabel}>Real</span>
                    <TokenRecord
                      tokens={sequence.tokens}
                      tokenStyles={sequence.realStyles}
                      series={sequence.series}
                      label={`${sequence.label}, real activations`}
                    />
                  </>
                )}
                <span className={styles.rowLabel}>
                  Simulated
                  <span className={styles.rowUnit}>
                    {sequence.normalized ? 'on a 0–10 scale' : 'in activation units'}
                  </span>
                </span>
                <TokenRecord
                  tokens={sequence.tokens}
                  tokenStyles={sequence.simulatedStyles}
                  series={sequence.series}
                  label={`${sequence.label}, simulated activations${sequence.normalized ? ' (0–10 scale)' : ''}`}
                />
              </div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

/** The largest simulated value in activation units (0–10 simulations have a scale of their own). */
function largestSimulated(sequences: readonly PreparedComparison[]): number | null {
  let top: number | null = null;
  for (const sequence of sequences) {
    if (sequence.normalized) continue;
    for (const value of sequence.simulated) {
      if (Number.isFinite(value) && (top === null || value > top)) top = value;
    }
  }
  return top;
}
