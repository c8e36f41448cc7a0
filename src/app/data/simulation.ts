/**
 * Hooks for simulating and explaining on demand. A simulation is a query keyed by its request, so
 * a request in the URL (a share link) runs by itself, a repeated one is answered from memory, and
 * cancelling is TanStack Query's cancelQueries. Progress streams into a sibling query's data.
 * Writing an explanation is a mutation (each call writes anew); its result seeds the simulation
 * query of the explanation it wrote, so testing that explanation shows it without a second run.
 */
import {
  queryOptions,
  skipToken,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import {
  HealthSchema,
  requestProblem,
  SimulateRequestSchema,
  type ExplainRequest,
  type ExplainResult,
  type ExplanationEvent,
  type Health,
  type NormalizedSimulateRequest,
  type ProgressEvent,
  type SimulateRequest,
} from '../../core/api/index.ts';
import { streamExplanation, streamSimulation } from './api.ts';
import { queryKeys, useServerHealth } from './queries.ts';

/** The request as the server will read it, or the first problem with it (naming the field). */
export function normalizeSimulateRequest(
  request: SimulateRequest,
):
  { ok: true; request: NormalizedSimulateRequest } | { ok: false; field: string; message: string } {
  const parsed = SimulateRequestSchema.safeParse(request);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, ...requestProblem(parsed.error) };
}

/** What a run has streamed so far. */
export interface RunProgress {
  /** From /api/explain: the explanation written, before it is simulated. */
  explanation: ExplanationEvent | null;
  done: number;
  /** Null until the first record is done. */
  total: number | null;
  /** The records (or texts) finished, in the order they finished. */
  finished: readonly ProgressEvent['record'][];
}

export const NO_PROGRESS: RunProgress = { explanation: null, done: 0, total: null, finished: [] };

function reporter(client: QueryClient, key: readonly unknown[]) {
  client.setQueryData<RunProgress>(key, NO_PROGRESS);
  const update = (patch: (current: RunProgress) => RunProgress) =>
    client.setQueryData<RunProgress>(key, (current) => patch(current ?? NO_PROGRESS));
  return {
    onProgress: (event: ProgressEvent) =>
      update((current) => ({
        ...current,
        done: event.done,
        total: event.total,
        finished: [...current.finished, event.record],
      })),
    onExplanation: (event: ExplanationEvent) =>
      update((current) => ({ ...current, explanation: event })),
  };
}

export const simulationQuery = (request: NormalizedSimulateRequest) =>
  queryOptions({
    queryKey: queryKeys.simulation(request),
    queryFn: ({ signal, client, queryKey }) => {
      const { texts, ...rest } = request;
      return streamSimulation(
        { ...rest, ...(texts && { texts: [...texts] }) },
        { signal, ...reporter(client, queryKeys.runProgress('simulate', queryKey)) },
      );
    },
    // A result stays right for its request; a failure is retried by the user, not behind their back.
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

/** The simulation of `request`, run when `request` is given; null: nothing to run. */
export function useSimulation(request: NormalizedSimulateRequest | null) {
  const options = simulationQuery(request ?? { dataset: '', layer: 0, neuron: 0, explanation: '' });
  const query = useQuery({ ...options, enabled: request !== null });
  const progress = useRunProgress(queryKeys.runProgress('simulate', options.queryKey));
  return { query, progress };
}

/** Streamed progress under `key`, written by a run's reporter. */
function useRunProgress(key: readonly unknown[]): RunProgress {
  const query = useQuery<RunProgress>({ queryKey: key, queryFn: skipToken, staleTime: Infinity });
  return query.data ?? NO_PROGRESS;
}

/**
 * "Explain this neuron": `mutate({ signal })` writes an explanation and scores it. On success the
 * result is also the simulation query's data for that explanation.
 */
export function useExplanation(neuron: ExplainRequest) {
  const client = useQueryClient();
  const progressKey = queryKeys.runProgress('explain', [
    neuron.dataset,
    neuron.layer,
    neuron.neuron,
  ]);
  const mutation = useMutation<ExplainResult, Error, { signal: AbortSignal }>({
    mutationFn: ({ signal }) =>
      streamExplanation(neuron, { signal, ...reporter(client, progressKey) }),
    onSuccess: (result) => {
      const seeded = normalizeSimulateRequest({ ...neuron, explanation: result.explanation });
      if (seeded.ok) client.setQueryData(queryKeys.simulation(seeded.request), result);
    },
  });
  const progress = useRunProgress(progressKey);
  return { mutation, progress };
}

/** The server's health (simulator, explainer, limits) when it is there and says so. */
export function useApiHealth(): { online: boolean; checking: boolean; health: Health | null } {
  const { online, checking, query } = useServerHealth();
  const parsed = HealthSchema.safeParse(query.data?.detail);
  return { online, checking, health: online && parsed.success ? parsed.data : null };
}
