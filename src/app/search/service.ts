/**
 * What the search worker does, as plain functions: load a layer index (fetch, parse, index its
 * explanations) and answer queries over every layer loaded so far. The worker exposes these over
 * comlink (./search.worker.ts); tests call them in the page's own thread.
 */
import { SearchableDataset } from '../../core/browse/search.ts';
import {
  layerColumns,
  type LayerColumns,
  type LayerSize,
  type SortColumn,
} from '../../core/browse/table.ts';
import { parseLayerIndex } from '../../core/format/parse.ts';
import { parseQuery } from '../../core/search/query.ts';
import { fetchText } from '../data/http.ts';

export interface SearchAnswer {
  /** The query as given. */
  query: string;
  /** Matching rows (neuron ordinals) and their relevance, in no particular order. */
  rows: Int32Array;
  relevance: Float32Array;
  /** How many explanations were searched, and in which layers. */
  documents: number;
  layers: number[];
}

export interface ColumnOrderAnswer {
  column: SortColumn;
  /** Loaded rows in the column's ascending order; rows[valued..] have no value. */
  rows: Int32Array;
  valued: number;
  layers: number[];
}

export interface SearchService {
  /**
   * Fetches `url` (absolute: a worker resolves relative URLs against its script), checks that it
   * is layer `layer` of the dataset, and indexes it. `layers` sizes the dataset (from its manifest).
   */
  loadLayer(
    dataset: string,
    layers: LayerSize[],
    layer: number,
    url: string,
  ): Promise<LayerColumns>;
  search(dataset: string, query: string): Promise<SearchAnswer>;
  /**
   * A column's ascending order over the layers loaded so far, computed in the worker so the page
   * need not sort (explanations take hundreds of milliseconds; numbers tens).
   */
  columnOrder(dataset: string, column: SortColumn): Promise<ColumnOrderAnswer>;
}

export function createSearchService(): SearchService {
  const datasets = new Map<string, SearchableDataset>();
  const datasetFor = (id: string, layers: LayerSize[]) => {
    let dataset = datasets.get(id);
    if (!dataset) {
      dataset = new SearchableDataset(layers);
      datasets.set(id, dataset);
    }
    return dataset;
  };
  const loadedLayers = (dataset: SearchableDataset) =>
    [...dataset.table.loadedLayers].sort((a, b) => a - b);

  return {
    async loadLayer(id, layers, layer, url) {
      const index = parseLayerIndex(await fetchText(url), { path: url });
      if (index.layer !== layer)
        throw new Error(`${url}: holds layer ${index.layer}, not layer ${layer}`);
      const columns = layerColumns(index, url);
      datasetFor(id, layers).addLayer(columns);
      return columns;
    },

    async search(id, query) {
      const dataset = datasets.get(id);
      if (!dataset) {
        return {
          query,
          rows: new Int32Array(0),
          relevance: new Float32Array(0),
          documents: 0,
          layers: [],
        };
      }
      const hits = dataset.index.search(parseQuery(query));
      return { query, ...hits, documents: dataset.index.documents, layers: loadedLayers(dataset) };
    },

    async columnOrder(id, column) {
      const dataset = datasets.get(id);
      if (!dataset) return { column, rows: new Int32Array(0), valued: 0, layers: [] };
      const order = dataset.table.order(column);
      return {
        column,
        rows: order.rows.slice(),
        valued: order.valued,
        layers: loadedLayers(dataset),
      };
    },
  };
}
