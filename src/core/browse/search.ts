/**
 * A dataset's table and search index together, filled layer by layer: what the CLI builds, and
 * what the app's search worker keeps. `searchRows` is the one place where a query, the filters and
 * the order meet, so the CLI and the app answer alike.
 */
import { SearchIndex } from '../search/index.ts';
import { parseQuery } from '../search/query.ts';
import type { TokenizedTexts } from '../search/tokenize.ts';
import {
  NeuronTable,
  type LayerColumns,
  type LayerSize,
  type PackedLayerColumns,
} from './table.ts';
import { filterMask, rankHits, viewRows, type Filters, type Sort } from './view.ts';

export class SearchableDataset {
  readonly table: NeuronTable;
  readonly index = new SearchIndex();

  constructor(layers: readonly LayerSize[]) {
    this.table = new NeuronTable(layers);
  }

  /**
   * Adds a layer; its explanations are either unpacked (and cut into words here) or packed with
   * their words cut elsewhere (`tokens`, from tokenizeTexts over the same explanations).
   */
  addLayer(columns: LayerColumns): void;
  addLayer(columns: PackedLayerColumns, tokens: TokenizedTexts): void;
  addLayer(columns: LayerColumns | PackedLayerColumns, tokens?: TokenizedTexts): void {
    if (this.table.loadedLayers.has(columns.layer)) return;
    this.table.addLayer(columns);
    const rows = new Int32Array(columns.neurons.length);
    for (let i = 0; i < rows.length; i++)
      rows[i] = this.table.rowOf(columns.layer, columns.neurons[i]!);
    if (tokens) this.index.addTokenized(rows, tokens);
    else this.index.addAll(rows, columns.explanations as (string | null)[]);
  }
}

/** The rows that match `query` (every row for a query without words) and pass the filters. */
export function searchRows(
  dataset: SearchableDataset,
  query: string,
  filters: Filters,
  sort: Sort = { key: 'relevance', descending: true },
): Int32Array {
  const { table, index } = dataset;
  const parsed = parseQuery(query);
  const ranked = parsed.clauses.length > 0 ? rankHits(table, index.search(parsed)) : null;
  return viewRows(table, filterMask(table, filters), sort, ranked);
}

export interface NeuronMatch {
  layer: number;
  neuron: number;
  score: number | null;
  explanation: string | null;
}

export function describeRows(table: NeuronTable, rows: ArrayLike<number>): NeuronMatch[] {
  return Array.from({ length: rows.length }, (_, i) => {
    const row = rows[i]!;
    const score = table.score[row]!;
    return {
      layer: table.layerOf[row]!,
      neuron: table.neuronOf[row]!,
      score: Number.isNaN(score) ? null : score,
      explanation: table.explanationOf(row),
    };
  });
}
