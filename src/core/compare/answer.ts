/**
 * A comparison view worked out where both datasets' tables live (the app's search worker): the
 * neurons to show, in order, as rows of each table, with the summary; and, asked for separately
 * so the rows need not wait for them, the charts. The page only draws what comes back, so
 * joining, filtering and sorting 307,200 neurons never run on the thread that paints.
 *
 * The join is made again only when a table has changed (a layer landed); the entries of the
 * views asked for last are kept, so the charts of a view reuse its filtering.
 */
import { LRUCache } from 'lru-cache';
import type { ComparedRows } from './export.ts';
import { joinTables, type Comparison, type ScoreTable } from './join.ts';
import {
  differenceSummary,
  layerMeans,
  scatter,
  scoreExtent,
  type DifferenceSummary,
  type LayerMeans,
  type Scatter,
} from './stats.ts';
import { compareRows, type CompareView } from './view.ts';

/** What the builder reads of a dataset's table (the browse engine's NeuronTable). */
export interface ComparedTable extends ScoreTable {
  explanationOf(row: number): string | null;
  /** Changes whenever the table does. */
  readonly version: number;
  readonly loadedLayers: ReadonlySet<number>;
}

export interface CompareAnswer extends ComparedRows {
  /** Neurons both datasets list (over the layers loaded), and those one lists only. */
  both: number;
  onlyA: number;
  onlyB: number;
  /** The view's neurons B scores higher, lower, the same, and the mean difference. */
  summary: DifferenceSummary;
  /** Layers each table held when answering. */
  layersA: number;
  layersB: number;
}

export interface CompareChartsAnswer {
  scatter: Scatter;
  /** Both scores' extent over the view, at least [0, 1]. */
  extent: [number, number];
  means: LayerMeans[];
}

/** The answer before both datasets have a layer (new arrays: an answer's rows are given away). */
export function emptyCompareAnswer(): CompareAnswer {
  return {
    rowA: new Int32Array(0),
    rowB: new Int32Array(0),
    both: 0,
    onlyA: 0,
    onlyB: 0,
    summary: { compared: 0, better: 0, worse: 0, same: 0, meanDifference: null },
    layersA: 0,
    layersB: 0,
  };
}

export const EMPTY_COMPARE_CHARTS: CompareChartsAnswer = {
  scatter: { kind: 'grid', bins: 1, min: 0, max: 1, counts: new Uint32Array(1) },
  extent: [0, 1],
  means: [],
};

export class CompareBuilder {
  private joined: { versions: string; comparison: Comparison } | null = null;
  /** Entries of recent views, by versions and view. */
  private entries = new LRUCache<string, Int32Array>({ max: 3 });

  constructor(
    private readonly a: ComparedTable,
    private readonly b: ComparedTable,
  ) {}

  answer(view: CompareView): CompareAnswer {
    const { comparison, entries } = this.view(view);
    const rowA = new Int32Array(entries.length);
    const rowB = new Int32Array(entries.length);
    entries.forEach((i, k) => {
      rowA[k] = comparison.rowA[i]!;
      rowB[k] = comparison.rowB[i]!;
    });
    return {
      rowA,
      rowB,
      both: comparison.count,
      onlyA: comparison.onlyA,
      onlyB: comparison.onlyB,
      summary: differenceSummary(comparison, entries),
      layersA: this.a.loadedLayers.size,
      layersB: this.b.loadedLayers.size,
    };
  }

  charts(view: CompareView): CompareChartsAnswer {
    const { comparison, entries } = this.view(view);
    const extent = scoreExtent(comparison, entries);
    return {
      scatter: scatter(comparison, entries, extent),
      extent,
      means: layerMeans(comparison, entries),
    };
  }

  private view(view: CompareView): { comparison: Comparison; entries: Int32Array } {
    const versions = `${this.a.version}:${this.b.version}`;
    if (this.joined?.versions !== versions) {
      this.joined = { versions, comparison: joinTables(this.a, this.b) };
      this.entries.clear();
    }
    const { comparison } = this.joined;
    const key = JSON.stringify(view);
    let entries = this.entries.get(key);
    if (!entries) {
      entries = compareRows(comparison, view, (i) => [
        this.a.explanationOf(comparison.rowA[i]!),
        this.b.explanationOf(comparison.rowB[i]!),
      ]);
      this.entries.set(key, entries);
    }
    return { comparison, entries };
  }
}
