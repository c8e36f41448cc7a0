/**
 * A view of a comparison (./join.ts): which compared neurons, in what order. Filters are ranges
 * (ends included, either end open) on layer, either score and the difference, and words that
 * either explanation must contain; sorting is by score, the other score, the difference, or the
 * neuron's address. A neuron without a value for the sorted column comes last in both directions.
 *
 * The view is written into the URL (see viewParams), so a comparison is a permalink:
 *
 *   vs=<dataset>       the dataset compared with the one browsed (required)
 *   q=words            words that one explanation or the other contains (case ignored)
 *   layers=3-10        a layer range (or one layer)
 *   score=0.2..        the browsed dataset's score range
 *   vsscore=..0.5      the compared dataset's score range
 *   diff=..-0.2        the difference (compared − browsed): "where it is worse by 0.2"
 *   sort=difference    difference | score | vsscore | neuron (default: difference)
 *   dir=asc            asc | desc (default: asc for neuron and difference, else desc)
 */
import { floatKey, radixOrder } from '../browse/radix.ts';
import type { Comparison } from './join.ts';
import { layersParam, parseLayersParam } from '../browse/layers-param.ts';

/** [low, high], either end null for open. */
export type Range = [number | null, number | null];

export interface CompareFilters {
  layers: [number, number] | null;
  scoreA: Range | null;
  scoreB: Range | null;
  difference: Range | null;
  text: string;
}

export type CompareSortKey = 'difference' | 'score' | 'vsscore' | 'neuron';

export interface CompareSort {
  key: CompareSortKey;
  descending: boolean;
}

export interface CompareView {
  filters: CompareFilters;
  sort: CompareSort;
}

export const NO_COMPARE_FILTERS: CompareFilters = {
  layers: null,
  scoreA: null,
  scoreB: null,
  difference: null,
  text: '',
};

const COMPARE_SORT_KEYS: readonly CompareSortKey[] = ['difference', 'score', 'vsscore', 'neuron'];

/** Largest losses first for the difference (ascending), best first for scores. */
export function defaultCompareDescending(key: CompareSortKey): boolean {
  return key === 'score' || key === 'vsscore';
}

export const DEFAULT_COMPARE_VIEW: CompareView = {
  filters: NO_COMPARE_FILTERS,
  sort: { key: 'difference', descending: false },
};

const inRange = (value: number, range: Range | null) =>
  range === null ||
  (value === value && // NaN is in no range
    (range[0] === null || value >= range[0]) &&
    (range[1] === null || value <= range[1]));

/** Lower-cased words, each of which must be in one of the two explanations. */
function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The entries of `comparison` the view lists, in its order. `explanations(i)` gives entry i's two
 * explanations; it is only called when the view filters by words.
 */
export function compareRows(
  comparison: Comparison,
  view: CompareView,
  explanations?: (i: number) => [string | null, string | null],
): Int32Array {
  const { filters, sort } = view;
  const wanted = words(filters.text);
  const kept = new Int32Array(comparison.count);
  let n = 0;
  for (let i = 0; i < comparison.count; i++) {
    const layer = comparison.layer[i]!;
    if (filters.layers && (layer < filters.layers[0] || layer > filters.layers[1])) continue;
    if (!inRange(comparison.scoreA[i]!, filters.scoreA)) continue;
    if (!inRange(comparison.scoreB[i]!, filters.scoreB)) continue;
    if (!inRange(comparison.difference[i]!, filters.difference)) continue;
    if (wanted.length > 0 && explanations) {
      const [a, b] = explanations(i);
      const text = `${a ?? ''}\n${b ?? ''}`.toLowerCase();
      if (!wanted.every((word) => text.includes(word))) continue;
    }
    kept[n++] = i;
  }
  const rows = kept.slice(0, n);
  if (sort.key === 'neuron') return sort.descending ? rows.reverse() : rows;
  return sortByValue(rows, sortValues(comparison, sort.key), sort.descending);
}

function sortValues(comparison: Comparison, key: Exclude<CompareSortKey, 'neuron'>) {
  if (key === 'score') return comparison.scoreA;
  if (key === 'vsscore') return comparison.scoreB;
  return comparison.difference;
}

