import { useMemo } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { NeuronSimulationResults, ScoredSequenceSimulation } from '../../core/format/types.ts';
import type { SimulationView } from '../settings.ts';
import {
  activationColorScale,
  type ActivationColorScale,
  type TokenStyle,
} from '../visuals/colorScale.ts';
import { ColorLegend } from '../visuals/ColorLegend.tsx';
import { SimulationBars } from '../visuals/SimulationBars.tsx';
import { TokenRecord } from '../visuals/TokenRecord.tsx';
import type { TooltipSeries } from '../visuals/tokenRegistry.ts';
import { formatScore } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { rankExplanations, sequenceLabel, type RankedExplanation } from './model.ts';
import styles from './NeuronPage.module.css';

/** The 0..10 scale simulators answer on, when a file keeps it uncalibrated. */
const NORMALIZED_MAX = 10;

interface PreparedSequence {
  label: string;
  score: number | null;
  tokens: readonly string[];
  real: readonly number[];
  simulated: readonly number[];
  normalized: boolean;
  realStyles: readonly TokenStyle[];
  simulatedStyles: readonly TokenStyle[];
  series: readonly TooltipSeries[];
}

function simulatedLabel(normalized: boolean): string {
  return normalized ? 'simulated (0–10 scale)' : 'simulated (activation units)';
}

function prepare(
  sequences: readonly ScoredSequenceSimulation[],
  scale: ActivationColorScale,
): PreparedSequence[] {
  const normalizedScale = activationColorScale({ min: 0, max: NORMALIZED_MAX }, scale.theme);
  return sequences.map((sequence, i) => {
    const { simulation } = sequence;
    const normalized = simulation.activation_scale === 'simulated_normalized_activations';
    const simulatedScale = normalized ? normalizedScale : scale;
    return {
      label: sequenceLabel(i, sequences.length),
      score: sequence.ev_correlation_score,
      tokens: simulation.tokens,
      real: sequence.true_activations,
      simulated: simulation.expected_activations,
      normalized,
      realStyles: sequence.true_activations.map(scale),
      simulatedStyles: simulation.expected_activations.map(simulatedScale),
      series: [
        { label: 'real activation', values: sequence.true_activations },
        { label: simulatedLabel(normalized), values: simulation.expected_activations },
      ],
    };
  });
}

/**
 * Every scored explanation, best first, with its scores; the chosen one's scored sequences as real
 * against simulated activations, side by side (two heatmaps) or overlaid (paired bars).
 */
