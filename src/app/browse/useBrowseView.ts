/**
 * The browse view held in the URL (see ./viewState.ts): read it, and change it with history
 * replacement (typing or dragging a slider makes no history entries; opening a neuron does).
 * Changes made while typing carry `TYPED_STATE`, so the page can tell its own (late-arriving)
 * URL updates from a query that came from elsewhere (the header's search box, a link).
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { parseView, viewParams, type BrowseView } from './viewState.ts';

export const TYPED_STATE = { typed: true } as const;

export function isTypedState(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && (state as { typed?: unknown }).typed === true
  );
}

export type UpdateView = (
  change: (view: BrowseView) => BrowseView,
  options?: { typed?: boolean },
) => void;

export function useBrowseView(): [BrowseView, UpdateView] {
  const [params, setParams] = useSearchParams();
  const text = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the params' text is their identity
  const view = useMemo(() => parseView(params), [text]);
  const update = useCallback<UpdateView>(
    (change, options) => {
      setParams((current) => viewParams(change(parseView(current))), {
        replace: true,
        state: options?.typed ? TYPED_STATE : null,
      });
    },
    [setParams],
  );
  return [view, update];
}
