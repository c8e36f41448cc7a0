import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { preloadForLocation } from './preload.ts';
import { createAppRouter } from './router.tsx';

export function createAppQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Dataset files never change while the page is open; the manifest is fetched fresh per load.
      queries: { refetchOnWindowFocus: false, gcTime: 10 * 60_000 },
    },
  });
}

export function App() {
  const [queryClient] = useState(() => {
    const client = createAppQueryClient();
    void preloadForLocation(client, window.location.hash);
    return client;
  });
  const [router] = useState(createAppRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
