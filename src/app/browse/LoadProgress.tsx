import type { LayerFailure } from '../engine/store.ts';
import styles from './BrowsePage.module.css';

/** How many layer indexes have loaded (search and charts cover those); failures with the reason. */
export function LoadProgress({
  loaded,
  total,
  failures,
}: {
  loaded: number;
  total: number;
  failures: LayerFailure[];
}) {
  if (loaded === total && failures.length === 0) return null;
  const done = loaded + failures.length === total;
  return (
    <div className={styles.progress}>
      {!done && (
        <>
          <label htmlFor="browse-progress">
            Loading layer indexes: {loaded} of {total} (the table and search cover the loaded
            layers)
          </label>
          <progress id="browse-progress" max={total} value={loaded} />
        </>
      )}
      {failures.length > 0 && (
        <div role="alert" className={styles.failures}>
          <p>
            {failures.length === 1 ? 'One layer index' : `${failures.length} layer indexes`} could
            not be loaded, so {failures.length === 1 ? 'its neurons are' : 'their neurons are'}{' '}
            missing below:
          </p>
          <ul>
            {failures.slice(0, 5).map((failure) => (
              <li key={failure.layer}>
                Layer {failure.layer}: {failure.error.message}
              </li>
            ))}
            {failures.length > 5 && <li>and {failures.length - 5} more</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
