import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
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
  const [queryClient] = useState(createAppQueryClient);
  const [router] = useState(() => createAppRouter(queryClient));
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
