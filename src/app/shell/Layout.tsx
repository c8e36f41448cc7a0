import { Suspense, useRef } from 'react';
import { Link, Outlet } from 'react-router';
import { browsePath, listsPath, textPath } from '../../core/address/address.ts';
import { JumpBox } from '../search/JumpBox.tsx';
import { TextPageLink } from '../yourtext/TextPageLink.tsx';
import { DatasetPicker } from './DatasetPicker.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { useDatasetRoute } from './dataset.ts';
import { useApplyTheme } from './theme.ts';
import { Skeleton } from './Skeleton.tsx';
import styles from './Layout.module.css';

/** The frame around every page: header (name, dataset, jump box, theme) and the page itself. */
export function Layout() {
  useApplyTheme();
  const { urlDataset } = useDatasetRoute();
  const main = useRef<HTMLElement>(null);
  return (
    <div className={styles.app}>
      {/* A hash link would be taken for a route, so the skip link moves focus itself. */}
      <button type="button" className={styles.skip} onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header className="app-header" data-app-header="">
        <Link to={browsePath(urlDataset)} className="app-brand">
          <Logo />
          Neuron Explorer
        </Link>
        <nav aria-label="Pages" className="app-nav">
          <TextPageLink to={textPath(urlDataset)}>Your text</TextPageLink>
          <Link to={listsPath(urlDataset)}>Lists</Link>
        </nav>
        <div className="app-controls">
          <DatasetPicker />
          <JumpBox />
          <ThemeToggle />
        </div>
      </header>
      <main ref={main} id="main" tabIndex={-1} className="app-main">
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

/** Shown while a page's code loads. */
export function PageFallback() {
  return (
    <div role="status" aria-busy="true">
      <span className="visually-hidden">Loading…</span>
      <Skeleton width="40%" height="2rem" />
    </div>
  );
}

/** The app's mark (as public/favicon.svg), inline: no request of its own on the way to a paint. */
function Logo() {
  return (
    <svg viewBox="0 0 32 32" width={24} height={24} aria-hidden="true">
      <circle cx="16" cy="16" r="14" fill="#2563eb" />
      <circle cx="16" cy="16" r="5" fill="#fbbf24" />
    </svg>
  );
}