export function ExplanationsSection({
  query,
  path,
  scale,
  selected,
  onSelect,
  view,
  onView,
}: {
  query: UseQueryResult<NeuronSimulationResults | null>;
  path: string;
  /** The neuron's colour scale; null while it is not known yet (records still loading). */
  scale: ActivationColorScale | null;
  /** Index into the best-first list. */
  selected: number;
  onSelect: (index: number) => void;
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  return (
    <section aria-labelledby="explanations-heading" className={styles.section}>
      <h2 id="explanations-heading">Explanations</h2>
      <FileState
        query={query}
        path={path}
        skeleton={<ExplanationsSkeleton />}
        absent={<Absent>No explanation for this neuron in this dataset.</Absent>}
      >
        {(results) =>
          scale ? (
            <Explanations
              ranked={rankExplanations(results)}
              scale={scale}
              selected={selected}
              onSelect={onSelect}
              view={view}
              onView={onView}
            />
          ) : (
            <ExplanationsSkeleton />
          )
        }
      </FileState>
    </section>
  );
}

function ExplanationsSkeleton() {
  return (
    <div aria-hidden="true" className={styles.stack}>
      <Skeleton height="3.2rem" />
      <Skeleton height="2.2rem" width="18rem" />
      <Skeleton height="9rem" />
    </div>
  );
}

function Explanations({
  ranked,
  scale,
  selected,
  onSelect,
  view,
  onView,
}: {
  ranked: RankedExplanation[];
  scale: ActivationColorScale;
  selected: number;
  onSelect: (index: number) => void;
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  const current = ranked[selected] ?? ranked[0];
  const sequences = useMemo(
    () =>
      current
        ? prepare(current.explanation.scored_simulation.scored_sequence_simulations, scale)
        : [],
    [current, scale],
  );
  if (!current) return <Absent>The explanation file lists no explanations.</Absent>;
  const simulation = current.explanation.scored_simulation;
  const anyNormalized = sequences.some((sequence) => sequence.normalized);

  return (
    <>
      <ol className={styles.explanationList}>
        {ranked.map((entry, i) => (
          <li key={entry.fileIndex} className={styles.explanation} aria-current={entry === current}>
            <p className={styles.explanationText}>
              <span className={styles.explanationLead}>finds</span>
              {entry.explanation.explanation.trim() || '(empty explanation)'}
            </p>
            <p className={styles.score}>
              score <strong>{formatScore(entry.score)}</strong>
            </p>
            {ranked.length > 1 && (
              <button
                type="button"
                aria-pressed={entry === current}
                onClick={() => onSelect(i)}
                aria-label={`Show the scored sequences of explanation ${i + 1}`}
              >
                {entry === current ? 'Shown below' : 'Show sequences'}
              </button>
            )}
          </li>
        ))}
      </ol>

      <h3>
        Real vs simulated activations
        {ranked.length > 1 && (
          <span className="muted"> (explanation {ranked.indexOf(current) + 1})</span>
        )}
      </h3>
      <dl className={styles.scores}>
        <div>
          <dt>Correlation score</dt>
          <dd>{formatScore(simulation.ev_correlation_score)}</dd>
        </div>
        <div>
          <dt>R²</dt>
          <dd>{formatScore(simulation.rsquared_score)}</dd>
        </div>
        <div>
          <dt>Absolute deviation explained</dt>
          <dd>{formatScore(simulation.absolute_dev_explained_score)}</dd>
        </div>
      </dl>
      {sequences.length === 0 ? (
        <Absent>No scored sequences are stored with this explanation.</Absent>
      ) : (
        <>
          <div className={styles.toolbar}>
            <div
              role="group"
              aria-label="How to show real and simulated activations"
              className={styles.segmented}
            >
              <button
                type="button"
                aria-pressed={view === 'side-by-side'}
                onClick={() => onView('side-by-side')}
              >
                Side by side
              </button>
              <button
                type="button"
                aria-pressed={view === 'overlay'}
                onClick={() => onView('overlay')}
              >
                Overlay
              </button>
            </div>
            {view === 'side-by-side' ? (
              <ColorLegend scale={scale} label="Real activation" />
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
          {anyNormalized && view === 'side-by-side' && (
            <p className="muted">
              Simulated values here are on the simulator’s 0–10 scale and are coloured on a 0–10
              scale of their own.
            </p>
          )}
          <ol className={styles.sequences}>
            {sequences.map((sequence, i) => (
              <li key={i}>
                <h4 className={styles.sequenceHeading}>
                  {sequence.label}
                  {sequence.score !== null && (
                    <span className="muted"> · score {formatScore(sequence.score)}</span>
                  )}
                </h4>
                {view === 'side-by-side' ? (
                  <div className={styles.sideBySide}>
                    <span className={styles.rowLabel}>Real</span>
                    <TokenRecord
                      tokens={sequence.tokens}
                      tokenStyles={sequence.realStyles}
                      series={sequence.series}
                      label={`${sequence.label}, real activations`}
                    />
                    <span className={styles.rowLabel}>
                      Simulated
                      <span className={styles.rowUnit}>
                        {sequence.normalized ? '0–10' : 'units'}
                      </span>
                    </span>
                    <TokenRecord
                      tokens={sequence.tokens}
                      tokenStyles={sequence.simulatedStyles}
                      series={sequence.series}
                      label={`${sequence.label}, ${simulatedLabel(sequence.normalized)}`}
                    />
                  </div>
                ) : (
                  <SimulationBars
                    tokens={sequence.tokens}
                    real={sequence.real}
                    simulated={sequence.simulated}
                    realMax={scale.domain.max}
                    simulatedMax={sequence.normalized ? NORMALIZED_MAX : scale.domain.max}
                    series={sequence.series}
                    label={`${sequence.label}, real and simulated activations`}
                  />
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
