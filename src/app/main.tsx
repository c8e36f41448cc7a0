/**
 * The entry: the page's styles, then the app (./start.tsx). For a neuron permalink, index.html's
 * early-fetch script draws the first screen from the files it fetched (./first-screen.ts); the
 * app's code, downloaded meanwhile, runs only once that is on screen (or has been given up), so
 * that running it never holds the first paint back. It needs the same files for its own first
 * render anyway.
 */
import './styles/global.css';
import './styles/first-screen.css';

declare global {
  interface Window {
    /** Settles when index.html's first paint is done or given up (see early-fetch.ts). */
    __firstScreen?: Promise<void>;
  }
}

void (window.__firstScreen ?? Promise.resolve()).then(() => import('./start.tsx'));
