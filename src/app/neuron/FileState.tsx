import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import styles from './NeuronPage.module.css';

/**
 * One file's state: a skeleton while it loads, the content when it is there, a note when the
 * dataset has no such file (the query resolved to null), and an error naming the file with a
 * retry when the fetch failed or the file is malformed.
 */
export function FileState<T>({
  query,
  path,
  skeleton,
  absent,
  children,
}: {
  query: UseQueryResult<T | null>;
  /** The file's path in the dataset, shown in errors. */
  path: string;
  /** Stands in for the content while it loads; give it the content's size. */
  skeleton: ReactNode;
  /** Said when the dataset has no such file. */
  absent: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <>{skeleton}</>;
  if (query.isError)
    return (
      <FileError
        path={path}
        error={query.error}
        retry={query.refetch}
        retrying={query.isFetching}
      />
    );
  if (query.data === null) return <>{absent}</>;
  return <>{children(query.data)}</>;
}

export function FileError({
  path,
  error,
  retry,
  retrying,
}: {
  path: string;
  error: Error;
  retry: () => unknown;
  retrying: boolean;
}) {
  return (
    <div role="alert" className={styles.fileError}>
      <p>
        Could not load <code>{path}</code>.
      </p>
      <p className={styles.errorDetail}>{error.message}</p>
      <button type="button" onClick={() => void retry()} disabled={retrying}>
        {retrying ? 'Retrying…' : 'Retry'}
      </button>
    </div>
  );
}

/** A short statement that something is not in the dataset. */
export function Absent({ children }: { children: ReactNode }) {
  return <p className={styles.absent}>{children}</p>;
}
