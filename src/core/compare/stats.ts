/**
 * The comparison's charts, from the entries a view lists: score against score (the points
 * themselves when few, else counts on a grid), and each dataset's score by layer.
 */
import type { Comparison } from './join.ts';

/**
 * The entries with both scores, as columns of their own (they travel from the worker that holds
 * the comparison to the page that draws them).
 */
interface ScatterPoints {
  kind: 'points';
  layer: Uint16Array;
  neuron: Int32Array;
  scoreA: Float64Array;
  scoreB: Float64Array;
  difference: Float64Array;
}

/** Counts of entries with both scores per cell of a bins × bins grid over [min, max]². */
interface ScatterGrid {
  kind: 'grid';
  bins: number;
  min: number;
  max: number;
  /** counts[y * bins + x]: x is score A's cell, y score B's. */
  counts: Uint32Array;
}

export type Scatter = ScatterPoints | ScatterGrid;

/** At most this many points are drawn one by one; more are counted on a grid. */
const MAX_POINTS = 4000;

/** Both scores' extent over the entries, widened to include [0, 1]. */
export function scoreExtent(comparison: Comparison, entries: Int32Array): [number, number] {
  let min = 0;
  let max = 1;
  for (const i of entries) {
    const a = comparison.scoreA[i]!;
    const b = comparison.scoreB[i]!;
    if (a < min) min = a;
    if (b < min) min = b;
    if (a > max) max = a;
    if (b > max) max = b;
  }
  return [min, max];
}

export function scatter(
  comparison: Comparison,
  entries: Int32Array,
  extent: [number, number],
  bins = 60,
): Scatter {
  const both = new Int32Array(entries.length);
  let n = 0;
  for (const i of entries) {
    if (
      comparison.scoreA[i]! === comparison.scoreA[i]! &&
      comparison.scoreB[i]! === comparison.scoreB[i]!
    ) {
      both[n++] = i;
    }
  }
  if (n <= MAX_POINTS) return scatterPoints(comparison, both.subarray(0, n));
  const [min, max] = extent;
  const width = (max - min) / bins || 1;
  const cell = (value: number) =>
    Math.min(bins - 1, Math.max(0, Math.floor((value - min) / width)));
  const counts = new Uint32Array(bins * bins);
  for (let k = 0; k < n; k++) {
    const i = both[k]!;
    counts[cell(comparison.scoreB[i]!) * bins + cell(comparison.scoreA[i]!)]!++;
  }
  return { kind: 'grid', bins, min, max, counts };
}

function scatterPoints(comparison: Comparison, entries: Int32Array): ScatterPoints {
  const pick = <T extends Float64Array | Int32Array | Uint16Array>(column: T, made: T): T => {
    entries.forEach((i, k) => (made[k] = column[i]!));
    return made;
  };
  const n = entries.length;
  return {
    kind: 'points',
    layer: pick(comparison.layer, new Uint16Array(n)),
    neuron: pick(comparison.neuron, new Int32Array(n)),
    scoreA: pick(comparison.scoreA, new Float64Array(n)),
    scoreB: pick(comparison.scoreB, new Float64Array(n)),
    difference: pick(comparison.difference, new Float64Array(n)),
  };
}

/** How many neurons a scatter shows. */
export function scatterCount(scatter: Scatter): number {
  return scatter.kind === 'points'
    ? scatter.layer.length
    : scatter.counts.reduce((sum, count) => sum + count, 0);
}

export interface LayerMeans {
  layer: number;
  /** Entries of the layer in the view. */
  count: number;
  /** Mean score over the entries with one; null when none has. */
  meanA: number | null;
  meanB: number | null;
  /** Entries where B's score is higher, and where it is lower. */
  better: number;
  worse: number;
}

/** Per layer (ascending), the view's entries' mean score in each dataset. */
export function layerMeans(comparison: Comparison, entries: Int32Array): LayerMeans[] {
  const byLayer = new Map<
    number,
    {
      count: number;
      sumA: number;
      nA: number;
      sumB: number;
      nB: number;
      better: number;
      worse: number;
    }
  >();
  for (const i of entries) {
    const layer = comparison.layer[i]!;
    let entry = byLayer.get(layer);
    if (!entry) {
      entry = { count: 0, sumA: 0, nA: 0, sumB: 0, nB: 0, better: 0, worse: 0 };
      byLayer.set(layer, entry);
    }
    entry.count++;
    const a = comparison.scoreA[i]!;
    const b = comparison.scoreB[i]!;
    if (a === a) {
      entry.sumA += a;
      entry.nA++;
    }
    if (b === b) {
      entry.sumB += b;
      entry.nB++;
    }
    const difference = comparison.difference[i]!;
    if (difference > 0) entry.better++;
    else if (difference < 0) entry.worse++;
  }
  return [...byLayer.entries()]
    .sort(([x], [y]) => x - y)
    .map(([layer, entry]) => ({
      layer,
      count: entry.count,
      meanA: entry.nA > 0 ? entry.sumA / entry.nA : null,
      meanB: entry.nB > 0 ? entry.sumB / entry.nB : null,
      better: entry.better,
      worse: entry.worse,
    }));
}

export interface DifferenceSummary {
  /** Entries with both scores. */
  compared: number;
  better: number;
  worse: number;
  same: number;
  meanDifference: number | null;
}

export function differenceSummary(comparison: Comparison, entries: Int32Array): DifferenceSummary {
  let compared = 0;
  let better = 0;
  let worse = 0;
  let sum = 0;
  for (const i of entries) {
    const difference = comparison.difference[i]!;
    if (difference !== difference) continue;
    compared++;
    sum += difference;
    if (difference > 0) better++;
    else if (difference < 0) worse++;
  }
  return {
    compared,
    better,
    worse,
    same: compared - better - worse,
    meanDifference: compared > 0 ? sum / compared : null,
  };
}
