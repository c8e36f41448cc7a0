/**
 * Hooks for scoring explanations on demand (`POST api/score`) and improving them (`api/improve`).
 * A score is a query keyed by its request, as a simulation is (see data/simulation.ts): a request
 * in the URL (a share link) runs by itself, a repeated one is answered from memory. Progress per
 * scorer streams into a sibling query's data. Improving is a mutation whose result seeds the score
 * query of the revision, so showing the new round costs no second run.
 */
import {
  queryOptions,
  skipToken,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import {
  requestedScorers,
  ScoreRequestSchema,
  type ExplanationEvent,
  type ScoreProgressEvent,
  type ScoreRequest,
  type ScoreResult,
} from '../../core/api/index.ts';
import type { ScorerName } from '../../core/scoring/basis.ts';
import { streamImprove, streamScore } from './api.ts';
import { queryKeys } from './queries.ts';

/** A request as the server reads it: validated, explanation trimmed, scorers in canonical order. */
export interface NormalizedScoreRequest {
  readonly dataset: string;
  readonly layer: number;
  readonly neuron: number;
  readonly explanation: string;
  readonly scorers: readonly ScorerName[];
}

/** The request as the server will read it, or the first problem with it (naming the field). */
export function normalizeScoreRequest(
  request: ScoreRequest,
): { ok: true; request: NormalizedScoreRequest } | { ok: false; field: string; message: string } {
  const parsed = ScoreRequestSchema.safeParse(request);
  if (parsed.success) {
    return {
      ok: true,
      request: { ...parsed.data, scorers: requestedScorers(parsed.data.scorers) },
    };
  }
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    field: issue?.path.join('.') ?? '',
    message: (issue?.message ?? 'invalid request').replace(/^[\w.]+:\s*/, ''),
  };
}

/** What a score (or improve) run has streamed so far: progress per scorer. */
export interface ScoreProgress {
  /** From api/improve: the revision, once written. */
  explanation: ExplanationEvent | null;
  scorers: Partial<Record<ScoreProgressEvent['scorer'], { done: number; total: number }>>;
}

const NO_SCORE_PROGRESS: ScoreProgress = { explanation: null, scorers: {} };

function reporter(client: QueryClient, key: readonly unknown[]) {
  client.setQueryData<ScoreProgress>(key, NO_SCORE_PROGRESS);
  const update = (patch: (current: ScoreProgress) => ScoreProgress) =>
    client.setQueryData<ScoreProgress>(key, (current) => patch(current ?? NO_SCORE_PROGRESS));
  return {
    onProgress: (event: ScoreProgressEvent) =>
      update((current) => ({
        ...current,
        scorers: { ...current.scorers, [event.scorer]: { done: event.done, total: event.total } },
      })),
    onExplanation: (event: ExplanationEvent) =>
      update((current) => ({ ...current, explanation: event })),
  };
}

const wire = (request: NormalizedScoreRequest): ScoreRequest => ({
  ...request,
  scorers: [...request.scorers],
});

export const scoreQuery = (request: NormalizedScoreRequest) =>
  queryOptions({
    queryKey: queryKeys.score(request),
    queryFn: ({ signal, client, queryKey }) =>
      streamScore(wire(request), {
        signal,
        ...reporter(client, queryKeys.runProgress('score', queryKey)),
      }),
    // A result stays right for its request; a failure is retried by the user, not behind their back.
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

/** Streamed progress under `key`, written by a run's reporter. */
function useScoreProgress(key: readonly unknown[]): ScoreProgress {
  const query = useQuery<ScoreProgress>({ queryKey: key, queryFn: skipToken, staleTime: Infinity });
  return query.data ?? NO_SCORE_PROGRESS;
}

/**
 * The scores of each round (one request per explanation tried, oldest first), run as they are
 * asked for; and the progress of the latest.
 */
export function useScoreRounds(requests: readonly NormalizedScoreRequest[]) {
  const queries = useQueries({ queries: requests.map((request) => scoreQuery(request)) });
  const latest = requests.at(-1);
  const progress = useScoreProgress(
    queryKeys.runProgress('score', latest ? queryKeys.score(latest) : ['none']),
  );
  return { queries, progress };
}

/**
 * "Improve": `mutate({ request, signal })` revises `request.explanation` and scores the revision
 * with the same scorers. On success the result is also the revision's score query's data.
 */
export function useImprove(neuron: { dataset: string; layer: number; neuron: number }) {
  const client = useQueryClient();
  const progressKey = queryKeys.runProgress('improve', [
    neuron.dataset,
    neuron.layer,
    neuron.neuron,
  ]);
  const mutation = useMutation<
    ScoreResult,
    Error,
    { request: NormalizedScoreRequest; signal: AbortSignal }
  >({
    mutationFn: ({ request, signal }) =>
      streamImprove(wire(request), { signal, ...reporter(client, progressKey) }),
    onSuccess: (result, { request }) => {
      const revised = normalizeScoreRequest({ ...wire(request), explanation: result.explanation });
      if (revised.ok) client.setQueryData(queryKeys.score(revised.request), result);
    },
  });
  const progress = useScoreProgress(progressKey);
  return { mutation, progress };
}
