/**
 * Query keys and hooks for every dataset file. Components get data only through these hooks.
 */
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import {
  DATASET_LIST_URL,
  FIRST_NEURON_FILES,
  manifestUrl,
  neuronFileUrl,
  type NeuronAddress,
} from '../../core/address/address.ts';
import type { NeuronFileKind, NeuronFileTypes } from '../../core/format/types.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { parseNeuronFile } from '../../core/format/parse.ts';
import { parseDatasetList, parseManifest } from '../../core/dataset/parse.ts';
import { fetchText, FetchError } from './http.ts';
import type { NormalizedSimulateRequest } from '../../core/api/index.ts';

export const queryKeys = {
  datasets: () => ['datasets'] as const,
  manifest: (dataset: string) => ['manifest', dataset] as const,
  neuronFile: (dataset: string, kind: NeuronFileKind, layer: number, neuron: number) =>
    ['neuron-file', dataset, kind, layer, neuron] as const,
  health: () => ['server-health'] as const,
  /** A simulation run, keyed by its whole request (see data/simulation.ts). */
  simulation: (request: NormalizedSimulateRequest) =>
    [
      'simulation',
      request.dataset,
      request.layer,
      request.neuron,
      request.explanation,
      request.texts ?? null,
    ] as const,
  /** The streamed progress of the run of the same request (or of an explain run). */
  runProgress: (run: 'simulate' | 'explain', key: readonly unknown[]) =>
    ['run-progress', run, ...key] as const,
};

/**
 * Retry a failed file only when the server or the network failed (twice): a 404 or a malformed
 * file will not get better, and the page says so at once.
 */
function retryServerErrors(failureCount: number, error: Error): boolean {
  return (
    failureCount < 2 &&
    error instanceof FetchError &&
    (error.status === null || error.status >= 500)
  );
}

export const datasetsQuery = () =>
  queryOptions({
    queryKey: queryKeys.datasets(),
    queryFn: async () =>
      parseDatasetList(await fetchText(DATASET_LIST_URL, { cache: 'no-cache' }), {
        path: DATASET_LIST_URL,
      }),
    staleTime: Infinity,
    retry: retryServerErrors,
  });

export const manifestQuery = (dataset: string) =>
  queryOptions({
    queryKey: queryKeys.manifest(dataset),
    queryFn: async () => {
      const url = manifestUrl(dataset);
      return parseManifest(await fetchText(url, { cache: 'no-cache' }), { path: url });
    },
    staleTime: Infinity,
    retry: retryServerErrors,
  });

/**
 * A per-neuron file. A file that does not exist (404) resolves to null: many neurons have an
 * explanation but no records, or the reverse, and the page says so rather than failing.
 */
export const neuronFileQuery = <K extends NeuronFileKind>(
  dataset: string,
  kind: K,
  layer: number,
  neuron: number,
) =>
  queryOptions({
    queryKey: queryKeys.neuronFile(dataset, kind, layer, neuron),
    queryFn: async (): Promise<NeuronFileTypes[K] | null> => {
      const path = neuronFilePath(kind, layer, neuron);
      const url = neuronFileUrl(dataset, kind, { layer, neuron });
      try {
        return parseNeuronFile(kind, await fetchText(url), { path, layer, neuron });
      } catch (error) {
        if (error instanceof FetchError && error.notFound) return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: retryServerErrors,
  });

export function useDatasets() {
  return useQuery(datasetsQuery());
}

/** `dataset` undefined (not yet known, e.g. while datasets/index.json loads) waits. */
export function useManifest(dataset: string | undefined) {
  return useQuery({ ...manifestQuery(dataset ?? ''), enabled: dataset !== undefined });
}

export function useNeuronFile<K extends NeuronFileKind>(
  dataset: string,
  kind: K,
  layer: number,
  neuron: number,
) {
  return useQuery(neuronFileQuery(dataset, kind, layer, neuron));
}

/** Warm the cache for a neuron the user is likely to open next: the files its page shows first. */
export function prefetchNeuron(
  client: QueryClient,
  dataset: string,
  { layer, neuron }: NeuronAddress,
) {
  for (const kind of FIRST_NEURON_FILES) {
    void client.prefetchQuery(neuronFileQuery(dataset, kind, layer, neuron));
  }
}

/**
 * What a neuron page needs first, started by its route's loader with the query options the page
 * renders from: the dataset list (for the release form, which names no dataset), then the
 * manifest and the neuron's records and explanation side by side.
 */
export function prefetchNeuronPage(
  client: QueryClient,
  dataset: string | null,
  address: NeuronAddress,
): void {
  const id =
    dataset !== null
      ? Promise.resolve(dataset)
      : client.fetchQuery(datasetsQuery()).then((list) => list.default);
  id.then(
    (known) => {
      void client.prefetchQuery(manifestQuery(known));
      prefetchNeuron(client, known, address);
    },
    () => {
      // The page shows the failure (with a retry) when it asks for the same query.
    },
  );
}

/** What `api/health` said; `online` is false on a static host (no server behind the app). */
export interface ServerHealth {
  online: boolean;
  /** The parsed body of `api/health` when the server answered. */
  detail: unknown;
}

export const serverHealthQuery = () =>
  queryOptions({
    queryKey: queryKeys.health(),
    queryFn: async ({ signal }): Promise<ServerHealth> => {
      try {
        const body: unknown = JSON.parse(
          await fetchText('api/health', { cache: 'no-store', signal }),
        );
        // A static host may answer any path with index.html or a 404: only a JSON object counts.
        return { online: typeof body === 'object' && body !== null, detail: body };
      } catch {
        return { online: false, detail: null };
      }
    },
    staleTime: 30_000,
    retry: false,
  });

/**
 * Whether the Node server is behind the app. Controls that need it (simulating an explanation)
 * should be disabled with a note while `online` is false; `checking` is true until the first answer.
 */
export function useServerHealth() {
  const query = useQuery(serverHealthQuery());
  return { online: query.data?.online ?? false, checking: query.isPending, query };
}
