/**
 * What the test panel runs, and how: the link's test (the user's texts simulated, or each
 * round's scores) as queries, "Explain this neuron" and "Improve" as mutations, the handlers that
 * start and cancel them, and the words announcing their progress.
 */
import { useMemo, useRef, type Dispatch, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ExplainRequest } from '../../core/api/index.ts';
import { SCORER_NAMES } from '../../core/scoring/basis.ts';
import { queryKeys } from '../data/queries.ts';
import {
  normalizeScoreRequest,
  scoreQuery,
  useImprove,
  useScoreRounds,
  type NormalizedScoreRequest,
} from '../data/score.ts';
import { normalizeSimulateRequest, useExplanation, useSimulation } from '../data/simulation.ts';
import { progressText } from './model.ts';
import {
  sameTest,
  testOfCheck,
  type PanelAction,
  type PanelForm,
  type PanelState,
} from './panelState.ts';
import { doneAnnouncement } from './scoreModel.ts';
import { scoreProgressText } from './ScoreProgress.tsx';
import type { Round } from './ScoreRoundsView.tsx';
import type { SharedTest } from './shareLink.ts';

export interface PanelRunsOptions {
  neuronRequest: ExplainRequest;
  shared: SharedTest | null;
  online: boolean;
  hasRecords: boolean | null;
  form: PanelForm;
  state: PanelState;
  dispatch: Dispatch<PanelAction>;
  writeTest: (test: SharedTest | null) => void;
  /** Moves keyboard focus to a field, or back to the run button. */
  focus: { explanation: () => void; texts: () => void; run: () => void };
}

