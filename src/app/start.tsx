/**
 * Starts the app: its query client and router, and its first render once that render can show the
 * first screen whole (see firstRenderReady). Loaded by ./main.tsx.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createAppQueryClient, firstRenderReady } from './App.tsx';
import { createAppRouter } from './router.tsx';

const client = createAppQueryClient();
const router = createAppRouter(client);

// The first render waits for what the first screen needs, so that it never replaces a screen
// index.html has already drawn (or its placeholder) with skeletons.
void firstRenderReady(router, client, window.location.hash).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App client={client} router={router} />
    </StrictMode>,
  ),
);
