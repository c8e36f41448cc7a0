import { useMemo } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { NeuronSimulationResults, ScoredSequenceSimulation } from '../../core/format/types.ts';
import type { SimulationView } from '../settings.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { RealVsSimulated } from '../visuals/RealVsSimulated.tsx';
import type { ComparedSequence } from '../visuals/realVsSimulated.ts';
import { formatScore } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { sequenceLabel, type RankedExplanation } from './model.ts';
import { SECTIONS, sectionElementId } from './sections.ts';
import styles from './NeuronPage.module.css';

function compared(sequences: readonly ScoredSequenceSimulation[]): ComparedSequence[] {
  return sequences.map((sequence, i) => ({
    label: sequenceLabel(i, sequences.length),
    score: sequence.ev_correlation_score,
    tokens: sequence.simulation.tokens,
    real: sequence.true_activations,
    simulated: sequence.simulation.expected_activations,
    normalized: sequence.simulation.activation_scale === 'simulated_normalized_activations',
  }));
}

/**
 * Every scored explanation, best first, with its scores; the chosen one's scored sequences as real
 * against simulated activations, side by side (two heatmaps) or overlaid (paired bars).
 */
export function ExplanationsSection({
  query,
  ranked,
  path,
  scale,
  selected,
  onSelect,
  view,
  onView,
}: {
  query: UseQueryResult<NeuronSimulationResults | null>;
  /** The file's explanations, best first (see rankExplanations). */
  ranked: RankedExplanation[];
  path: string;
  /** The neuron's colour scale; null while it is not known yet (records still loading). */
  scale: ActivationColorScale | null;
  /** Position in the best-first list, from 1 (as the page labels them). */
  selected: number;
  onSelect: (index: number) => void;
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  return (
    <section
      id={sectionElementId('explanations')}
      aria-labelledby="explanations-heading"
      className="neuron-section"
    >
      <h2 id="explanations-heading" tabIndex={-1}>
        {SECTIONS.explanations}
      </h2>
      <FileState
        query={query}
        path={path}
        skeleton={<ExplanationsSkeleton />}
        absent={<Absent>No explanation for this neuron in this dataset.</Absent>}
      >
        {() =>
          scale ? (
            <Explanations
              ranked={ranked}
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
  const current = ranked[selected - 1] ?? ranked[0];
  const sequences = useMemo(
    () =>
      current ? compared(current.explanation.scored_simulation.scored_sequence_simulations) : [],
    [current],
  );
  if (!current) return <Absent>The explanation file lists no explanations.</Absent>;
  const simulation = current.explanation.scored_simulation;

  return (
    <>
      <ol className={styles.explanationList} aria-label="Explanations, best first">
        {ranked.map((entry, i) => (
          <li key={entry.fileIndex} className={styles.explanation} aria-current={entry === current}>
            <p className={styles.explanationText}>
              <span className={styles.explanationLead}>{i + 1}.</span>{' '}
              {entry.explanation.explanation.trim() || '(empty explanation)'}
            </p>
            <p className={styles.score}>
              score <strong>{formatScore(entry.score)}</strong>
            </p>
            {ranked.length > 1 && (
              <button
                type="button"
                aria-pressed={entry === current}
                onClick={() => onSelect(i + 1)}
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
        <RealVsSimulated sequences={sequences} scale={scale} view={view} onView={onView} />
      )}
    </>
  );
}