/**
 * Entries in order of `values` (radix on float32 keys, then exact order within equal keys),
 * ties in address order, entries without a value (NaN) last.
 */
function sortByValue(entries: Int32Array, values: Float64Array, descending: boolean): Int32Array {
  const valued = new Int32Array(entries.length);
  const missing = new Int32Array(entries.length);
  let v = 0;
  let m = 0;
  for (const i of entries) {
    if (values[i] === values[i]) valued[v++] = i;
    else missing[m++] = i;
  }
  const rows = valued.slice(0, v);
  const keys = new Uint32Array(v);
  for (let k = 0; k < v; k++) {
    const key = floatKey(values[rows[k]!]!);
    keys[k] = descending ? ~key >>> 0 : key;
  }
  const order = radixOrder(rows, keys);
  // float32 keys tie for values closer than float32 precision: put those runs in exact order.
  let start = 0;
  for (let k = 1; k <= v; k++) {
    if (k < v && Math.fround(values[order[k]!]!) === Math.fround(values[order[start]!]!)) continue;
    if (k - start > 1) {
      const run = Array.from(order.subarray(start, k));
      run.sort((x, y) => (descending ? values[y]! - values[x]! : values[x]! - values[y]!) || x - y);
      order.set(run, start);
    }
    start = k;
  }
  const result = new Int32Array(entries.length);
  result.set(order, 0);
  result.set(missing.subarray(0, m), v);
  return result;
}

// The URL ------------------------------------------------------------------------------------

const NUMBER = /^-?\d*\.?\d+(?:e-?\d+)?$/i;

/** "0.2..0.5", "..-0.2", "0.8..": null when it does not parse or is empty. */
export function parseRange(text: string | null): Range | null {
  if (text === null) return null;
  const parts = text.split('..');
  if (parts.length !== 2) return null;
  const [lowText, highText] = parts as [string, string];
  if (lowText === '' && highText === '') return null;
  if ((lowText !== '' && !NUMBER.test(lowText)) || (highText !== '' && !NUMBER.test(highText))) {
    return null;
  }
  const low = lowText === '' ? null : Number(lowText);
  const high = highText === '' ? null : Number(highText);
  if (low !== null && high !== null && low > high) return null;
  return [low, high];
}

const number = (value: number) => String(Number(value.toPrecision(12)));

function formatRange([low, high]: Range): string {
  return `${low === null ? '' : number(low)}..${high === null ? '' : number(high)}`;
}

/** The view a URL's params describe; what does not parse takes the default. */
/** What the parsers read of a URL's query (URLSearchParams in the app). */
interface QueryParams {
  get(name: string): string | null;
}

export function parseCompareView(params: QueryParams): CompareView {
  const key = params.get('sort') as CompareSortKey | null;
  const sortKey = key && COMPARE_SORT_KEYS.includes(key) ? key : 'difference';
  const dir = params.get('dir');
  return {
    filters: {
      layers: parseLayersParam(params.get('layers')),
      scoreA: parseRange(params.get('score')),
      scoreB: parseRange(params.get('vsscore')),
      difference: parseRange(params.get('diff')),
      text: params.get('q') ?? '',
    },
    sort: {
      key: sortKey,
      descending: dir === 'asc' ? false : dir === 'desc' ? true : defaultCompareDescending(sortKey),
    },
  };
}

/** The URL params (name, value) of a comparison with dataset `vs`; only what is not default. */
export function compareViewParams(vs: string, view: CompareView): [string, string][] {
  const params: [string, string][] = [];
  const set = (name: string, value: string) => params.push([name, value]);
  set('vs', vs);
  const { layers, scoreA, scoreB, difference, text } = view.filters;
  if (text.trim() !== '') set('q', text);
  if (layers) set('layers', layersParam(layers));
  if (scoreA) set('score', formatRange(scoreA));
  if (scoreB) set('vsscore', formatRange(scoreB));
  if (difference) set('diff', formatRange(difference));
  if (view.sort.key !== 'difference') set('sort', view.sort.key);
  if (view.sort.descending !== defaultCompareDescending(view.sort.key)) {
    set('dir', view.sort.descending ? 'desc' : 'asc');
  }
  return params;
}
