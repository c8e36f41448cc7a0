/**
 * The page's handle on the search worker, one per page, made when first needed. Where workers are
 * missing (tests in happy-dom), the same service runs in the page's thread. Components reach it
 * through useSearchService; SearchServiceProvider can put another in its place.
 */
import { createContext, useContext, type ReactNode } from 'react';
import * as Comlink from 'comlink';
import { createSearchService, type SearchService } from './service.ts';

let shared: SearchService | null = null;

function workerService(): SearchService {
  const worker = new Worker(new URL('./search.worker.ts', import.meta.url), {
    type: 'module',
    name: 'search',
  });
  const remote = Comlink.wrap<SearchService>(worker);
  return {
    // The worker resolves relative URLs against its own script, so it gets absolute ones.
    loadLayer: (dataset, layers, layer, url) =>
      remote.loadLayer(dataset, layers, layer, new URL(url, document.baseURI).href),
    view: (dataset, request) => remote.view(dataset, request),
    charts: (dataset, request, edges) => remote.charts(dataset, request, edges),
  };
}

export function sharedSearchService(): SearchService {
  shared ??= typeof Worker === 'undefined' ? createSearchService() : workerService();
  return shared;
}

const SearchServiceContext = createContext<SearchService | null>(null);

export function SearchServiceProvider({
  service,
  children,
}: {
  service: SearchService;
  children: ReactNode;
}) {
  return <SearchServiceContext.Provider value={service}>{children}</SearchServiceContext.Provider>;
}

export function useSearchService(): SearchService {
  return useContext(SearchServiceContext) ?? sharedSearchService();
}
