/**
 * What the search worker does, as plain functions: load a layer index (fetch, parse, index its
 * explanations) and work out browse views over every layer loaded so far (search, filters, order
 * and chart statistics: see src/core/browse/answer.ts). The worker exposes these over comlink
 * (./search.worker.ts); tests call them in the page's own thread.
 */
import {
  ViewBuilder,
  type ChartsAnswer,
  type ViewAnswer,
  type ViewRequest,
} from '../../core/browse/answer.ts';
import { SearchableDataset } from '../../core/browse/search.ts';
import {
  CompareBuilder,
  EMPTY_COMPARE_CHARTS,
  emptyCompareAnswer,
  type CompareAnswer,
  type CompareChartsAnswer,
} from '../../core/compare/answer.ts';
import type { CompareView } from '../../core/compare/view.ts';
import type { LayerSize, PackedLayerColumns } from '../../core/browse/table.ts';
import type { TokenizedTexts } from '../../core/search/tokenize.ts';
import { readLayer } from './reader.ts';

export type { ChartsAnswer, CompareAnswer, CompareChartsAnswer, ViewAnswer, ViewRequest };

export interface SearchService {
  /**
   * Fetches `url` (absolute: a worker resolves relative URLs against its script), checks that it
   * is layer `layer` of the dataset, and indexes it. `layers` sizes the dataset (from its manifest).
   * The columns (the texts packed) go to `take`, for the page to draw rows from (it never sorts or
   * filters them itself), before any answer can name their rows.
   */
  loadLayer(
    dataset: string,
    layers: LayerSize[],
    layer: number,
    url: string,
    take: (columns: PackedLayerColumns) => void,
  ): Promise<void>;
  /** The rows of a view over the layers loaded so far (none loaded yet: no rows). */
  view(dataset: string, request: ViewRequest): Promise<ViewAnswer>;
  /** The charts of a view, with the histogram in bins with these edges. */
  charts(dataset: string, request: ViewRequest, edges: number[]): Promise<ChartsAnswer>;
  /**
   * The rows of a comparison of two datasets (`a` browsed, `b` compared with it) over the layers
   * each has loaded (src/core/compare/answer.ts).
   */
  compare(a: string, b: string, view: CompareView): Promise<CompareAnswer>;
  /** The charts of a comparison view. */
  compareCharts(a: string, b: string, view: CompareView): Promise<CompareChartsAnswer>;
  /** Starts the workers now (their scripts load and compile) rather than on the first call. */
  warmUp?(): void;
}

/**
 * Once every layer is in, builds the search postings and sorts the numeric columns in the
 * background (one step per task, so a view asked for meanwhile waits for one step at most): the
 * next keystroke then only searches, and a click on a column header only reads an order.
 */
function prepareViews(data: SearchableDataset): void {
  const steps = [
    () => data.index.prepare(),
    () => data.table.positions('score', true),
    () => data.table.order('maxActivation', true),
    () => data.table.order('neuron'),
  ];
  const next = () => {
    steps.shift()?.();
    if (steps.length > 0) setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

/** The service where the dataset lives, which can also take a layer read elsewhere. */
export interface LocalSearchService extends SearchService {
  /** Adds a layer read elsewhere (see ./reader.ts); loadLayer is reading it and this in one. */
  addLayer(
    dataset: string,
    layers: LayerSize[],
    columns: PackedLayerColumns,
    tokens: TokenizedTexts,
  ): Promise<void>;
}

export function createSearchService(): LocalSearchService {
  const datasets = new Map<string, { data: SearchableDataset; views: ViewBuilder }>();
  const datasetFor = (id: string, layers: LayerSize[]) => {
    let entry = datasets.get(id);
    if (!entry) {
      const data = new SearchableDataset(layers);
      entry = { data, views: new ViewBuilder(data) };
      datasets.set(id, entry);
    }
    return entry;
  };

  const addLayer: LocalSearchService['addLayer'] = async (id, layers, columns, tokens) => {
    const { data } = datasetFor(id, layers);
    data.addLayer(columns, tokens);
    if (data.table.loadedLayers.size === data.table.layers.length) prepareViews(data);
  };

  const comparisons = new Map<string, CompareBuilder>();
  /** The comparison of two datasets, once both have a layer (null before). */
  const comparison = (a: string, b: string) => {
    const key = `${a}\u0000\u0000${b}`;
    let builder = comparisons.get(key);
    const tableA = datasets.get(a)?.data.table;
    const tableB = datasets.get(b)?.data.table;
    if (!builder && tableA && tableB) {
      builder = new CompareBuilder(tableA, tableB);
      comparisons.set(key, builder);
    }
    return builder ?? null;
  };

  return {
    async loadLayer(id, layers, layer, url, take) {
      const { columns, tokens } = await readLayer(url, layer);
      take(columns);
      // The page keeps these columns; the dataset here, a copy (as a worker gets one).
      await addLayer(id, layers, structuredClone(columns), tokens);
    },

    addLayer,

    async view(id, request) {
      const entry = datasets.get(id);
      if (entry) return entry.views.answer(request);
      return { request, searching: false, rows: new Int32Array(0), layers: 0, version: 0 };
    },

    async compare(a, b, view) {
      return comparison(a, b)?.answer(view) ?? emptyCompareAnswer();
    },

    async compareCharts(a, b, view) {
      return comparison(a, b)?.charts(view) ?? EMPTY_COMPARE_CHARTS;
    },

    async charts(id, request, edges) {
      const entry = datasets.get(id);
      if (entry) return entry.views.charts(request, edges);
      return {
        histogram: { edges, counts: edges.slice(1).map(() => 0), unscored: 0 },
        perLayer: [],
        layers: 0,
        version: 0,
      };
    },
  };
}
