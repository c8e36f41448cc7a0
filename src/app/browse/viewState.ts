/**
 * The browse view as URL search params, so a view can be shared:
 *
 *   q=time          the search text
 *   sort=score      relevance | score | layer | neuron | maxActivation | explanation
 *   dir=asc         asc | desc (each column has a natural default)
 *   layers=3-10     an inclusive layer range (or one layer: layers=5)
 *   score=0.5..1    a score range, both ends included
 *   score=0.75..<0.8    the same, 0.8 left out (what a histogram bar chooses)
 *   records=with    with | without (activation records)
 *
 * Values that do not parse are ignored (the default applies); only non-defaults are written.
 */
import {
  SORT_KEYS,
  type Filters,
  type RecordsFilter,
  type ScoreRange,
  type Sort,
  type SortKey,
} from '../../core/browse/view.ts';
import { layersParam, parseLayersParam } from '../../core/browse/layers-param.ts';

export interface BrowseView {
  query: string;
  filters: Filters;
  /** The sort the URL names; null for the default (relevance while searching, else score). */
  sort: Sort | null;
}

/** The direction a column sorts in when first chosen: best and biggest first, else ascending. */
export function defaultDescending(key: SortKey): boolean {
  return key === 'relevance' || key === 'score' || key === 'maxActivation';
}

/** The sort in force: the URL's, else relevance while searching, else score (best first). */
export function effectiveSort(view: BrowseView, searching: boolean): Sort {
  if (view.sort && (view.sort.key !== 'relevance' || searching)) return view.sort;
  return searching ? { key: 'relevance', descending: true } : { key: 'score', descending: true };
}

function parseScore(text: string | null): ScoreRange | null {
  const match = text ? /^(-?\d*\.?\d+)\.\.(<?)(-?\d*\.?\d+)$/.exec(text) : null;
  if (!match) return null;
  const low = Number(match[1]);
  const high = Number(match[3]);
  const highIncluded = match[2] === '';
  const valid = highIncluded ? low <= high : low < high;
  return Number.isFinite(low) && Number.isFinite(high) && valid
    ? { low, high, highIncluded }
    : null;
}

export function parseView(params: URLSearchParams): BrowseView {
  const records = params.get('records');
  const sortKey = params.get('sort') as SortKey | null;
  const dir = params.get('dir');
  const key = sortKey && SORT_KEYS.includes(sortKey) ? sortKey : null;
  return {
    query: params.get('q') ?? '',
    filters: {
      layers: parseLayersParam(params.get('layers')),
      score: parseScore(params.get('score')),
      records: records === 'with' || records === 'without' ? (records as RecordsFilter) : 'any',
    },
    sort: key
      ? { key, descending: dir === 'asc' ? false : dir === 'desc' ? true : defaultDescending(key) }
      : null,
  };
}

/** Numbers as short as they can be written without changing them. */
const number = (value: number) => String(Number(value.toPrecision(12)));

export function viewParams(view: BrowseView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.query !== '') params.set('q', view.query);
  if (view.sort) {
    params.set('sort', view.sort.key);
    if (view.sort.descending !== defaultDescending(view.sort.key)) {
      params.set('dir', view.sort.descending ? 'desc' : 'asc');
    }
  }
  const { layers, score, records } = view.filters;
  if (layers) params.set('layers', layersParam(layers));
  if (score) {
    params.set(
      'score',
      `${number(score.low)}..${score.highIncluded ? '' : '<'}${number(score.high)}`,
    );
  }
  if (records !== 'any') params.set('records', records);
  return params;
}
