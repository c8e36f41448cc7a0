import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { parseRouteHash } from '../core/address/address.ts';
import { datasetsQuery, manifestQuery, neuronFileQuery } from './data/queries.ts';
import type { createAppRouter } from './router.tsx';

export function createAppQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Dataset files never change while the page is open; the manifest is fetched fresh per load.
      queries: { refetchOnWindowFocus: false, gcTime: 10 * 60_000 },
    },
  });
}

type AppRouter = ReturnType<typeof createAppRouter>;

/** How long the first render waits, at most, for the first screen's files. */
const FIRST_RENDER_WAIT = 2000;

/**
 * Resolves when the app's first render can show the page's first screen whole: the route's code
 * loaded and, for a neuron page, the dataset list, manifest, explanation and records in the cache
 * (index.html's first-paint script may already show them: the app's first render then replaces
 * that screen with the same one, not with skeletons). Never later than FIRST_RENDER_WAIT; a file
 * that fails is the page's to report.
 */
export function firstRenderReady(
  router: AppRouter,
  client: QueryClient,
  hash: string,
): Promise<void> {
  const routed = new Promise<void>((done) => {
    if (router.state.initialized) return done();
    const stop = router.subscribe((state) => {
      if (!state.initialized) return;
      stop();
      done();
    });
  });
  const route = parseRouteHash(hash);
  const files = async () => {
    if (route?.page !== 'neuron' || !route.address) return;
    const { layer, neuron } = route.address;
    const dataset = route.dataset ?? (await client.fetchQuery(datasetsQuery())).default;
    await Promise.all([
      client.fetchQuery(datasetsQuery()),
      client.fetchQuery(manifestQuery(dataset)),
      client.fetchQuery(neuronFileQuery(dataset, 'explanations', layer, neuron)),
      client.fetchQuery(neuronFileQuery(dataset, 'collated-activations', layer, neuron)),
    ]);
  };
  const ready = Promise.all([routed, files().catch(() => {})]).then(() => {});
  return Promise.race([ready, new Promise<void>((done) => setTimeout(done, FIRST_RENDER_WAIT))]);
}

export function App({ client, router }: { client: QueryClient; router: AppRouter }) {
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
