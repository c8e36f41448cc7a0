import { useMemo } from 'react';
import type { ExplainResult, SimulationResult } from '../../core/api/index.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { activationColorScale, type ActivationColorScale } from '../visuals/colorScale.ts';
import { ColorLegend } from '../visuals/ColorLegend.tsx';
import { TokenRecord } from '../visuals/TokenRecord.tsx';
import { formatScore } from '../visuals/tokens.ts';
import {
  describeProvider,
  NORMALIZED_MAX,
  prepareScoredSequences,
  prepareTextSimulations,
  type PreparedSequence,
} from './model.ts';
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
}: {
  result: SimulationResult | ExplainResult;
  published: ScoredExplanation | null;
  scale: ActivationColorScale | null;
  address: { dataset: string; layer: number; neuron: number };
  /** The user's texts of the request (a texts result holds only their tokens); null: records. */
  texts: readonly string[] | null;
  /** Puts the result's explanation into the form to edit. */
  onEdit: () => void;
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
      ) : result.mode === 'records' ? (
        <ScoredRecords result={result} scale={scale} />
      ) : (
        <TextSimulations result={result} scale={scale} />
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
          Scores of this explanation and the published one
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

function SequenceList({
  sequences,
  scoreShown,
}: {
  sequences: readonly PreparedSequence[];
  scoreShown: boolean;
}) {
  return (
    <ol className={styles.sequences}>
      {sequences.map((sequence, i) => (
        <li key={i}>
          <h4 className={styles.sequenceHeading}>
            {sequence.label}
            {scoreShown && sequence.score !== null && (
              <span className="muted"> · correlation {formatScore(sequence.score)}</span>
            )}
          </h4>
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
              <span className={styles.rowUnit}>{sequence.normalized ? '0–10' : 'units'}</span>
            </span>
            <TokenRecord
              tokens={sequence.tokens}
              tokenStyles={sequence.simulatedStyles}
              series={sequence.series}
              label={`${sequence.label}, simulated activations`}
            />
          </div>
        </li>
      ))}
    </ol>
  );
}

function ScoredRecords({
  result,
  scale,
}: {
  result: Extract<SimulationResult, { mode: 'records' }>;
  scale: ActivationColorScale;
}) {
  const sequences = useMemo(
    () => prepareScoredSequences(result.records, result.scored_sequence_simulations, scale),
    [result, scale],
  );
  const anyNormalized = sequences.some((sequence) => sequence.normalized);
  return (
    <>
      <div className={styles.legendRow}>
        <h4 className={styles.subheading}>Real vs simulated, per scored record</h4>
        <ColorLegend
          scale={scale}
          label={anyNormalized ? 'Real activation' : 'Activation (real and simulated)'}
        />
      </div>
      {anyNormalized && (
        <p className={styles.hint}>
          Simulated values here are on the simulator’s 0–10 scale and are coloured on a 0–10 scale
          of their own.
        </p>
      )}
      <SequenceList sequences={sequences} scoreShown />
    </>
  );
}

function TextSimulations({
  result,
  scale,
}: {
  result: Extract<SimulationResult, { mode: 'texts' }>;
  scale: ActivationColorScale;
}) {
  const normalizedScale = useMemo(
    () => activationColorScale({ min: 0, max: NORMALIZED_MAX }, scale.theme),
    [scale.theme],
  );
  const sequences = useMemo(
    () => prepareTextSimulations(result.simulations, normalizedScale),
    [result, normalizedScale],
  );
  return (
    <>
      <div className={styles.legendRow}>
        <p className={styles.hint}>
          Not scored: there are no real activations for your texts. Tokens are GPT-2’s.
        </p>
        <ColorLegend scale={normalizedScale} label="Simulated activation (0–10)" />
      </div>
      <SequenceList sequences={sequences} scoreShown={false} />
    </>
  );
}
