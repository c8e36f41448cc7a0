/**
 * The browse view (see ./viewState.ts), held by the page and mirrored into the URL. The page
 * changes its own copy at once; the URL follows once changes pause (URL_DELAY ms), with history
 * replacement (typing or dragging a slider makes no history entries), because each router update
 * re-renders the route and costs the browser a history write: too much for every keystroke.
 * Before anything can take the user away (a click, a form submitted, the page unloading) a
 * pending change is written at once, so coming back finds the view as it was left. A URL that
 * changes from elsewhere (the header's search box, back and forward, a link) replaces the view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { parseView, viewParams, type BrowseView } from './viewState.ts';

export const URL_DELAY = 300;

export type UpdateView = (change: (view: BrowseView) => BrowseView) => void;

/** The hash-router URL of the current page with `search` as its query. */
function urlWith(search: string): string {
  const path = window.location.hash.slice(1).split('?')[0] ?? '';
  return `${window.location.pathname}${window.location.search}#${path}${search ? `?${search}` : ''}`;
}

export interface BrowseViewState {
  view: BrowseView;
  update: UpdateView;
  /** Writes a pending change to the URL now (before the page navigates away). */
  flush: () => void;
}

export function useBrowseView(): BrowseViewState {
  const [params, setParams] = useSearchParams();
  const routerText = viewParams(parseView(params)).toString();
  const [view, setView] = useState(() => parseView(params));
  // The URL's view as last seen, and as last written (or taken in) by this page.
  const [seen, setSeen] = useState(routerText);
  const [written, setWritten] = useState(routerText);
  if (routerText !== seen) {
    setSeen(routerText);
    if (routerText !== written) {
      setWritten(routerText);
      setView(parseView(params));
    }
  }

  const wanted = viewParams(view).toString();
  const pending = useRef<string | null>(null);
  const write = useCallback(
    (text: string) => {
      pending.current = null;
      setWritten(text);
      setParams(new URLSearchParams(text), { replace: true });
    },
    [setParams],
  );
  useEffect(() => {
    if (wanted === written) return;
    pending.current = wanted;
    const timer = setTimeout(() => write(wanted), URL_DELAY);
    return () => clearTimeout(timer);
  }, [wanted, written, write]);

  // Synchronously into the address bar (the router's own update may be overtaken by the
  // navigation that follows), and then through the router.
  const flush = useCallback(() => {
    const text = pending.current;
    if (text === null) return;
    window.history.replaceState(window.history.state, '', urlWith(text));
    write(text);
  }, [write]);
  useEffect(() => {
    const options = { capture: true } as const;
    document.addEventListener('click', flush, options);
    document.addEventListener('submit', flush, options);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('click', flush, options);
      document.removeEventListener('submit', flush, options);
      window.removeEventListener('pagehide', flush);
    };
  }, [flush]);

  const update = useCallback<UpdateView>((change) => setView((current) => change(current)), []);
  return { view, update, flush };
}
