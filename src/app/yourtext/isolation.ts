/**
 * When the Your text page is opened as a new document asked for with ISOLATED_QUERY, which the
 * server makes cross-origin isolated, so that the model runs on WebAssembly threads (every other
 * page stays unisolated, which makes it load sooner: docs/model-runner.md). Used by index.html's
 * early-fetch script (a Your text address opened directly) and by the app's links to the page.
 */
import { ISOLATED_QUERY } from '../../core/address/address.ts';

/**
 * Not when the page is isolated already; nor when it was asked for and is not (a static host
 * cannot isolate: asking again would only reload); nor when this page holds a model in memory,
 * which a new document would have to load again.
 */
export function opensIsolated(modelInMemory: boolean): boolean {
  return (
    window.crossOriginIsolated !== true &&
    !new URLSearchParams(location.search).has(ISOLATED_QUERY) &&
    !modelInMemory
  );
}

/** The isolated document's address for a route path (`/d/demo/text?t=...`). */
export function isolatedHref(path: string): string {
  return `?${ISOLATED_QUERY}#${path}`;
}
