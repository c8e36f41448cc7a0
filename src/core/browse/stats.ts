/**
 * Summaries of a selection of rows for the overview charts: a score histogram, and score
 * quantiles per layer (the paper's score-versus-layer figure). A selection is a row mask, and
 * optionally the set of search hits.
 */
import type { ScoreQuantiles } from '../dataset/types.ts';
import type { NeuronTable } from './table.ts';
import type { ScoreRange } from './view.ts';

export interface Selection {
  mask: Uint8Array;
  /**
   * When searching, the rows that match (any order): only these are looked at, so a search
   * costs what its hits number, not what the dataset does.
   */
  hits: Int32Array | null;
  /**
   * The same hits as a membership mask (1 for a hit), when at hand: many hits are cheaper to visit
   * in row order (one pass over the columns) than in the hits' own order (a jump per hit).
   */
  members?: Uint8Array | null;
}

/**
 * The loops below visit the selection as `row = list ? list[i] : i` for i below `length`, where
 * `mask` already holds the hits when `list` is null (written out in each loop: a shared loop with
 * a callback per row ran several times slower in browsers).
 */
function visitPlan(
  table: NeuronTable,
  selection: Selection,
): { list: Int32Array | null; length: number; mask: Uint8Array; members: Uint8Array | null } {
  const { hits, mask } = selection;
  const members =
    hits && selection.members && hits.length > table.size / 8 ? selection.members : null;
  const list = hits && !members ? hits : null;
  return { list, length: list ? list.length : table.size, mask, members };
}

export interface HistogramCounts {
  /** Ascending; counts[i] counts scores in [edges[i], edges[i+1]), the last bin closed. */
  edges: number[];
  counts: number[];
  /** Selected rows without a score. */
  unscored: number;
}

/**
 * The scores bin `i` counts, as a filter: [edges[i], edges[i+1]), the last bin closed. Choosing a
 * bin filters to exactly the neurons it counts (a score on an edge is in the bin that starts there).
 */
export function binRange(edges: readonly number[], i: number): ScoreRange {
  return { low: edges[i]!, high: edges[i + 1]!, highIncluded: i === edges.length - 2 };
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
  const scores = table.score;
  const { list, length, mask, members } = visitPlan(table, selection);
  for (let i = 0; i < length; i++) {
    const row = list ? list[i]! : i;
    if (mask[row] !== 1 || (members && members[row] !== 1)) continue;
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

/** Bins per unit of score for layerScores' quantiles: they are exact to within 1/400. */
const QUANTILE_BINS = 400;
const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];

/**
 * Score quantiles of the selected rows of each loaded layer, in one pass over the rows: scores are
 * counted in bins 1/400 wide and the quantiles read from the counts (interpolated within a bin),
 * which a chart cannot tell from exact ones; min and max are exact. Scores are correlations, so
 * they lie in [-1, 1]; anything outside counts in the end bins.
 */
export function layerScores(table: NeuronTable, selection: Selection): LayerScores[] {
  const slots = table.layers.length;
  const slotOf = new Int32Array(Math.max(0, ...table.layers.map((entry) => entry.layer)) + 1);
  table.layers.forEach((entry, slot) => (slotOf[entry.layer] = slot));
  const bins = 2 * QUANTILE_BINS;
  const counts = new Int32Array(slots * bins);
  const totals = new Int32Array(slots);
  const mins = new Float64Array(slots).fill(Infinity);
  const maxes = new Float64Array(slots).fill(-Infinity);
  const { score, layerOf } = table;
  const { list, length, mask, members } = visitPlan(table, selection);
  for (let i = 0; i < length; i++) {
    const row = list ? list[i]! : i;
    if (mask[row] !== 1 || (members && members[row] !== 1)) continue;
    const value = score[row]!;
    if (value !== value) continue;
    const slot = slotOf[layerOf[row]!]!;
    let bin = Math.floor((value + 1) * QUANTILE_BINS);
    bin = bin < 0 ? 0 : bin >= bins ? bins - 1 : bin;
    counts[slot * bins + bin]!++;
    totals[slot]!++;
    if (value < mins[slot]!) mins[slot] = value;
    if (value > maxes[slot]!) maxes[slot] = value;
  }
  return table.layers
    .filter((entry) => table.loadedLayers.has(entry.layer))
    .map((entry) => {
      const slot = slotOf[entry.layer]!;
      const count = totals[slot]!;
      if (count === 0) return { layer: entry.layer, count, quantiles: null };
      const offset = slot * bins;
      const min = mins[slot]!;
      const max = maxes[slot]!;
      // The values at the quantiles' 0-based ranks (fractional ranks interpolate, R-7), read in
      // one walk over the layer's bins, as the ranks ascend.
      const values = QUANTILES.map(() => max);
      let next = 0;
      let seen = 0;
      for (let bin = 0; bin < bins && next < QUANTILES.length; bin++) {
        const inBin = counts[offset + bin]!;
        while (next < QUANTILES.length && (count - 1) * QUANTILES[next]! < seen + inBin) {
          const rank = (count - 1) * QUANTILES[next]!;
          const value = bin / QUANTILE_BINS - 1 + (rank - seen + 0.5) / inBin / QUANTILE_BINS;
          values[next++] = Math.min(max, Math.max(min, value));
        }
        seen += inBin;
      }
      const [p10, p25, p50, p75, p90] = values as [number, number, number, number, number];
      return {
        layer: entry.layer,
        count,
        quantiles: { min, p10, p25, p50, p75, p90, max },
      };
    });
}
