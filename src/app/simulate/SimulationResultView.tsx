import { useMemo } from 'react';
import type { ExplainResult, SimulationResult } from '../../core/api/index.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import type { SimulationView } from '../settings.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { RealVsSimulated } from '../visuals/RealVsSimulated.tsx';
import type { ComparedSequence } from '../visuals/realVsSimulated.ts';
import { formatScore } from '../visuals/tokens.ts';
import { describeProvider, recordLabel } from './model.ts';
import { ShareLink } from './ShareLink.tsx';
import { shareUrl } from './shareLink.ts';
import styles from './SimulatePanel.module.css';

const SCORE_COLUMNS = [
  { key: 'ev_correlation_score', label: 'Correlation', detail: 'ev_correlation_score' },
  { key: 'rsquared_score', label: 'R²', detail: 'rsquared_score' },
  {
    key: 'absolute_dev_explained_score',
    label: 'Abs. dev. explained',
    detail: 'absolute_dev_explained_score',
  },
] as const;

type Scores = Record<(typeof SCORE_COLUMNS)[number]['key'], number | null>;

/**
 * A finished run: who produced it and whether it came from the server's cache, the three scores
 * beside the published ones, the share link, and each scored record's real vs simulated
 * activations on the neuron's colour scale (or the user's texts, simulated, unscored).
 */
export function SimulationResultView({
  result,
  published,
  scale,
  address,
  texts,
  onEdit,
  view,
  onView,
}: {
  result: SimulationResult | ExplainResult;
  published: ScoredExplanation | null;
  scale: ActivationColorScale | null;
  address: { dataset: string; layer: number; neuron: number };
  /** The user's texts of the request (a texts result holds only their tokens); null: records. */
  texts: readonly string[] | null;
  /** Puts the result's explanation into the form to edit. */
  onEdit: () => void;
  /** How real and simulated activations are shown; shared with the page's explanations. */
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  const simulator = describeProvider({ id: result.simulator, model: result.model }, 'simulator');
  const explainer = 'explainer' in result ? describeProvider(result.explainer, 'explainer') : null;
  const link = shareUrl(window.location, address.dataset, address, {
    explanation: result.explanation,
    texts: texts ? [...texts] : null,
  });

  return (
    <div className={styles.result}>
      <div className={styles.resultHead}>
        <h3>{result.mode === 'records' ? 'Result' : 'Your texts, simulated'}</h3>
        <span className={result.cached ? styles.badgeCached : styles.badgeFresh}>
          {result.cached ? 'From the server’s cache' : 'Simulated just now'}
        </span>
      </div>
      <p className={styles.resultExplanation}>
        <span className={styles.explanationLead}>finds</span>
        <q>{result.explanation}</q>{' '}
        <button type="button" className={styles.linkButton} onClick={onEdit}>
          Edit
        </button>
      </p>
      <ul className={styles.provenance}>
        {explainer && (
          <li>
            Explanation written by <strong className={styles.model}>{explainer.byline}</strong>{' '}
            <span className="muted">({explainer.detail})</span>
          </li>
        )}
        <li>
          Simulated by <strong className={styles.model}>{simulator.byline}</strong>{' '}
          <span className="muted">({simulator.detail})</span>
        </li>
      </ul>

      {result.mode === 'records' && <ScoreTable result={result} published={published} />}

      <ShareLink url={link} />

      {scale === null ? (
        <Skeleton height="8rem" />
      ) : (
        <Sequences result={result} scale={scale} view={view} onView={onView} />
      )}
    </div>
  );
}

function ScoreTable({
  result,
  published,
}: {
  result: Scores;
  published: ScoredExplanation | null;
}) {
  const rows: { label: string; scores: Scores; note?: string }[] = [
    { label: 'This explanation', scores: result },
  ];
  if (published) {
    rows.push({
      label: 'Published explanation',
      scores: published.scored_simulation,
      note: published.explanation.trim(),
    });
  }
  const anyNull = rows.some((row) => SCORE_COLUMNS.some(({ key }) => row.scores[key] === null));
  return (
    <div className={styles.scoresWrap}>
      <table className={styles.scoreTable}>
        <caption className="visually-hidden">
          {published
            ? 'Scores of this explanation and the published one'
            : 'Scores of this explanation'}
        </caption>
        <thead>
          <tr>
            <td />
            {SCORE_COLUMNS.map((column) => (
              <th key={column.key} scope="col" title={column.detail}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">
                {row.label}
                {row.note !== undefined && (
                  <span className={styles.rowNote}>
                    <q>{row.note}</q>
                  </span>
                )}
              </th>
              {SCORE_COLUMNS.map(({ key }) => (
                <td key={key}>{formatScore(row.scores[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.hint}>
        Correlation is the published score (over every token of the scored records). The published
        scores are as stored in the dataset, from the simulator its authors used.
        {anyNull &&
          ' n/a: not defined, e.g. a correlation when the simulation is the same at every token, or a score the file does not hold.'}
      </p>
    </div>
  );
}

/** The scored records (real vs simulated), or the user's texts (simulated alone), to draw. */
function compared(result: SimulationResult | ExplainResult): ComparedSequence[] {
  if (result.mode === 'texts') {
    return result.simulations.map((simulation, i) => ({
      label: `Text ${i + 1}`,
      score: null,
      tokens: simulation.tokens,
      real: null,
      simulated: simulation.expected_activations,
      normalized: true,
    }));
  }
  return result.scored_sequence_simulations.map((sequence, i) => {
    const record = result.records[i];
    return {
      label: record ? recordLabel(record) : `Sequence ${i + 1}`,
      score: sequence.ev_correlation_score,
      tokens: sequence.simulation.tokens,
      real: sequence.true_activations,
      simulated: sequence.simulation.expected_activations,
      normalized: sequence.simulation.activation_scale === 'simulated_normalized_activations',
    };
  });
}

function Sequences({
  result,
  scale,
  view,
  onView,
}: {
  result: SimulationResult | ExplainResult;
  scale: ActivationColorScale;
  view: SimulationView;
  onView: (view: SimulationView) => void;
}) {
  const sequences = useMemo(() => compared(result), [result]);
  return (
    <>
      {result.mode === 'records' ? (
        <h4 className={styles.subheading}>Real vs simulated, per scored record</h4>
      ) : (
        <p className={styles.hint}>
          Not scored: there are no real activations for your texts. Tokens are GPT-2’s.
        </p>
      )}
      <RealVsSimulated sequences={sequences} scale={scale} view={view} onView={onView} />
    </>
  );
}
