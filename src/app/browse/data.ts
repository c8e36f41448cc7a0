/**
 * The browse page's data: layer indexes loaded by the search worker into one NeuronTable per
 * dataset (kept for the session, so coming back to the page is instant), search hits, and the
 * explanation order (sorting 307,200 strings is left to the worker).
 */
import { useCallback } from 'react';
import {
  keepPreviousData,
  queryOptions,
  useQueries,
  useQuery,
  type QueryObserverResult,
} from '@tanstack/react-query';
import { NeuronTable, type LayerColumns, type SortColumn } from '../../core/browse/table.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { datasetUrl } from '../data/http.ts';
import { queryKeys } from '../data/queries.ts';
import type { ColumnOrderAnswer, SearchAnswer, SearchService } from '../search/service.ts';

const tables = new Map<string, NeuronTable>();

/** The table for a dataset, made once per manifest (a new ingest makes a new table). */
function tableFor(manifest: DatasetManifest): NeuronTable {
  const key = `${manifest.id}\u0000${manifest.createdAt}`;
  let table = tables.get(key);
  if (!table) {
    table = new NeuronTable(manifest.layers.map(({ layer, neurons }) => ({ layer, neurons })));
    tables.set(key, table);
  }
  return table;
}

export const layerColumnsQuery = (
  service: SearchService,
  manifest: DatasetManifest,
  layer: number,
) =>
  queryOptions({
    queryKey: queryKeys.layerColumns(manifest.id, layer),
    queryFn: (): Promise<LayerColumns> => {
      const summary = manifest.layers.find((entry) => entry.layer === layer);
      if (!summary) throw new Error(`Dataset ${manifest.id} has no layer ${layer}`);
      const url = datasetUrl(manifest.id, summary.index);
      const sizes = manifest.layers.map(({ layer: l, neurons }) => ({ layer: l, neurons }));
      return service.loadLayer(manifest.id, sizes, layer, url);
    },
    staleTime: Infinity,
    gcTime: Infinity,
    structuralSharing: false,
    retry: 1,
  });

export interface LayerFailure {
  layer: number;
  error: Error;
}

export interface DatasetTable {
  table: NeuronTable;
  /** The table's version: changes whenever a layer is added. */
  version: number;
  loaded: number;
  total: number;
  failures: LayerFailure[];
}

/** Loads `layers` of the dataset into its table (all of them in parallel, through the worker). */
export function useDatasetTable(
  service: SearchService,
  manifest: DatasetManifest,
  layers: readonly number[],
): DatasetTable {
  const table = tableFor(manifest);
  const combine = useCallback(
    (results: QueryObserverResult<LayerColumns, Error>[]): DatasetTable => {
      const failures: LayerFailure[] = [];
      let loaded = 0;
      results.forEach((result, i) => {
        if (result.data) {
          table.addLayer(result.data);
          loaded++;
        } else if (result.error) {
          failures.push({ layer: layers[i]!, error: result.error });
        }
      });
      return { table, version: table.version, loaded, total: results.length, failures };
    },
    [table, layers],
  );
  return useQueries({
    queries: layers.map((layer) => layerColumnsQuery(service, manifest, layer)),
    combine,
  });
}

/** Hits for `query` over the layers the worker has loaded; the previous answer shows meanwhile. */
export function useSearchAnswer(
  service: SearchService,
  dataset: string,
  query: string,
  layersLoaded: number,
) {
  return useQuery({
    queryKey: queryKeys.search(dataset, query, layersLoaded),
    queryFn: (): Promise<SearchAnswer> => service.search(dataset, query),
    enabled: query.trim() !== '' && layersLoaded > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    // Each keystroke's answer can hold 300,000 rows: drop old ones soon.
    gcTime: 15_000,
    structuralSharing: false,
  });
}

/**
 * Column orders sorted by the worker: `columns` (the numeric ones, once every layer has loaded, so
 * a sort click costs nothing; explanations when chosen, as sorting their text takes long).
 */
export function useColumnOrders(
  service: SearchService,
  dataset: string,
  tableVersion: number,
  columns: readonly SortColumn[],
) {
  return useQueries({
    queries: columns.map((column) => ({
      queryKey: queryKeys.columnOrder(dataset, column, tableVersion),
      queryFn: (): Promise<ColumnOrderAnswer> => service.columnOrder(dataset, column),
      enabled: tableVersion > 0,
      staleTime: Infinity,
      gcTime: 60_000,
      structuralSharing: false,
    })),
  });
}
