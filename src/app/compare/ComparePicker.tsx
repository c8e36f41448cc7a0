import { useId } from 'react';
import { useNavigate } from 'react-router';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { useDatasets } from '../data/queries.ts';
import { browsePath } from './engine.ts';

/** On the browse page: "Compare with…" the other datasets of the same model (none: nothing). */
export function ComparePicker({
  manifest,
  urlDataset,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
}) {
  const datasets = useDatasets();
  const navigate = useNavigate();
  const id = useId();
  const others = (datasets.data?.datasets ?? []).filter(
    (entry) => entry.model === manifest.model && entry.id !== manifest.id,
  );
  if (others.length === 0) return null;
  return (
    <span>
      <label htmlFor={id}>Compare with </label>
      <select
        id={id}
        value=""
        onChange={(event) => {
          if (event.target.value === '') return;
          void navigate(
            `${browsePath(urlDataset)}?${new URLSearchParams({ vs: event.target.value })}`,
          );
        }}
      >
        <option value="">another dataset of {manifest.model}…</option>
        {others.map((entry) => (
          <option key={entry.id} value={entry.id}>
            {entry.title}
          </option>
        ))}
      </select>
    </span>
  );
}
