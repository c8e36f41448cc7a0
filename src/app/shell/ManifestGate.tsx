import type { ReactNode } from 'react';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { Skeleton } from './Skeleton.tsx';

interface Loading {
  isError: boolean;
  error: Error | null;
}

/**
 * A page that needs its dataset's manifest: until it comes, the page's heading over why the
 * dataset list or the manifest could not load, or over a placeholder of the page's size; then the
 * page itself. Browse and Your text wait the same way, so they fail and load alike.
 */
export function ManifestGate({
  heading,
  className,
  dataset,
  datasets,
  manifest,
  children,
}: {
  /** The page's heading, shown while it waits or fails. */
  heading: string;
  /** The page's own section class, so the heading stands where the page will. */
  className: string | undefined;
  dataset: string | undefined;
  datasets: Loading;
  manifest: Loading & { data: DatasetManifest | undefined };
  children: (manifest: DatasetManifest) => ReactNode;
}) {
  if (datasets.isError || manifest.isError) {
    return (
      <section className={className}>
        <h1>{heading}</h1>
        <p role="alert">
          Could not load{' '}
          {manifest.isError ? `the manifest of dataset “${dataset}”` : 'the list of datasets'}:{' '}
          {String((manifest.error ?? datasets.error)?.message)}
        </p>
      </section>
    );
  }
  if (!manifest.data) {
    return (
      <section className={className} aria-busy="true">
        <h1>{heading}</h1>
        <Skeleton width="100%" height="12rem" />
      </section>
    );
  }
  return children(manifest.data);
}
