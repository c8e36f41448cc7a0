/**
 * The comparison view, held by the page and written into the URL (replacing the history entry)
 * once changes pause, so a comparison is a permalink and survives opening a neuron and coming back.
 */
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { compareViewParams, parseCompareView, type CompareView } from '../../core/compare/view.ts';

const URL_DELAY = 300;

export function useCompareView(vs: string) {
  const [params, setParams] = useSearchParams();
  const urlText = new URLSearchParams(compareViewParams(vs, parseCompareView(params))).toString();
  const [view, setView] = useState(() => parseCompareView(params));
  const [seen, setSeen] = useState(urlText);
  // The URL changed from elsewhere (back, a link): it wins.
  if (urlText !== seen) {
    setSeen(urlText);
    const next = parseCompareView(params);
    if (new URLSearchParams(compareViewParams(vs, next)).toString() !== wantedText(vs, view)) {
      setView(next);
    }
  }
  const wanted = wantedText(vs, view);
  useEffect(() => {
    if (wanted === urlText) return;
    const timer = setTimeout(() => {
      setSeen(wanted);
      setParams(new URLSearchParams(wanted), { replace: true });
    }, URL_DELAY);
    return () => clearTimeout(timer);
  }, [wanted, urlText, setParams]);
  const update = useCallback(
    (change: (current: CompareView) => CompareView) => setView((current) => change(current)),
    [],
  );
  return { view, update, params: wanted };
}

function wantedText(vs: string, view: CompareView): string {
  return new URLSearchParams(compareViewParams(vs, view)).toString();
}
