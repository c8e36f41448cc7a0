/**
 * A scored explanation, and the rounds of improving it: the rounds side by side (each scorer's
 * headline score and interval per round), then one round in full: who produced it, each scorer's
 * card, the share link (all rounds), "Improve" on the latest round, and the records it simulated.
 */
import { useId } from 'react';
import type { ScoreResult } from '../../core/api/score.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import { SCORER_NAMES, type ComparableBasis, type ScorerName } from '../../core/scoring/basis.ts';
import type { NormalizedScoreRequest } from '../data/score.ts';
import type { SimulationView } from '../settings.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { formatScore } from '../visuals/tokens.ts';
import { describeProvider, type ProviderDescription } from './model.ts';
import { JudgedScoreCard, SimulationScoreCard } from './ScoreCards.tsx';
import { formatInterval, headline, headlineInterval, SCORER_LABELS } from './scoreModel.ts';
import { ShareLink } from './ShareLink.tsx';
import { shareUrl } from './shareLink.ts';
import { RecordSequences, ResultExplanation, ResultHead } from './SimulationResultView.tsx';
import styles from './SimulatePanel.module.css';

export interface Round {
  request: NormalizedScoreRequest;
  /** Undefined while it has not been scored (or failed). */
  result: ScoreResult | undefined;
}

export function ScoreRoundsView({
  rounds,
  shown,
  onShow,
  published,
  publishedBasis,
  scale,
  view,
  onView,
  onEdit,
  written,
  improve,
  onScorePublished,
}: {
  rounds: readonly Round[];
  /** The round shown in full. */
  shown: number;
  onShow: (index: number) => void;
  published: ScoredExplanation | null;
  publishedBasis: ComparableBasis | null;
  scale: ActivationColorScale | null;
  view: SimulationView;
  onView: (view: SimulationView) => void;
  onEdit: (explanation: string) => void;
  /** What "Explain this neuron" wrote last, to say so beside it. */
  written: { explanation: string; explainer: { id: 'baseline' | 'openai'; model: string } } | null;
  improve: {
    onImprove: () => void;
    disabled: boolean;
    reviser: ProviderDescription | null;
  };
  /** Scores the published explanation the same way, as a round; null while that cannot run. */
  onScorePublished: (() => void) | null;
}) {
  const round = rounds[shown];
  const result = round?.result;
  if (!round || !result) return null;
  const latest = shown === rounds.length - 1;
  const scorers = round.request.scorers;
  const { dataset, layer, neuron } = round.request;
  const link = shareUrl(
    window.location,
    dataset,
    { layer, neuron },
    {
      explanations: rounds.map((r) => r.request.explanation),
      texts: null,
      scorers: scorers.length === SCORER_NAMES.length ? null : [...scorers],
    },
  );
  const bases = Object.values(result.scores).map((score) => score.basis);
  const simulator = bases.find((basis) => basis.role === 'simulator');
  const judge = bases.find((basis) => basis.role === 'judge');
  const describe = (basis: typeof simulator, role: 'simulator' | 'judge') =>
    basis && describeProvider({ id: basis.provider, model: basis.model }, role);
  const simulatedBy = describe(simulator, 'simulator');
  const judgedBy = describe(judge, 'judge');
  const writtenBy =
    written && written.explanation === result.explanation
      ? describeProvider(written.explainer, 'explainer')
      : null;
  const revisedBy = result.revision ? describeProvider(result.revision.reviser, 'explainer') : null;
  // The published explanation scored here, the same way, in a round of its own (if it was).
  const publishedText = published?.explanation.trim() ?? null;
  const publishedIndex =
    publishedText === null
      ? -1
      : rounds.findIndex((r) => r.request.explanation.trim() === publishedText);
  const publishedRound = rounds[publishedIndex];
  const publishedAlike =
    publishedIndex >= 0 && publishedIndex !== shown && publishedRound?.result?.scores.simulation
      ? { round: publishedIndex, score: publishedRound.result.scores.simulation }
      : null;

  return (
    <div className={styles.result}>
      {rounds.length > 1 && (
        <RoundsTable rounds={rounds} shown={shown} onShow={onShow} published={publishedText} />
      )}
      <ResultHead
        title={rounds.length > 1 ? `Round ${shown + 1} of ${rounds.length}` : 'Result'}
        cached={result.cached}
      />
      <ResultExplanation
        explanation={result.explanation}
        onEdit={() => onEdit(result.explanation)}
      />
      <ul className={styles.provenance}>
        {writtenBy && (
          <li>
            Explanation written by <strong className={styles.model}>{writtenBy.byline}</strong>{' '}
            <span className="muted">({writtenBy.detail})</span>
          </li>
        )}
        {revisedBy && result.revision && (
          <li>
            Revised by <strong className={styles.model}>{revisedBy.byline}</strong>{' '}
            <span className="muted">({revisedBy.detail})</span> from <q>{result.revision.from}</q>,
            shown the {result.revision.shown.length} records kept out of scoring that it simulated
            worst
          </li>
        )}
        {simulatedBy && (
          <li>
            Simulated by <strong className={styles.model}>{simulatedBy.byline}</strong>{' '}
            <span className="muted">({simulatedBy.detail})</span>
          </li>
        )}
        {judgedBy && (
          <li>
            Judged by <strong className={styles.model}>{judgedBy.byline}</strong>{' '}
            <span className="muted">({judgedBy.detail})</span>
          </li>
        )}
      </ul>

      {result.scores.simulation && (
        <SimulationScoreCard
          score={result.scores.simulation}
          published={published}
          publishedBasis={publishedBasis}
          publishedAlike={publishedAlike}
          onScorePublished={
            publishedIndex < 0 && result.explanation.trim() !== publishedText
              ? onScorePublished
              : null
          }
        />
      )}
      {result.scores.detection && <JudgedScoreCard score={result.scores.detection} scale={scale} />}
      {result.scores.fuzzing && <JudgedScoreCard score={result.scores.fuzzing} scale={scale} />}

      <ShareLink url={link} />

      {latest && (
        <div className={styles.improve}>
          <button
            type="button"
            onClick={improve.onImprove}
            disabled={improve.disabled}
            className={styles.primary}
          >
            {rounds.length > 1 ? 'Improve again' : 'Improve this explanation'}
          </button>
          <p className={styles.hint}>
            Asks {improve.reviser ? improve.reviser.byline : 'the explainer'} for a revision, shown
            the records kept out of scoring that this explanation simulated worst, and scores the
            revision with the same scorers, beside this round. Stop whenever the rounds stop getting
            better.
          </p>
        </div>
      )}

      {result.scores.simulation && (
        <RecordSequences
          records={result.scores.simulation.records}
          sequences={result.scores.simulation.scored_sequence_simulations}
          scale={scale}
          view={view}
          onView={onView}
        />
      )}
    </div>
  );
}

