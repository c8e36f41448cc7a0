/**
 * Query keys and hooks for every dataset file. Components get data only through these hooks.
 */
import { queryOptions, useQueries, useQuery, type QueryClient } from '@tanstack/react-query';
import type { NeuronFileKind, NeuronFileTypes } from '../../core/format/types.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { parseNeuronFile } from '../../core/format/parse.ts';
import { parseDatasetList, parseLayerIndex, parseManifest } from '../../core/dataset/parse.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { datasetUrl, fetchText, FetchError } from './http.ts';
import type { NormalizedSimulateRequest } from '../../core/api/index.ts';

export const queryKeys = {
  datasets: () => ['datasets'] as const,
  manifest: (dataset: string) => ['manifest', dataset] as const,
  layerIndex: (dataset: string, layer: number) => ['layer-index', dataset, layer] as const,
  neuronFile: (dataset: string, kind: NeuronFileKind, layer: number, neuron: number) =>
    ['neuron-file', dataset, kind, layer, neuron] as const,
  health: () => ['server-health'] as const,
  /** A layer index as typed columns, loaded (and indexed for search) by the search worker. */
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

export const datasetsQuery = () =>
  queryOptions({
    queryKey: queryKeys.datasets(),
    queryFn: async () => {
      const url = 'datasets/index.json';
      return parseDatasetList(await fetchText(url, { cache: 'no-cache' }), { path: url });
    },
    staleTime: Infinity,
  });

export const manifestQuery = (dataset: string) =>
  queryOptions({
    queryKey: queryKeys.manifest(dataset),
    queryFn: async () => {
      const url = datasetUrl(dataset, 'manifest.json');
      return parseManifest(await fetchText(url, { cache: 'no-cache' }), { path: url });
    },
    staleTime: Infinity,
  });

/** Needs the manifest (for the layer index's content-hashed name). */
export const layerIndexQuery = (
  dataset: string,
  layer: number,
  manifest: DatasetManifest | undefined,
) =>
  queryOptions({
    queryKey: queryKeys.layerIndex(dataset, layer),
    queryFn: async () => {
      const summary = manifest?.layers.find((entry) => entry.layer === layer);
      if (!summary) throw new Error(`Dataset ${dataset} has no layer ${layer}`);
      const url = datasetUrl(dataset, summary.index);
      return parseLayerIndex(await fetchText(url), { path: url });
    },
    enabled: manifest !== undefined,
    staleTime: Infinity,
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
      const url = datasetUrl(dataset, path);
      try {
        return parseNeuronFile(kind, await fetchText(url), { path, layer, neuron });
      } catch (error) {
        if (error instanceof FetchError && error.notFound) return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: (failureCount, error) =>
      failureCount < 2 &&
      error instanceof FetchError &&
      error.status !== null &&
      error.status >= 500,
  });

export function useDatasets() {
  return useQuery(datasetsQuery());
}

/** `dataset` undefined (not yet known, e.g. while datasets/index.json loads) waits. */
export function useManifest(dataset: string | undefined) {
  return useQuery({ ...manifestQuery(dataset ?? ''), enabled: dataset !== undefined });
}

/**
 * Several layers' indexes at once (e.g. the layers of a neuron's upstream and downstream neurons);
 * results are in the order of `layers`.
 */
export function useLayerIndexes(dataset: string, layers: readonly number[]) {
  const manifest = useManifest(dataset);
  return useQueries({
    queries: layers.map((layer) => layerIndexQuery(dataset, layer, manifest.data)),
  });
}

export function useNeuronFile<K extends NeuronFileKind>(
  dataset: string,
  kind: K,
  layer: number,
  neuron: number,
) {
  return useQuery(neuronFileQuery(dataset, kind, layer, neuron));
}

/** Warm the cache for a neuron the user is likely to open next. */
export function prefetchNeuron(
  client: QueryClient,
  dataset: string,
  layer: number,
  neuron: number,
) {
  for (const kind of ['explanations', 'collated-activations'] as const) {
    void client.prefetchQuery(neuronFileQuery(dataset, kind, layer, neuron));
  }
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
