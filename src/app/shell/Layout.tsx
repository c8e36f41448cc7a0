import { Suspense, useRef } from 'react';
import { Link, Outlet } from 'react-router';
import { browsePath, textPath } from '../paths.ts';
import { listsPath } from '../lists/paths.ts';
import { JumpBox } from '../search/JumpBox.tsx';
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
      <header className={styles.header}>
        <Link to={browsePath(urlDataset)} className={styles.brand}>
          <img src="./favicon.svg" alt="" width={24} height={24} />
          Neuron Explorer
        </Link>
        <div className={styles.controls}>
          <Link to={textPath(urlDataset)} className={styles.navLink}>
            Your text
          </Link>
          <Link to={listsPath()} className={styles.navLink}>
            Lists
          </Link>
          <DatasetPicker />
          <JumpBox />
          <ThemeToggle />
        </div>
      </header>
      <main ref={main} id="main" tabIndex={-1} className={styles.main}>
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