function RoundsTable({
  rounds,
  shown,
  onShow,
  published,
}: {
  rounds: readonly Round[];
  shown: number;
  onShow: (index: number) => void;
  /** The published explanation, to name its round. */
  published: string | null;
}) {
  const captionId = useId();
  const scorers = SCORER_NAMES.filter((scorer: ScorerName) =>
    rounds.some((round) => round.request.scorers.includes(scorer)),
  );
  return (
    <div className={styles.scoresWrap}>
      <table className={styles.scoreTable} aria-labelledby={captionId}>
        <caption id={captionId} className={styles.roundsCaption}>
          Rounds of improvement, side by side
        </caption>
        <thead>
          <tr>
            <td />
            {rounds.map((round, i) => (
              <th key={i} scope="col">
                Round {i + 1}
                {round.request.explanation.trim() === published && (
                  <span className={styles.rowNote}>the published explanation</span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Explanation</th>
            {rounds.map((round, i) => (
              <td key={i} className={styles.roundExplanation}>
                <q>{round.request.explanation}</q>
              </td>
            ))}
          </tr>
          {scorers.map((scorer) => (
            <tr key={scorer}>
              <th scope="row">
                {SCORER_LABELS[scorer].name}
                <span className={styles.rowNote}>
                  {scorer === 'simulation' ? 'correlation' : 'balanced accuracy'}, 95% interval
                </span>
              </th>
              {rounds.map((round, i) => (
                <td key={i}>
                  {round.result ? (
                    <>
                      {formatScore(headline(round.result, scorer))}{' '}
                      <span className="muted">
                        ({formatInterval(headlineInterval(round.result, scorer) ?? null)})
                      </span>
                    </>
                  ) : (
                    '…'
                  )}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <td />
            {rounds.map((round, i) => (
              <td key={i}>
                <button
                  type="button"
                  className={styles.linkButton}
                  aria-pressed={i === shown}
                  disabled={!round.result}
                  onClick={() => onShow(i)}
                >
                  Show round {i + 1}
                </button>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
