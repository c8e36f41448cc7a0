/**
 * One scorer's result each: its scores with the 95% interval, its basis in words, a warning when
 * the basis is weak, and (simulation) the published score beside it with a notice when the two
 * rest on different bases; (detection, fuzzing) every example with the judge's verdict.
 */
import { useId, useMemo } from 'react';
import type { JudgedScoreResult, SimulationScoreResult } from '../../core/api/score.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import {
  WEAK_BASIS_RECORDS,
  type ComparableBasis,
  type ScoreBasis,
} from '../../core/scoring/basis.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { TokenRecord } from '../visuals/TokenRecord.tsx';
import { formatScore } from '../visuals/tokens.ts';
import {
  basisSummary,
  comparabilityNotice,
  comparableOf,
  exampleLabel,
  formatInterval,
  intervalNote,
  SCORER_LABELS,
  weakBasisWarning,
} from './scoreModel.ts';
import styles from './SimulatePanel.module.css';

function Basis({ basis, note }: { basis: ScoreBasis; note?: string | null }) {
  const weak = weakBasisWarning(basis);
  return (
    <>
      <p className={styles.basis}>
        <span className={styles.basisLead}>Basis:</span> {basisSummary(basis)}.{' '}
        <span className="muted">{intervalNote(basis)}</span>
      </p>
      {weak && (
        <p role="note" className={styles.weak}>
          {weak}
        </p>
      )}
      {note && <p className={styles.hint}>{note}</p>}
    </>
  );
}

