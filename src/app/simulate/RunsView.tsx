/**
 * What the test panel shows of its runs: progress, failures with their retry, notices, and the
 * results (the user's texts simulated, or the rounds of scores).
 */
import type { Dispatch } from 'react';
import type { ExplainRequest } from '../../core/api/index.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import type { SimulationView } from '../settings.ts';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import type { ProviderDescription } from './model.ts';
import type { PanelAction, PanelState } from './panelState.ts';
import { RunError } from './RunError.tsx';
import { RunProgress } from './RunProgress.tsx';
import { publishedBasis } from './scoreModel.ts';
import { ScoreProgress } from './ScoreProgress.tsx';
import { ScoreRoundsView } from './ScoreRoundsView.tsx';
import { TextsResultView } from './SimulationResultView.tsx';
import type { PanelRuns } from './usePanelRuns.ts';
import styles from './SimulatePanel.module.css';

export function RunsView({
  runs,
  state,
  dispatch,
  neuronRequest,
  published,
  synthetic,
  scale,
  view,
  onView,
  explainer,
  onEditExplanation,
  focus,
}: {
  runs: PanelRuns;
  state: PanelState;
  dispatch: Dispatch<PanelAction>;
  neuronRequest: ExplainRequest;
  published: ScoredExplanation | null;
  /** The dataset is the synthetic demo (its published scores are the baseline's). */
  synthetic: boolean;
  scale: ActivationColorScale | null;
  view: SimulationView;
  onView: (view: SimulationView) => void;
  explainer: ProviderDescription | null;
  onEditExplanation: (text: string) => void;
  focus: { explanation: () => void; texts: () => void; run: () => void };
}) {
  const {
    explain,
    improve,
    simulation,
    scoring,
    textsRequest,
    scoreRequests,
    explaining,
    improving,
    scoringRunning,
    running,
    disabled,
    failedRound,
    rounds,
    shownRound,
    steps,
    textsResult,
    startExplain,
    startImprove,
    scoreAlongside,
    cancel,
  } = runs;
  return (
    <>
      {explaining && (
        <RunProgress
          title={
            explain.progress.explanation
              ? 'Scoring the explanation it wrote'
              : `Writing an explanation${explainer ? ` with ${explainer.byline}` : ''}`
          }
          explanation={explain.progress.explanation?.explanation ?? null}
          progress={explain.progress}
          unit="records"
          onCancel={cancel}
        />
      )}
      {!explaining && explain.mutation.error && (
        <RunError
          action="Writing an explanation"
          error={explain.mutation.error}
          failedAt={state.explainFailedAt}
          onRetry={() => {
            startExplain();
            focus.run();
          }}
          retryDisabled={disabled}
          onDismiss={() => explain.mutation.reset()}
        />
      )}
      {improving && (
        <ScoreProgress
          title={
            improve.progress.explanation
              ? 'Scoring the revision'
              : 'Revising the explanation from the records it simulated worst'
          }
          explanation={improve.progress.explanation?.explanation ?? null}
          steps={improve.progress.explanation ? steps : ['revision']}
          progress={improve.progress}
          onCancel={cancel}
        />
      )}
      {!improving && improve.mutation.error && (
        <RunError
          action="Improving the explanation"
          error={improve.mutation.error}
          failedAt={state.improveFailedAt}
          onRetry={() => {
            startImprove();
            focus.run();
          }}
          retryDisabled={disabled}
          onDismiss={() => improve.mutation.reset()}
        />
      )}
      {state.notice && !running && <p className={styles.notice}>{state.notice}</p>}

      {textsRequest &&
        !explaining &&
        (simulation.query.isFetching ? (
          <RunProgress
            title="Simulating your texts"
            explanation={textsRequest.explanation}
            progress={simulation.progress}
            unit="texts"
            onCancel={cancel}
          />
        ) : simulation.query.error ? (
          <RunError
            action="Simulating your texts"
            error={simulation.query.error}
            failedAt={simulation.query.errorUpdatedAt}
            onRetry={() => {
              void simulation.query.refetch();
              focus.run();
            }}
            retryDisabled={disabled}
            onEditField={(field) =>
              field.startsWith('texts') ? focus.texts() : focus.explanation()
            }
          />
        ) : textsResult && textsResult.mode === 'texts' ? (
          <TextsResultView
            result={textsResult}
            texts={textsRequest.texts ?? []}
            address={neuronRequest}
            scale={scale}
            view={view}
            onView={onView}
            onEdit={() => onEditExplanation(textsResult.explanation)}
          />
        ) : null)}

      {rounds.length > 0 && !explaining && (
        <>
          {scoringRunning && (
            <ScoreProgress
              title="Scoring the explanation"
              explanation={scoreRequests.at(-1)!.explanation}
              steps={steps}
              progress={scoring.progress}
              onCancel={cancel}
            />
          )}
          {failedRound >= 0 && (
            <RunError
              action={
                rounds.length > 1 ? `Scoring round ${failedRound + 1}` : 'Scoring the explanation'
              }
              error={scoring.queries[failedRound]!.error!}
              failedAt={scoring.queries[failedRound]!.errorUpdatedAt}
              onRetry={() => {
                void scoring.queries[failedRound]!.refetch();
                focus.run();
              }}
              retryDisabled={disabled}
              onEditField={() => focus.explanation()}
            />
          )}
          <ScoreRoundsView
            rounds={rounds}
            shown={rounds[shownRound]?.result ? shownRound : rounds.findLastIndex((r) => r.result)}
            onShow={(index) => dispatch({ type: 'show-round', index })}
            published={published}
            publishedBasis={published ? publishedBasis(published, synthetic) : null}
            scale={scale}
            view={view}
            onView={onView}
            onEdit={onEditExplanation}
            written={state.written}
            improve={{ onImprove: startImprove, disabled, reviser: explainer }}
            onScorePublished={
              published && !disabled ? () => scoreAlongside(published.explanation) : null
            }
          />
        </>
      )}
    </>
  );
}
