/**
 * The page's view (./viewState.ts), held by the page and mirrored into the URL as the browse
 * page does its own (see ../browse/useBrowseView.ts for why): at once in the page, in the URL
 * once changes pause, with history replacement, written at once before a click or a submit can
 * take the user away; a URL changed from elsewhere replaces the view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { parseTextView, textViewParams, type TextView } from './viewState.ts';

const URL_DELAY = 300;

function urlWith(search: string): string {
  const path = window.location.hash.slice(1).split('?')[0] ?? '';
  return `${window.location.pathname}${window.location.search}#${path}${search ? `?${search}` : ''}`;
}

export type UpdateTextView = (change: Partial<TextView>) => void;

export function useTextView(): { view: TextView; update: UpdateTextView } {
  const [params, setParams] = useSearchParams();
  const routerText = textViewParams(parseTextView(params)).toString();
  const [view, setView] = useState(() => parseTextView(params));
  const [seen, setSeen] = useState(routerText);
  const [written, setWritten] = useState(routerText);
  if (routerText !== seen) {
    setSeen(routerText);
    if (routerText !== written) {
      setWritten(routerText);
      setView(parseTextView(params));
    }
  }

  const wanted = textViewParams(view).toString();
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

  const flush = useCallback(() => {
    const text = pending.current;
    if (text === null) return;
    window.history.replaceState(window.history.state, '', urlWith(text));
    write(text);
  }, [write]);
  useEffect(() => {
    const options = { capture: true } as const;
    // Only a link takes the user away: a click on the page's own controls must not write the URL
    // (and re-read it) in the middle of their change.
    const onClick = (event: MouseEvent) => {
      if (event.target instanceof Element && event.target.closest('a[href]')) flush();
    };
    document.addEventListener('click', onClick, options);
    document.addEventListener('submit', flush, options);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('click', onClick, options);
      document.removeEventListener('submit', flush, options);
      window.removeEventListener('pagehide', flush);
    };
  }, [flush]);

  const update = useCallback<UpdateTextView>(
    (change) => setView((current) => ({ ...current, ...change })),
    [],
  );
  return { view, update };
}
