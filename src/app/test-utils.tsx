/** Helpers for component tests: a fake network and the app's routes in a memory router. */
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { createRoutes } from './router.tsx';

/**
 * A response the fake network gives: a value (sent as JSON), raw text, an HTTP failure, or a
 * failure to connect at all.
 */
export type FakeFile = unknown | { text: string } | { status: number } | { unreachable: true };

/**
 * Replaces fetch: `files` maps a URL (as the app requests it, e.g. "datasets/demo/manifest.json")
 * to its answer; anything else is a 404. Returns the mock so tests can count requests.
 */
export function fakeNetwork(files: Record<string, FakeFile>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    const file = files[url];
    if (file === undefined) return new Response('not found', { status: 404 });
    if (typeof file === 'object' && file !== null && 'unreachable' in file)
      throw new TypeError('Failed to fetch');
    if (
      typeof file === 'object' &&
      file !== null &&
      'status' in file &&
      typeof file.status === 'number'
    )
      return new Response('failed', { status: file.status });
    if (
      typeof file === 'object' &&
      file !== null &&
      'text' in file &&
      typeof file.text === 'string'
    )
      return new Response(file.text, { status: 200 });
    return new Response(JSON.stringify(file), { status: 200 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

export function testQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
}

/** Renders the whole app at `path` (the part after `#`). */
export function renderApp(path: string) {
  const client = testQueryClient();
  const router = createMemoryRouter(createRoutes(client), { initialEntries: [path] });
  const result = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router, client };
}
