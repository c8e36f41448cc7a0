import type { MouseEvent, ReactNode } from 'react';
import { Link } from 'react-router';
import { ISOLATED_QUERY } from '../../core/address/address.ts';
import { modelWorkerMade } from '../model/presence.ts';

/**
 * Whether following a link to the Your text page should load it as a new document asked for with
 * ISOLATED_QUERY, which the server makes cross-origin isolated, so that the model runs on
 * WebAssembly threads (every other page stays unisolated, which makes it load sooner). Not when
 * the page is isolated already; nor when it was asked for and is not (a static host cannot
 * isolate: asking again would only reload); nor when this page has a model worker, whose model a
 * new document would have to load again.
 */
function opensIsolated(): boolean {
  return (
    !crossOriginIsolated &&
    !new URLSearchParams(location.search).has(ISOLATED_QUERY) &&
    !modelWorkerMade()
  );
}

/** A link to the Your text page (`to`: its route path, from textPath); see opensIsolated. */
export function TextPageLink({ to, children }: { to: string; children: ReactNode }) {
  const follow = (event: MouseEvent) => {
    const plainClick =
      event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (!plainClick || !opensIsolated()) return;
    event.preventDefault();
    location.assign(`?${ISOLATED_QUERY}#${to}`);
  };
  return (
    <Link to={to} onClick={follow}>
      {children}
    </Link>
  );
}
