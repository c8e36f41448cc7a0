/**
 * The browse view held in the URL (see ./viewState.ts): read it, and change it with history
 * replacement (typing or dragging a slider makes no history entries; opening a neuron does).
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { parseView, viewParams, type BrowseView } from './viewState.ts';

export function useBrowseView(): [BrowseView, (change: (view: BrowseView) => BrowseView) => void] {
  const [params, setParams] = useSearchParams();
  const text = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the params' text is their identity
  const view = useMemo(() => parseView(params), [text]);
  const update = useCallback(
    (change: (view: BrowseView) => BrowseView) => {
      setParams((current) => viewParams(change(parseView(current))), { replace: true });
    },
    [setParams],
  );
  return [view, update];
}
