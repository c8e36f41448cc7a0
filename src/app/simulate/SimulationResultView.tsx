import { useMemo } from 'react';
import type { RecordRef, TextsSimulationResult } from '../../core/api/index.ts';
import type { ScoredSequenceSimulation } from '../../core/format/types.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import type { SimulationView } from '../settings.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { RealVsSimulated } from '../visuals/RealVsSimulated.tsx';
import type { ComparedSequence } from '../visuals/realVsSimulated.ts';
import { describeProvider, recordLabel } from './model.ts';
import { ShareLink } from './ShareLink.tsx';
import { shareUrl } from './shareLink.ts';
import styles from './SimulatePanel.module.css';

/**
 * The user's texts simulated (no score: there are no real activations for them): who simulated
 * them, whether the server's cache answered, the share link, and each text's simulation.
 */
export function TextsResultView({
  result,
  texts,
  address,
  scale,
  view,
  onView,
  onEdit,
}: {
  result: TextsSimulationResult;
  /** The texts as the user wrote them (the result holds only their tokens). */
  texts: readonly string[];
  address: { dataset: string; layer: number; neuron: number };
  scale: ActivationColorScale | null;
  view: SimulationView;
  onView: (view: SimulationView) => void;
  onEdit: () => void;
}) {
  const simulator = describeProvider({ id: result.simulator, model: result.model }, 'simulator');
  const link = shareUrl(window.location, address.dataset, address, {
    explanations: [result.explanation],
    texts: [...texts],
    scorers: null,
  });
  const sequences = useMemo(
    (): ComparedSequence[] =>
      result.simulations.map((simulation, i) => ({
        label: `Text ${i + 1}`,
        score: null,
        tokens: simulation.tokens,
        real: null,
        simulated: simulation.expected_activations,
        normalized: true,
      })),
    [result],
  );
  return (
    <div className={styles.result}>
      <ResultHead title="Your texts, simulated" cached={result.cached} />
      <ResultExplanation explanation={result.explanation} onEdit={onEdit} />
      <ul className={styles.provenance}>
        <li>
          Simulated by <strong className={styles.model}>{simulator.byline}</strong>{' '}
          <span className="muted">({simulator.detail})</span>
        </li>
      </ul>
      <ShareLink url={link} />
      <p className={styles.hint}>
        Not scored: there are no real activations for your texts. Tokens are GPT-2’s.
      </p>
      {scale === null ? (
        <Skeleton height="8rem" />
      ) : (
        <RealVsSimulated sequences={sequences} scale={scale} view={view} onView={onView} />
      )}
    </div>
  );
}

export function ResultHead({ title, cached }: { title: string; cached: boolean }) {
  return (
    <div className={styles.resultHead}>
      <h3>{title}</h3>
      <span className={cached ? styles.badgeCached : styles.badgeFresh}>
        {cached ? 'From the server’s cache' : 'Simulated just now'}
      </span>
    </div>
  );
}

export function ResultExplanation({
  explanation,
  onEdit,
}: {
  explanation: string;
  onEdit: () => void;
}) {
  return (
    <p className={styles.resultExplanation}>
      <span className={styles.explanationLead}>finds</span>
      <q>{explanation}</q>{' '}
      <button type="button" className={styles.linkButton} onClick={onEdit}>
        Edit
      </button>
    </p>
  );
}

/** Each scored record's real against simulated activations, on the neuron's colour scale. */
export function RecordSequences({
  records,
  sequences,
  scale,
  view,
  onView,
}: {
  records: readonly RecordRef[];
  sequences: readonly ScoredSequenceSimulation[];
  scale: ActivationColorScale | null;
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  const compared = useMemo(
    (): ComparedSequence[] =>
      sequences.map((sequence, i) => {
        const record = records[i];
        return {
          label: record ? recordLabel(record) : `Sequence ${i + 1}`,
          score: sequence.ev_correlation_score,
          tokens: sequence.simulation.tokens,
          real: sequence.true_activations,
          simulated: sequence.simulation.expected_activations,
          normalized: sequence.simulation.activation_scale === 'simulated_normalized_activations',
        };
      }),
    [records, sequences],
  );
  return (
    <>
      <h4 className={styles.subheading}>Real vs simulated, per scored record</h4>
      {scale === null ? (
        <Skeleton height="8rem" />
      ) : (
        <RealVsSimulated sequences={compared} scale={scale} view={view} onView={onView} />
      )}
    </>
  );
}
