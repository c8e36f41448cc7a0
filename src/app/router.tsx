import { lazy } from 'react';
import { createHashRouter, type RouteObject } from 'react-router';
import { Layout } from './shell/Layout.tsx';
import { NotFoundPage } from './shell/NotFoundPage.tsx';
import { RouteError } from './shell/RouteError.tsx';

// Pages load on demand, so the first paint needs only the shell.
const BrowsePage = lazy(() =>
  import('./browse/BrowsePage.tsx').then((module) => ({ default: module.BrowsePage })),
);
const NeuronPage = lazy(() =>
  import('./neuron/NeuronPage.tsx').then((module) => ({ default: module.NeuronPage })),
);

/**
 * `#/layers/L/neurons/N` is the release's permalink form and opens the default dataset;
 * `#/d/<dataset>/...` names a dataset. View state sits in the hash's search params.
 */
export const routes: RouteObject[] = [
  {
    path: '/',
    Component: Layout,
    ErrorBoundary: RouteError,
    children: [
      { index: true, Component: BrowsePage },
      { path: 'd/:dataset', Component: BrowsePage },
      { path: 'layers/:layer/neurons/:neuron', Component: NeuronPage },
      { path: 'd/:dataset/layers/:layer/neurons/:neuron', Component: NeuronPage },
      { path: '*', Component: NotFoundPage },
    ],
  },
];

export function createAppRouter() {
  return createHashRouter(routes);
}
