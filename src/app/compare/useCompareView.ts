/**
 * The comparison view, held by the page and written into the URL (replacing the history entry)
 * as it changes, so a comparison is a permalink and survives opening a neuron and coming back.
 * Written at once, not after a pause as browse does: a write still pending when a link is
 * clicked would navigate back to this page while the next one's code loads.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { compareViewParams, parseCompareView, type CompareView } from '../../core/compare/view.ts';

function paramsText(vs: string, view: CompareView): string {
  return new URLSearchParams(compareViewParams(vs, view)).toString();
}

export function useCompareView(vs: string) {
  const [params, setParams] = useSearchParams();
  const urlText = paramsText(vs, parseCompareView(params));
  const [view, setView] = useState(() => parseCompareView(params));
  const [seen, setSeen] = useState(urlText);
  // The URL changed from elsewhere (back, a link, another dataset to compare with): it wins.
  if (urlText !== seen) {
    setSeen(urlText);
    setView(parseCompareView(params));
  }
  const latest = useRef(view);
  useLayoutEffect(() => {
    latest.current = view;
  });
  const update = useCallback(
    (change: (current: CompareView) => CompareView) => {
      const next = change(latest.current);
      latest.current = next;
      const text = paramsText(vs, next);
      setView(next);
      setSeen(text);
      setParams(new URLSearchParams(text), { replace: true });
    },
    [vs, setParams],
  );
  return { view, update, params: paramsText(vs, view) };
}
