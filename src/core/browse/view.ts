/**
 * What the browse table shows: the listed rows that pass the filters (and match the search, when
 * there is one), in the chosen order. Each step is a pass over typed arrays; column orders come
 * from the table's cache, so a filter or direction change never sorts.
 */
import type { SearchHits } from '../search/index.ts';
import { radixOrder } from './radix.ts';
import type { NeuronTable, SortColumn } from './table.ts';

export type RecordsFilter = 'any' | 'with' | 'without';

/**
 * Scores from `low` to `high`: both ends included (a range typed or dragged), or `high` left out
 * (a histogram bar, [low, high): the next bar starts at `high`, and a neuron is in one bar only).
 */
export interface ScoreRange {
  low: number;
  high: number;
  highIncluded: boolean;
}

export interface Filters {
  /** Inclusive layer range; null for every layer. */
  layers: [number, number] | null;
  /** Null for any score, including none. */
  score: ScoreRange | null;
  records: RecordsFilter;
}

/** Whether a score (NaN: none) is in the range. */
export function inScoreRange(score: number, { low, high, highIncluded }: ScoreRange): boolean {
  return score >= low && (highIncluded ? score <= high : score < high);
}

export const NO_FILTERS: Filters = { layers: null, score: null, records: 'any' };

export type SortKey = SortColumn | 'relevance';

/** Every order a view can have (the app's sort menu and URL, and the CLI's --sort). */
export const SORT_KEYS: readonly SortKey[] = [
  'relevance',
  'score',
  'layer',
  'neuron',
  'maxActivation',
  'explanation',
];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

/** Which filters to apply; charts leave out their own dimension (crossfilter style). */
export interface FilterParts {
  layers?: boolean;
  score?: boolean;
  records?: boolean;
}

/** 1 for each listed row that passes the filters. */
export function filterMask(
  table: NeuronTable,
  filters: Filters,
  parts: FilterParts = {},
): Uint8Array {
  const mask = new Uint8Array(table.size);
  const useLayers = parts.layers !== false && filters.layers !== null;
  const useScore = parts.score !== false && filters.score !== null;
  const records = parts.records !== false ? filters.records : 'any';
  let from = 0;
  let to = table.size;
  if (useLayers) {
    const [low, high] = filters.layers!;
    from = table.size;
    to = 0;
    for (const { layer } of table.layers) {
      if (layer < low || layer > high) continue;
      const [first, end] = table.layerRows(layer);
      from = Math.min(from, first);
      to = Math.max(to, end);
    }
  }
  const { listed, score, hasRecords } = table;
  const scoreRange = useScore ? filters.score! : null;
  const wantRecords = records === 'with' ? 1 : 0;
  for (let row = from; row < to; row++) {
    if (!listed[row]) continue;
    // NaN (no score) is in no range.
    if (scoreRange && !inScoreRange(score[row]!, scoreRange)) continue;
    if (records !== 'any' && hasRecords[row] !== wantRecords) continue;
    mask[row] = 1;
  }
  return mask;
}

/**
 * Relevance counts in steps of this fraction of the best hit's: hits that close are equally
 * relevant, so the better-scored explanation comes first (a slightly shorter explanation should
 * not outrank a much better one).
 */
export const RELEVANCE_STEP = 0.05;

/**
 * Search hits in relevance order, most relevant first; equal relevance (within RELEVANCE_STEP)
 * goes to the higher score, then (equal or no score) to the lower row. Rows the table does not
 * list are dropped; hits name each row once. Many hits (over `manyHits`) are put in order by one
 * pass over the score order, sorting them into relevance steps; fewer by sorting the hits alone.
 */
export function rankHits(
  table: NeuronTable,
  hits: SearchHits,
  manyHits = table.size / 3,
): Int32Array {
  const { listed, size } = table;
  const { rows, relevance } = hits;
  let best = 0;
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row < 0 || row >= size || listed[row] !== 1) continue;
    count++;
    if (relevance[i]! > best) best = relevance[i]!;
  }
  // Each hit's step: 0 for the most relevant, up to `steps` for the least.
  const steps = Math.round(1 / RELEVANCE_STEP);
  const scale = best > 0 ? steps / best : 0;
  const stepOf = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const level = Math.ceil(relevance[i]! * scale - 1e-6);
    stepOf[i] = steps - (level > steps ? steps : level < 0 ? 0 : level);
  }
  return count > manyHits
    ? rankByScoreOrder(table, hits, steps, stepOf)
    : rankBySorting(table, hits, count, stepOf);
}

/** Hits fewer than this are ranked by comparing scores when the score order is not at hand. */
const FEW_HITS = 50_000;

