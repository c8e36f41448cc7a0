import type { QueryClient } from '@tanstack/react-query';
import { createHashRouter, type LoaderFunctionArgs, type RouteObject } from 'react-router';
import { ROUTE_PATTERNS, routeFromParams } from '../core/address/address.ts';
import { prefetchNeuronPage } from './data/queries.ts';
import { Layout, PageFallback } from './shell/Layout.tsx';
import { NotFoundPage } from './shell/NotFoundPage.tsx';
import { RouteError } from './shell/RouteError.tsx';

// Pages load on demand (the router waits for a page's code before showing it, so a permalink
// renders shell and page in one pass; index.html has usually preloaded that code already).
const browsePage = async () => ({
  Component: (await import('./browse/BrowsePage.tsx')).BrowsePage,
});
const neuronPage = async () => ({
  Component: (await import('./neuron/NeuronPage.tsx')).NeuronPage,
});
const listsPage = async () => ({
  Component: (await import('./lists/ListsPage.tsx')).ListsPage,
});
const sharedListPage = async () => ({
  Component: (await import('./lists/ListsPage.tsx')).SharedListPage,
});
const textPage = async () => ({
  Component: (await import('./yourtext/YourTextPage.tsx')).YourTextPage,
});

/**
 * The app's routes (patterns from src/core/address). A neuron route's loader starts what the page
 * needs first, with the query options the page renders from, and returns at once: the page shows
 * its skeleton while the data comes (the loader never holds the navigation).
 */
export function createRoutes(client: QueryClient): RouteObject[] {
  const neuronLoader = ({ params }: LoaderFunctionArgs) => {
    const route = routeFromParams(params);
    if (route.page === 'neuron' && route.address) {
      prefetchNeuronPage(client, route.dataset, route.address);
    }
    return null;
  };
  const [browseIndex, ...browseNamed] = ROUTE_PATTERNS.browse;
  return [
    {
      path: browseIndex,
      Component: Layout,
      ErrorBoundary: RouteError,
      HydrateFallback: PageFallback,
      children: [
        { index: true, lazy: browsePage },
        ...browseNamed.map((path) => ({ path, lazy: browsePage })),
        ...ROUTE_PATTERNS.neuron.map((path) => ({ path, lazy: neuronPage, loader: neuronLoader })),
        ...ROUTE_PATTERNS.text.map((path) => ({ path, lazy: textPage })),
        ...ROUTE_PATTERNS.lists.map((path) => ({ path, lazy: listsPage })),
        ...ROUTE_PATTERNS.sharedList.map((path) => ({ path, lazy: sharedListPage })),
        ...ROUTE_PATTERNS.list.map((path) => ({ path, lazy: listsPage })),
        { path: '*', Component: NotFoundPage },
      ],
    },
  ];
}

export function createAppRouter(client: QueryClient) {
  return createHashRouter(createRoutes(client));
}