export function usePanelRuns({
  neuronRequest,
  shared,
  online,
  hasRecords,
  form,
  state,
  dispatch,
  writeTest,
  focus,
}: PanelRunsOptions) {
  const client = useQueryClient();
  // What the link asks for: the user's texts simulated, or each round's scores.
  const textsRequest = useMemo(() => {
    if (!online || !shared?.texts) return null;
    const checked = normalizeSimulateRequest({
      ...neuronRequest,
      explanation: shared.explanations.at(-1)!,
      texts: shared.texts,
    });
    return checked.ok ? checked.request : null;
  }, [online, shared, neuronRequest]);
  const scoreRequests = useMemo((): NormalizedScoreRequest[] => {
    if (!online || !shared || shared.texts) return [];
    return shared.explanations.flatMap((explanation) => {
      const checked = normalizeScoreRequest({
        ...neuronRequest,
        explanation,
        ...(shared.scorers && { scorers: shared.scorers }),
      });
      return checked.ok ? [checked.request] : [];
    });
  }, [online, shared, neuronRequest]);

  const simulation = useSimulation(textsRequest);
  const scoring = useScoreRounds(scoreRequests);
  const explain = useExplanation(neuronRequest);
  const improve = useImprove(neuronRequest);

  const explainAbort = useRef<AbortController | null>(null);
  const improveAbort = useRef<AbortController | null>(null);

  const latest = scoring.queries.at(-1);
  const scoringRunning = scoring.queries.some((query) => query.isFetching);
  const failedRound = scoring.queries.findIndex((query) => query.error && !query.isFetching);
  const explaining = explain.mutation.isPending;
  const improving = improve.mutation.isPending;
  const textsRunning = textsRequest !== null && simulation.query.isFetching;
  const running = explaining || improving || scoringRunning || textsRunning;
  const disabled = !online || running;

  function run(event?: FormEvent) {
    event?.preventDefault();
    dispatch({ type: 'submit' });
    const { check } = form;
    if (!check.ok) {
      if (check.field.startsWith('texts')) focus.texts();
      else if (check.field === 'explanation') focus.explanation();
      return;
    }
    if (disabled) return;
    dispatch({ type: 'run' });
    const next = testOfCheck(check);
    if (!sameTest(next, shared)) writeTest(next);
    else if (check.kind === 'texts') void simulation.query.refetch();
    else void latest?.refetch();
  }

  function startExplain() {
    if (disabled || hasRecords === false) return;
    dispatch({ type: 'run' });
    const controller = new AbortController();
    explainAbort.current = controller;
    explain.mutation.mutate(
      { signal: controller.signal },
      {
        onSuccess: (result) => {
          dispatch({
            type: 'explained',
            explanation: result.explanation,
            explainer: result.explainer,
          });
          writeTest({
            explanations: [result.explanation],
            texts: null,
            scorers: form.scorers.length === SCORER_NAMES.length ? null : [...form.scorers],
          });
          explain.mutation.reset();
        },
        onError: () => dispatch({ type: 'explain-failed', at: Date.now() }),
      },
    );
  }

  function startImprove() {
    const request = scoreRequests.at(-1);
    if (disabled || !request || !shared) return;
    dispatch({ type: 'run' });
    const controller = new AbortController();
    improveAbort.current = controller;
    improve.mutation.mutate(
      { request, signal: controller.signal },
      {
        onSuccess: (result) => {
          dispatch({
            type: 'improved',
            explanation: result.explanation,
            same: result.explanation === request.explanation,
          });
          writeTest({ ...shared, explanations: [...shared.explanations, result.explanation] });
          improve.mutation.reset();
        },
        onError: () => dispatch({ type: 'improve-failed', at: Date.now() }),
      },
    );
  }

  /**
   * Scores another explanation (the published one) with the same scorers on the same records, as
   * a round before the others: the like-for-like comparison the published score is not.
   */
  function scoreAlongside(explanation: string) {
    if (disabled || !shared || shared.texts) return;
    const text = explanation.trim();
    if (shared.explanations.some((known) => known.trim() === text)) return;
    dispatch({ type: 'run' });
    writeTest({ ...shared, explanations: [text, ...shared.explanations] });
  }

  function cancel() {
    if (explaining) {
      explainAbort.current?.abort();
      explain.mutation.reset();
    } else if (improving) {
      improveAbort.current?.abort();
      improve.mutation.reset();
    } else if (textsRunning && textsRequest) {
      void client.cancelQueries({ queryKey: queryKeys.simulation(textsRequest), exact: true });
      writeTest(null);
    } else if (scoringRunning && shared) {
      for (const request of scoreRequests) {
        void client.cancelQueries({ queryKey: scoreQuery(request).queryKey, exact: true });
      }
      // The rounds scored stay; the one cancelled goes from the link.
      const kept = scoring.queries.flatMap((query, i) =>
        query.data && !query.isFetching ? [shared.explanations[i]!] : [],
      );
      writeTest(kept.length > 0 ? { ...shared, explanations: kept } : null);
    } else return;
    dispatch({ type: 'cancelled' });
    // The Cancel button goes away; keep keyboard focus in the panel.
    focus.run();
  }

  const rounds: Round[] = scoreRequests.map((request, i) => ({
    request,
    result: scoring.queries[i]?.isFetching ? undefined : scoring.queries[i]?.data,
  }));
  const shownRound = Math.min(state.shownRound ?? rounds.length - 1, rounds.length - 1);
  const steps = scoreRequests.at(-1)?.scorers ?? form.scorers;
  const textsResult =
    textsRequest && !simulation.query.isFetching ? simulation.query.data : undefined;
  const latestResult = latest && !latest.isFetching ? latest.data : undefined;

  const announcement = explaining
    ? explain.progress.explanation
      ? `Explanation written. ${progressText(explain.progress, 'records')}`
      : 'Writing an explanation…'
    : improving
      ? improve.progress.explanation
        ? `Revision written. ${scoreProgressText(steps, improve.progress)}`
        : scoreProgressText(['revision'], improve.progress)
      : textsRunning
        ? progressText(simulation.progress, 'texts')
        : scoringRunning
          ? scoreProgressText(steps, scoring.progress)
          : textsResult && textsResult.mode === 'texts'
            ? `Done: ${textsResult.simulations.length} texts simulated${textsResult.cached ? ', from the server’s cache' : ''}.`
            : latestResult && rounds.length > 0
              ? doneAnnouncement(latestResult)
              : (state.notice ?? '');

  return {
    textsRequest,
    scoreRequests,
    simulation,
    scoring,
    explain,
    improve,
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
    announcement,
    run,
    startExplain,
    startImprove,
    scoreAlongside,
    cancel,
  };
}

export type PanelRuns = ReturnType<typeof usePanelRuns>;
