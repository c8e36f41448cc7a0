/**
 * Summaries of a selection of rows for the overview charts: a score histogram, and score
 * quantiles per layer (the paper's score-versus-layer figure). A selection is a row mask, and
 * optionally the set of search hits.
 */
import type { ScoreQuantiles } from '../dataset/types.ts';
import type { NeuronTable } from './table.ts';

export interface Selection {
  mask: Uint8Array;
  /** When searching: 1 for rows that match. */
  hits: Uint8Array | null;
}

/** 1 for each selected row: the mask, narrowed to the hits when there are any. */
function selectedRows(table: NeuronTable, selection: Selection): Uint8Array {
  if (!selection.hits) return selection.mask;
  const both = new Uint8Array(table.size);
  const { mask, hits } = selection;
  for (let row = 0; row < table.size; row++) both[row] = mask[row]! & hits[row]!;
  return both;
}

export interface HistogramCounts {
  /** Ascending; counts[i] counts scores in [edges[i], edges[i+1]), the last bin closed. */
  edges: number[];
  counts: number[];
  /** Selected rows without a score. */
  unscored: number;
}

/** Equal-width bin edges from `low` to `high`. */
export function binEdges(low: number, high: number, width: number): number[] {
  // Rounded so that 0.1 + 0.2 style drift does not move a score into the wrong bin.
  const edges: number[] = [];
  const steps = Math.round((high - low) / width);
  for (let i = 0; i <= steps; i++) edges.push(Math.round((low + i * width) * 1e9) / 1e9);
  return edges;
}

export function scoreHistogram(
  table: NeuronTable,
  selection: Selection,
  edges: number[],
): HistogramCounts {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let unscored = 0;
  const low = edges[0]!;
  const high = edges[bins]!;
  const width = (high - low) / bins;
  const chosen = selectedRows(table, selection);
  const scores = table.score;
  for (let row = 0; row < table.size; row++) {
    if (chosen[row] !== 1) continue;
    const score = scores[row]!;
    if (score !== score) {
      unscored++;
      continue;
    }
    if (score < low || score > high) continue;
    // Equal-width bins: a guess from the width, corrected against the edges (rounding).
    let bin = Math.min(bins - 1, Math.floor((score - low) / width));
    while (bin > 0 && score < edges[bin]!) bin--;
    while (bin < bins - 1 && score >= edges[bin + 1]!) bin++;
    counts[bin]!++;
  }
  return { edges, counts, unscored };
}

export interface LayerScores {
  layer: number;
  /** Selected rows with a score. */
  count: number;
  quantiles: ScoreQuantiles | null;
}

/** Linear interpolation between closest ranks (R-7, as d3.quantileSorted and numpy do). */
export function quantileSorted(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const at = (n - 1) * p;
  const below = Math.floor(at);
  const a = values[below]!;
  const b = values[Math.min(n - 1, below + 1)]!;
  return a + (b - a) * (at - below);
}

export function quantilesOf(sorted: Float64Array): ScoreQuantiles | null {
  if (sorted.length === 0) return null;
  return {
    min: sorted[0]!,
    p10: quantileSorted(sorted, 0.1),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p90: quantileSorted(sorted, 0.9),
    max: sorted[sorted.length - 1]!,
  };
}

/** Score quantiles of the selected rows of each loaded layer (walking the cached score order). */
export function layerScores(table: NeuronTable, selection: Selection): LayerScores[] {
  const { rows, valued } = table.order('score');
  const slotOf = new Int32Array(Math.max(0, ...table.layers.map((entry) => entry.layer)) + 1);
  table.layers.forEach((entry, slot) => (slotOf[entry.layer] = slot));
  const counts = new Int32Array(table.layers.length);
  const chosen = selectedRows(table, selection);
  const layerOf = table.layerOf;
  for (let i = 0; i < valued; i++) {
    const row = rows[i]!;
    if (chosen[row] === 1) counts[slotOf[layerOf[row]!]!]!++;
  }
  const values = table.layers.map((_, slot) => new Float64Array(counts[slot]!));
  const fill = new Int32Array(table.layers.length);
  for (let i = 0; i < valued; i++) {
    const row = rows[i]!;
    if (chosen[row] !== 1) continue;
    const slot = slotOf[layerOf[row]!]!;
    values[slot]![fill[slot]!++] = table.score[row]!;
  }
  return table.layers
    .filter((entry) => table.loadedLayers.has(entry.layer))
    .map((entry) => {
      const slot = slotOf[entry.layer]!;
      return { layer: entry.layer, count: counts[slot]!, quantiles: quantilesOf(values[slot]!) };
    });
}
