/**
 * A page's view held by the page and mirrored into the URL's query (browse, Your text). The page
 * changes its own copy at once; the URL follows once changes pause (URL_DELAY ms), with history
 * replacement (typing or dragging a slider makes no history entries), because each router update
 * re-renders the route and costs the browser a history write: too much for every keystroke.
 * Before anything can take the user away (a click, a form submitted, the page unloading) a
 * pending change is written at once, so coming back finds the view as it was left. A URL that
 * changes from elsewhere (the header's search box, back and forward, a link) replaces the view.
 */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type SetStateAction,
} from 'react';
import { useSearchParams } from 'react-router';

const URL_DELAY = 300;

/** The hash-router URL of the current page with `search` as its query. */
function urlWith(search: string): string {
  const path = window.location.hash.slice(1).split('?')[0] ?? '';
  return `${window.location.pathname}${window.location.search}#${path}${search ? `?${search}` : ''}`;
}

export interface UrlViewOptions<V> {
  /** The view a URL query holds; a module-level function (its identity must not change). */
  parse: (params: URLSearchParams) => V;
  /** The query that holds a view. */
  toParams: (view: V) => URLSearchParams;
  /**
   * Which clicks write a pending change first: any click, or only a click on a link (where a
   * click on the page's own controls must not write the URL, and re-read it, mid-change).
   */
  flushOnClick: 'any' | 'links';
}

export interface UrlView<V> {
  view: V;
  setView: Dispatch<SetStateAction<V>>;
  /** Writes a pending change to the URL now (before the page navigates away). */
  flush: () => void;
}

export function useUrlView<V>({ parse, toParams, flushOnClick }: UrlViewOptions<V>): UrlView<V> {
  const [params, setParams] = useSearchParams();
  const routerText = toParams(parse(params)).toString();
  const [view, setView] = useState(() => parse(params));
  // The URL's view as last seen, and as last written (or taken in) by this page.
  const [seen, setSeen] = useState(routerText);
  const [written, setWritten] = useState(routerText);
  if (routerText !== seen) {
    setSeen(routerText);
    if (routerText !== written) {
      setWritten(routerText);
      setView(parse(params));
    }
  }

  const wanted = toParams(view).toString();
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
    const onClick = (event: MouseEvent) => {
      if (flushOnClick === 'any') flush();
      else if (event.target instanceof Element && event.target.closest('a[href]')) flush();
    };
    document.addEventListener('click', onClick, options);
    document.addEventListener('submit', flush, options);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('click', onClick, options);
      document.removeEventListener('submit', flush, options);
      window.removeEventListener('pagehide', flush);
    };
  }, [flush, flushOnClick]);

  return { view, setView, flush };
}
