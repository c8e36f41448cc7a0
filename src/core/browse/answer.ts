/**
 * A browse view worked out in full where the dataset lives (the app's search worker): the rows to
 * show, in order, from a query, the filters and a sort; and, asked for separately so the rows need
 * not wait for them, the charts' statistics. The page only draws what comes back, so typing,
 * sorting and filtering never pass over 307,200 rows on the thread that paints. Masks, search
 * hits and statistics are kept per table version, so a keystroke redoes the search and a slider
 * step redoes the masks, and nothing else.
 */
import { LRUCache } from 'lru-cache';
import { parseQuery } from '../search/query.ts';
import type { SearchableDataset } from './search.ts';
import { layerScores, scoreHistogram, type HistogramCounts, type LayerScores } from './stats.ts';
import {
  filterMask,
  NO_FILTERS,
  rankHits,
  rowSet,
  viewRows,
  type Filters,
  type Sort,
} from './view.ts';

export interface ViewRequest {
  /** The search text ('' or text without words: no search). */
  query: string;
  filters: Filters;
  /** The order; relevance without a search means descending score. */
  sort: Sort;
}

export interface ViewAnswer {
  /** What was asked, as given. */
  request: ViewRequest;
  /** Whether the query has words (else every neuron passing the filters is listed). */
  searching: boolean;
  /** The rows to show, in order (neuron ordinals, as NeuronTable numbers them). */
  rows: Int32Array;
  /** How many layers the table held when answering, and its version. */
  layers: number;
  version: number;
}

export interface ChartsAnswer {
  /** Scores of the selection without the score filter, in bins with these edges. */
  histogram: HistogramCounts;
  /** Score quantiles per layer of the selection without the layer filter. */
  perLayer: LayerScores[];
  layers: number;
  version: number;
}

/** The value kept for `key`, or one made now and kept (the cache keeps the few used last). */
function cached<T extends object>(cache: LRUCache<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

interface Hits {
  /** Most relevant first; null without a search. */
  rows: Int32Array | null;
  /** Membership, made when an order other than relevance needs it. */
  set: Uint8Array | null;
}

export class ViewBuilder {
  private masks = new LRUCache<string, Uint8Array>({ max: 8 });
  private masksVersion = -1;
  // Keyed by table version too. Statistics without a search (what clearing the box goes back
  // to) stay among the recent ones while typing.
  private hits = new LRUCache<string, Hits>({ max: 3 });
  private histogram = new LRUCache<string, HistogramCounts>({ max: 4 });
  private perLayer = new LRUCache<string, LayerScores[]>({ max: 4 });

  constructor(private readonly dataset: SearchableDataset) {}

  answer(request: ViewRequest): ViewAnswer {
    const { table } = this.dataset;
    const hits = this.hitsFor(request.query);
    if (hits.rows && !hits.set && request.sort.key !== 'relevance') {
      hits.set = rowSet(table.size, hits.rows);
    }
    const rows = viewRows(table, this.mask(request.filters), request.sort, hits.rows, hits.set);
    return {
      request,
      searching: hits.rows !== null,
      rows,
      layers: table.loadedLayers.size,
      version: table.version,
    };
  }

  /** The charts for a view; each leaves out its own filter, so every bar and layer stays clickable. */
  charts(request: ViewRequest, edges: number[]): ChartsAnswer {
    const { table } = this.dataset;
    const { version } = table;
    const found = this.hitsFor(request.query);
    // Many hits are visited in row order, through their membership mask.
    if (found.rows && !found.set && found.rows.length > table.size / 8) {
      found.set = rowSet(table.size, found.rows);
    }
    const selection = (mask: Uint8Array) => ({ mask, hits: found.rows, members: found.set });
    const withoutScore: Filters = { ...request.filters, score: null };
    const withoutLayers: Filters = { ...request.filters, layers: null };
    const histogram = cached(
      this.histogram,
      `${version}\u0000${request.query}\u0000${key(withoutScore)}\u0000${edges.join()}`,
      () => scoreHistogram(table, selection(this.mask(withoutScore)), edges),
    );
    const perLayer = cached(
      this.perLayer,
      `${version}\u0000${request.query}\u0000${key(withoutLayers)}`,
      () => layerScores(table, selection(this.mask(withoutLayers))),
    );
    return { histogram, perLayer, layers: table.loadedLayers.size, version };
  }

  private hitsFor(query: string): Hits {
    const { table, index } = this.dataset;
    return cached(this.hits, `${table.version}\u0000${query}`, () => {
      const parsed = parseQuery(query);
      if (parsed.clauses.length === 0) return { rows: null, set: null };
      return { rows: rankHits(table, index.search(parsed)), set: null };
    });
  }

  /** The filters' mask for the current table version (a few are kept: the view's and the charts'). */
  private mask(filters: Filters): Uint8Array {
    const { table } = this.dataset;
    if (this.masksVersion !== table.version) {
      this.masks.clear();
      this.masksVersion = table.version;
    }
    const name = key(filters);
    let mask = this.masks.get(name);
    if (!mask) {
      mask = name === key(NO_FILTERS) ? table.listed : filterMask(table, filters);
      this.masks.set(name, mask);
    }
    return mask;
  }
}

const key = (filters: Filters) => JSON.stringify([filters.layers, filters.score, filters.records]);