/** Each hit's place in the descending score order breaks ties: one radix sort of the hits. */
function rankBySorting(
  table: NeuronTable,
  hits: SearchHits,
  count: number,
  stepOf: Uint8Array,
): Int32Array {
  // While layers load, each new one would re-sort the whole table first.
  if (count < FEW_HITS && !table.hasPositions('score', true)) {
    return rankByComparing(table, hits, count, stepOf);
  }
  const place = table.positions('score', true);
  const rows = new Int32Array(count);
  const keys = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < hits.rows.length; i++) {
    const row = hits.rows[i]!;
    if (row < 0 || row >= table.size || place[row]! < 0) continue;
    rows[at] = row;
    keys[at] = stepOf[i]! * 2 ** 27 + place[row]!;
    at++;
  }
  return radixOrder(rows, keys);
}

/** As rankBySorting, comparing the hits' scores: the same order (descending score, ties by row, no score last). */
function rankByComparing(
  table: NeuronTable,
  hits: SearchHits,
  count: number,
  stepOf: Uint8Array,
): Int32Array {
  const { listed, score } = table;
  const rows = new Int32Array(count);
  const steps = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < hits.rows.length; i++) {
    const row = hits.rows[i]!;
    if (row < 0 || row >= table.size || listed[row] !== 1) continue;
    rows[at] = row;
    steps[at] = stepOf[i]!;
    at++;
  }
  const order = new Int32Array(at);
  for (let i = 0; i < at; i++) order[i] = i;
  order.sort((i, j) => {
    const bySteps = steps[i]! - steps[j]!;
    if (bySteps !== 0) return bySteps;
    const a = rows[i]!;
    const b = rows[j]!;
    const x = score[a]!;
    const y = score[b]!;
    // NaN (no score) is the one value unequal to itself: such rows go last, by row.
    if (x !== x || y !== y) return x !== x && y !== y ? a - b : x !== x ? 1 : -1;
    return y - x || a - b;
  });
  return order.map((i) => rows[i]!);
}

/** The descending score order read once, each hit dealt into its relevance step (in order). */
function rankByScoreOrder(
  table: NeuronTable,
  hits: SearchHits,
  steps: number,
  stepOf: Uint8Array,
): Int32Array {
  // 1 + the step of each hit's row; 0 for rows that are not hits.
  const stepPlusOne = new Uint8Array(table.size);
  for (let i = 0; i < hits.rows.length; i++) {
    const row = hits.rows[i]!;
    if (row >= 0 && row < table.size) stepPlusOne[row] = stepOf[i]! + 1;
  }
  const { rows: order } = table.order('score', true);
  // Hits per step, then where each step's hits start (step 0 first; non-hits are not placed).
  const starts = new Int32Array(steps + 2);
  for (let i = 0; i < order.length; i++) starts[stepPlusOne[order[i]!]!]!++;
  let hitCount = 0;
  for (let s = 1; s < starts.length; s++) {
    const inStep = starts[s]!;
    starts[s] = hitCount;
    hitCount += inStep;
  }
  const out = new Int32Array(hitCount);
  for (let i = 0; i < order.length; i++) {
    const row = order[i]!;
    const s = stepPlusOne[row]!;
    if (s > 0) out[starts[s]!++] = row;
  }
  return out;
}

/** A membership set of rows, for "matches the search". */
export function rowSet(size: number, rows: Int32Array): Uint8Array {
  const set = new Uint8Array(size);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row >= 0 && row < size) set[row] = 1;
  }
  return set;
}

/**
 * The rows to show. `ranked` (from rankHits) is the search's answer, or null without a search;
 * sorting by relevance without a search falls back to descending score.
 */
export function viewRows(
  table: NeuronTable,
  mask: Uint8Array,
  sort: Sort,
  ranked: Int32Array | null,
  rankedSet: Uint8Array | null = ranked ? rowSet(table.size, ranked) : null,
): Int32Array {
  if (sort.key === 'relevance' && ranked) {
    const out = new Int32Array(ranked.length);
    let count = 0;
    if (sort.descending) {
      for (let i = 0; i < ranked.length; i++) if (mask[ranked[i]!]) out[count++] = ranked[i]!;
    } else {
      for (let i = ranked.length - 1; i >= 0; i--) if (mask[ranked[i]!]) out[count++] = ranked[i]!;
    }
    return out.slice(0, count);
  }
  const column: SortColumn = sort.key === 'relevance' ? 'score' : sort.key;
  const descending = sort.key === 'relevance' ? true : sort.descending;
  const { rows } = table.order(column, descending);
  const out = new Int32Array(ranked ? ranked.length : rows.length);
  let count = 0;
  if (rankedSet) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (mask[row] === 1 && rankedSet[row] === 1) out[count++] = row;
    }
  } else {
    for (let i = 0; i < rows.length; i++) if (mask[rows[i]!] === 1) out[count++] = rows[i]!;
  }
  return out.slice(0, count);
}
