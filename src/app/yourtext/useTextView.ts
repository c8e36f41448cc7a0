/**
 * The page's view (./viewState.ts), held by the page and mirrored into the URL as the browse page
 * does its own (../shell/useUrlView.ts); only a click on a link writes a pending change at once.
 */
import { useCallback } from 'react';
import { useUrlView } from '../shell/useUrlView.ts';
import { parseTextView, textViewParams, type TextView } from './viewState.ts';

export type UpdateTextView = (change: Partial<TextView>) => void;

export function useTextView(): { view: TextView; update: UpdateTextView } {
  const { view, setView } = useUrlView({
    parse: parseTextView,
    toParams: textViewParams,
    flushOnClick: 'links',
  });
  const update = useCallback<UpdateTextView>(
    (change) => setView((current) => ({ ...current, ...change })),
    [setView],
  );
  return { view, update };
}
