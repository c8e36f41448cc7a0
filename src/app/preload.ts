/**
 * Starts what the first page needs as soon as the entry script runs, instead of one request after
 * another as components mount: the route's code, and for a neuron permalink the dataset list, then
 * the manifest and the neuron's explanation and records side by side.
 */
import type { QueryClient } from '@tanstack/react-query';
import { datasetsQuery, manifestQuery, prefetchNeuron } from './data/queries.ts';

const NEURON_ROUTE = /^\/(?:d\/([^/?]+)\/)?layers\/(\d+)\/neurons\/(\d+)$/;

/** Resolves once the route's code has loaded; the app does not wait for it (tests do). */
export function preloadForLocation(client: QueryClient, hash: string): Promise<unknown> {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  const neuron = NEURON_ROUTE.exec(path);
  if (!neuron) {
    return path === '/' || path.startsWith('/d/')
      ? import('./browse/BrowsePage.tsx')
      : Promise.resolve();
  }
  const code = import('./neuron/NeuronPage.tsx');
  const [, encodedDataset, layer, index] = neuron;
  const datasets = client.fetchQuery(datasetsQuery());
  const dataset = encodedDataset
    ? Promise.resolve(decodeURIComponent(encodedDataset))
    : datasets.then((list) => list.default);
  dataset.then(
    (id) => {
      void client.prefetchQuery(manifestQuery(id));
      prefetchNeuron(client, id, Number(layer), Number(index));
    },
    () => {
      // The page shows the failure (with a retry) when it asks for the same query.
    },
  );
  datasets.catch(() => {});
  return code;
}