export function SimulationScoreCard({
  score,
  published,
  publishedBasis,
  publishedAlike,
  onScorePublished,
}: {
  score: SimulationScoreResult;
  published: ScoredExplanation | null;
  /** The published score's basis, as far as its file tells it. */
  publishedBasis: ComparableBasis | null;
  /** The published explanation scored here the same way, in another round; null if it was not. */
  publishedAlike: { round: number; score: SimulationScoreResult } | null;
  /** Scores the published explanation the same way; null when it cannot or need not. */
  onScorePublished: (() => void) | null;
}) {
  const headingId = useId();
  const notice =
    published && publishedBasis
      ? comparabilityNotice(comparableOf(score.basis), publishedBasis)
      : null;
  // The published score sits beside this one only on the same basis; else it is set apart.
  const publishedInTable = published !== null && publishedBasis !== null && notice === null;
  const alikeNotice = publishedAlike
    ? comparabilityNotice(comparableOf(score.basis), comparableOf(publishedAlike.score.basis))
    : null;
  const anyNull =
    [score.ev_correlation_score, score.rsquared_score, score.absolute_dev_explained_score].some(
      (value) => value === null,
    ) || score.interval === null;
  return (
    <section className={styles.card} aria-labelledby={headingId}>
      <h4 id={headingId} className={styles.cardTitle}>
        {SCORER_LABELS.simulation.name}{' '}
        <span className={styles.cardWhat}>{SCORER_LABELS.simulation.what}</span>
      </h4>
      <div className={styles.scoresWrap}>
        <table className={styles.scoreTable}>
          <caption className="visually-hidden">
            {publishedInTable
              ? 'Simulation scores of this explanation and the published one'
              : 'Simulation scores of this explanation'}
          </caption>
          <thead>
            <tr>
              <td />
              <th scope="col" title="ev_correlation_score">
                Correlation
              </th>
              <th scope="col">95% interval</th>
              <th scope="col" title="rsquared_score">
                R²
              </th>
              <th scope="col" title="absolute_dev_explained_score">
                Abs. dev. explained
              </th>
              <th scope="col">Records</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">This explanation</th>
              <td>{formatScore(score.ev_correlation_score)}</td>
              <td className={styles.interval}>{formatInterval(score.interval)}</td>
              <td>{formatScore(score.rsquared_score)}</td>
              <td>{formatScore(score.absolute_dev_explained_score)}</td>
              <td>{score.basis.records}</td>
            </tr>
            {publishedAlike && !alikeNotice && (
              <tr>
                <th scope="row">
                  Published explanation, scored here the same way
                  <span className={styles.rowNote}>round {publishedAlike.round + 1}</span>
                </th>
                <td>{formatScore(publishedAlike.score.ev_correlation_score)}</td>
                <td className={styles.interval}>{formatInterval(publishedAlike.score.interval)}</td>
                <td>{formatScore(publishedAlike.score.rsquared_score)}</td>
                <td>{formatScore(publishedAlike.score.absolute_dev_explained_score)}</td>
                <td>{publishedAlike.score.basis.records}</td>
              </tr>
            )}
            {publishedInTable && (
              <tr>
                <th scope="row">
                  Published explanation
                  <span className={styles.rowNote}>
                    <q>{published.explanation.trim()}</q>
                  </span>
                </th>
                <td>{formatScore(published.scored_simulation.ev_correlation_score)}</td>
                <td>n/a</td>
                <td>{formatScore(published.scored_simulation.rsquared_score)}</td>
                <td>{formatScore(published.scored_simulation.absolute_dev_explained_score)}</td>
                <td>{publishedBasis?.records ?? 'n/a'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {notice && published && (
        <div role="note" className={styles.weak}>
          <p>{notice}</p>
          <p>
            So the published score is set apart, not beside this one: correlation{' '}
            {formatScore(published.scored_simulation.ev_correlation_score)} as released
            {publishedBasis?.records != null &&
              `, on ${publishedBasis.records} record${publishedBasis.records === 1 ? '' : 's'}`}
            {publishedBasis?.records != null &&
              publishedBasis.records < WEAK_BASIS_RECORDS &&
              ` (itself a weak basis: fewer than ${WEAK_BASIS_RECORDS})`}
            .
          </p>
        </div>
      )}
      {onScorePublished && published && (
        <p className={styles.hint}>
          <button type="button" className={styles.linkButton} onClick={onScorePublished}>
            Score the published explanation the same way
          </button>{' '}
          (<q>{published.explanation.trim()}</q>): the same scorers on the same records, as a round
          of its own, so that the two compare as equals.
        </p>
      )}
      <Basis basis={score.basis} />
      <p className={styles.hint}>
        Correlation is the paper’s score, over every token of the scored records. The published
        scores are as stored in the dataset{published ? '' : ' (this neuron has none)'}.
        {anyNull &&
          ' n/a: not defined, e.g. a correlation when the simulation is the same at every token, an interval on a single record, or a score the file does not hold.'}
      </p>
    </section>
  );
}

export function JudgedScoreCard({
  score,
  scale,
}: {
  score: JudgedScoreResult;
  scale: ActivationColorScale | null;
}) {
  const headingId = useId();
  const label = SCORER_LABELS[score.scorer];
  return (
    <section className={styles.card} aria-labelledby={headingId}>
      <h4 id={headingId} className={styles.cardTitle}>
        {label.name} <span className={styles.cardWhat}>{label.what}</span>
      </h4>
      <div className={styles.scoresWrap}>
        <table className={styles.scoreTable}>
          <caption className="visually-hidden">{label.name} scores of this explanation</caption>
          <thead>
            <tr>
              <td />
              <th scope="col">Balanced accuracy</th>
              <th scope="col">95% interval</th>
              <th scope="col">F1</th>
              <th
                scope="col"
                title="Area under the precision-recall curve, from the judge’s probabilities"
              >
                AUPRC
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">This explanation</th>
              <td>{formatScore(score.balanced_accuracy)}</td>
              <td className={styles.interval}>{formatInterval(score.interval)}</td>
              <td>{formatScore(score.f1)}</td>
              <td>{formatScore(score.auprc)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <Basis basis={score.basis} note={score.note} />
      {scale === null ? <Skeleton height="4rem" /> : <JudgedExamples score={score} scale={scale} />}
    </section>
  );
}

/** Every example the judge saw: where it comes from, the truth, the verdict, right or wrong. */
function JudgedExamples({
  score,
  scale,
}: {
  score: JudgedScoreResult;
  scale: ActivationColorScale;
}) {
  const right = score.examples.filter((example) => example.correct).length;
  const prepared = useMemo(
    () =>
      // The wrong ones first: they say why the explanation fails.
      [...score.examples.entries()]
        .sort(([a, x], [b, y]) => Number(x.correct) - Number(y.correct) || a - b)
        .map(([index, example]) => ({
          index,
          example,
          styles: example.activations.map((value) => scale(value)),
          series: [{ label: 'activation', values: example.activations }],
        })),
    [score.examples, scale],
  );
  const marks = score.scorer === 'fuzzing';
  return (
    <details className={styles.examples} open={right < score.examples.length}>
      <summary>
        Every example and the judge’s verdict: {right} of {score.examples.length} right
        {marks && ' (marked tokens are framed and underlined)'}
      </summary>
      <ol className={styles.exampleList}>
        {prepared.map(({ index, example, styles: tokenStyles, series }) => {
          const label = exampleLabel(example.source);
          const truth = example.activating
            ? marks
              ? 'the marks are the tokens where the neuron fires'
              : 'the neuron fires here'
            : marks
              ? 'the marks are random tokens; the neuron is quiet here'
              : 'the neuron is quiet here';
          const said = example.verdict.fits ? 'fits' : 'does not fit';
          const probability =
            example.verdict.probability === null
              ? ''
              : ` (probability of yes ${formatScore(example.verdict.probability)})`;
          const marked =
            example.marked && example.marked.length > 0
              ? `, marked: ${example.marked.map((i) => JSON.stringify(example.tokens[i]!.trim() || example.tokens[i]!)).join(', ')}`
              : '';
          return (
            <li key={index} className={example.correct ? styles.right : styles.wrong}>
              <p className={styles.verdict}>
                <strong>{example.correct ? '✓ right' : '✗ wrong'}</strong> · {label} · {truth} · the
                judge said it {said}
                {probability}
              </p>
              <TokenRecord
                tokens={example.tokens}
                tokenStyles={tokenStyles}
                series={series}
                marked={example.marked ?? undefined}
                label={`${label}, ${example.correct ? 'judged right' : 'judged wrong'}, the neuron’s activations${marked}`}
              />
            </li>
          );
        })}
      </ol>
    </details>
  );
}
