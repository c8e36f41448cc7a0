/** The browse view (see ./viewState.ts), held by the page and mirrored into the URL. */
import { useCallback } from 'react';
import { useUrlView } from '../shell/useUrlView.ts';
import { parseView, viewParams, type BrowseView } from './viewState.ts';

export type UpdateView = (change: (view: BrowseView) => BrowseView) => void;

export interface BrowseViewState {
  view: BrowseView;
  update: UpdateView;
  /** Writes a pending change to the URL now (before the page navigates away). */
  flush: () => void;
}

export function useBrowseView(): BrowseViewState {
  const { view, setView, flush } = useUrlView({
    parse: parseView,
    toParams: viewParams,
    flushOnClick: 'any',
  });
  const update = useCallback<UpdateView>(
    (change) => setView((current) => change(current)),
    [setView],
  );
  return { view, update, flush };
}
