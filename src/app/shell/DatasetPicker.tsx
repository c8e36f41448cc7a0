import { useId } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { DatasetListEntry } from '../../core/dataset/types.ts';
import { useDatasetRoute } from './dataset.ts';
import styles from './DatasetPicker.module.css';
import { SyntheticBadge } from './SyntheticBadge.tsx';

export function datasetLabel(entry: DatasetListEntry): string {
  const saysSynthetic = /synthetic/i.test(entry.title);
  return entry.synthetic && !saysSynthetic ? `${entry.title} (synthetic demo)` : entry.title;
}

/**
 * Chooses among the datasets side by side under DATA_DIR. Switching keeps the page: a neuron page
 * opens the same neuron in the other dataset.
 */
export function DatasetPicker() {
  const id = useId();
  const navigate = useNavigate();
  const location = useLocation();
  const { dataset, entry, datasets } = useDatasetRoute();

  if (datasets.isError) {
    return (
      <p className={styles.error} role="alert">
        Could not load datasets/index.json.{' '}
        <button type="button" onClick={() => void datasets.refetch()}>
          Retry
        </button>
      </p>
    );
  }

  const onChange = (next: string) => {
    const rest = location.pathname.replace(/^\/d\/[^/]+/, '').replace(/^\/$/, '');
    void navigate(`/d/${encodeURIComponent(next)}${rest}${location.search}`);
  };

  return (
    <div className={styles.picker}>
      <label htmlFor={id} className={styles.label}>
        Dataset
      </label>
      <select
        id={id}
        value={dataset ?? ''}
        disabled={!datasets.data}
        onChange={(event) => onChange(event.target.value)}
      >
        {!datasets.data && <option value="">Loading…</option>}
        {datasets.data?.datasets.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {datasetLabel(candidate)}
          </option>
        ))}
        {dataset && datasets.data && !entry && <option value={dataset}>{dataset} (unknown)</option>}
      </select>
      {entry?.synthetic && <SyntheticBadge />}
    </div>
  );
}
