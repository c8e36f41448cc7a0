import type { MouseEvent, ReactNode } from 'react';
import { Link } from 'react-router';
import { modelWorkerMade } from '../model/presence.ts';
import { isolatedHref, opensIsolated } from './isolation.ts';

/**
 * A link to the Your text page (`to`: its route path, from textPath): a plain click opens it as
 * a cross-origin isolated document when ./isolation.ts says so, else it is an in-app link.
 */
export function TextPageLink({ to, children }: { to: string; children: ReactNode }) {
  const follow = (event: MouseEvent) => {
    const plainClick =
      event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (!plainClick || !opensIsolated(modelWorkerMade())) return;
    event.preventDefault();
    location.assign(isolatedHref(to));
  };
  return (
    <Link to={to} onClick={follow}>
      {children}
    </Link>
  );
}
