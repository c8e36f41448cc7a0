import { createHashRouter, type RouteObject } from 'react-router';
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
 * `#/layers/L/neurons/N` is the release's permalink form and opens the default dataset;
 * `#/d/<dataset>/...` names a dataset. View state sits in the hash's search params.
 */
export const routes: RouteObject[] = [
  {
    path: '/',
    Component: Layout,
    ErrorBoundary: RouteError,
    HydrateFallback: PageFallback,
    children: [
      { index: true, lazy: browsePage },
      { path: 'd/:dataset', lazy: browsePage },
      { path: 'layers/:layer/neurons/:neuron', lazy: neuronPage },
      { path: 'd/:dataset/layers/:layer/neurons/:neuron', lazy: neuronPage },
      { path: 'text', lazy: textPage },
      { path: 'd/:dataset/text', lazy: textPage },
      { path: 'lists', lazy: listsPage },
      { path: 'lists/shared', lazy: sharedListPage },
      { path: 'lists/:id', lazy: listsPage },
      { path: '*', Component: NotFoundPage },
    ],
  },
];

export function createAppRouter() {
  return createHashRouter(routes);
}
