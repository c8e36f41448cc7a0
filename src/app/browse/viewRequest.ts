/** The browse view as a request to the search worker. */
import type { ViewRequest } from '../../core/browse/answer.ts';
import { parseQuery } from '../../core/search/query.ts';
import { effectiveSort, type BrowseView } from './viewState.ts';

/** What to ask the worker for a view over `layers` loaded layers, and the request's key. */
export function viewRequest(
  view: BrowseView,
  layers: number,
): { key: string; request: ViewRequest } {
  const query = view.query.trim();
  const searching = parseQuery(query).clauses.length > 0;
  const sort = effectiveSort(view, searching);
  const request = { query: searching ? query : '', filters: view.filters, sort };
  return { key: `${layers}:${JSON.stringify([request.query, request.filters, sort])}`, request };
}
