/**
 * The page's handle on the search worker, one per page, its workers started when first used. Where
 * workers are missing (tests in happy-dom), the same service runs in the page's thread. Components
 * reach it through useSearchService.
 */
import * as Comlink from 'comlink';
import type { ReaderApi } from './reader.worker.ts';
import type { SearchWorkerApi } from './search.worker.ts';
import type { SearchService } from './service.ts';

let shared: SearchService | null = null;

/**
 * Reader workers, besides the search worker: on two cores, one (the page's thread is mostly idle
 * while layers load); more on more, up to three.
 */
function readerCount(): number {
  const cores = typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
  return Math.max(1, Math.min(3, cores - 1));
}

function workerService(): SearchService {
  const worker = new Worker(new URL('./search.worker.ts', import.meta.url), {
    type: 'module',
    name: 'search',
  });
  const remote = Comlink.wrap<SearchWorkerApi>(worker);
  const readers = Array.from({ length: readerCount() }, (_, i) => {
    const reader = Comlink.wrap<ReaderApi>(
      new Worker(new URL('./reader.worker.ts', import.meta.url), {
        type: 'module',
        name: `reader ${i + 1}`,
      }),
    );
    const { port1, port2 } = new MessageChannel();
    void remote.connectReader(Comlink.transfer(port1, [port1]));
    void reader.connect(Comlink.transfer(port2, [port2]));
    return reader;
  });
  let next = 0;
  return {
    async loadLayer(dataset, layers, layer, url, take) {
      const reader = readers[next++ % readers.length]!;
      // The worker resolves relative URLs against its own script, so it gets absolute ones.
      const columns = await reader.readLayer(
        dataset,
        layers,
        new URL(url, document.baseURI).href,
        layer,
      );
      take(columns);
      // Sent before any view asked for after this, through the same port: answers to those
      // cover this layer.
      void remote.commitLayer(dataset, layer);
    },
    view: (dataset, request) => remote.view(dataset, request),
    charts: (dataset, request, edges) => remote.charts(dataset, request, edges),
    compare: (a, b, view) => remote.compare(a, b, view),
    compareCharts: (a, b, view) => remote.compareCharts(a, b, view),
  };
}

/**
 * A service that starts on its first call, or on `warmUp` (the browse page warms the workers up
 * while its manifest loads; the neuron page uses them only after it has painted). Without
 * workers, the same service runs in the page's thread, its code loaded only then.
 */
function lazyService(): SearchService {
  let started: Promise<SearchService> | null = null;
  const service = () =>
    (started ??=
      typeof Worker === 'undefined'
        ? import('./service.ts').then((module) => module.createSearchService())
        : Promise.resolve(workerService()));
  return {
    warmUp: () => void service(),
    loadLayer: async (...args) => (await service()).loadLayer(...args),
    view: async (...args) => (await service()).view(...args),
    charts: async (...args) => (await service()).charts(...args),
    compare: async (...args) => (await service()).compare(...args),
    compareCharts: async (...args) => (await service()).compareCharts(...args),
  };
}

export function sharedSearchService(): SearchService {
  shared ??= lazyService();
  return shared;
}

/** The page's search service (a hook by name, for components; it holds no React state). */
export function useSearchService(): SearchService {
  return sharedSearchService();
}
