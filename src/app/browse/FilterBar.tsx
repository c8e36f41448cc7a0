import { memo, useId } from 'react';
import { max, min } from 'd3-array';
import type { Filters, RecordsFilter, Sort, SortKey } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { RangeFilter } from './RangeFilter.tsx';
import { defaultDescending } from './viewState.ts';
import styles from './BrowsePage.module.css';

export const SORT_LABELS: Record<SortKey, string> = {
  relevance: 'Relevance',
  score: 'Score',
  layer: 'Layer',
  neuron: 'Neuron',
  maxActivation: 'Max activation',
  explanation: 'Explanation',
};

const formatScore = (value: number) => String(Math.round(value * 100) / 100);

/** Layer range, score range, records, and the order (also set by the column headers). */
export const FilterBar = memo(function FilterBar({
  manifest,
  filters,
  sort,
  searching,
  onFilters,
  onSort,
}: {
  manifest: DatasetManifest;
  filters: Filters;
  sort: Sort;
  searching: boolean;
  onFilters: (filters: Filters) => void;
  onSort: (sort: Sort) => void;
}) {
  const id = useId();
  const layers = manifest.layers.map((entry) => entry.layer);
  const firstLayer = min(layers) ?? 0;
  const lastLayer = max(layers) ?? 0;
  const hasRecords = manifest.layers.some((entry) => entry.withRecords > 0);
  const filtered = filters.layers !== null || filters.score !== null || filters.records !== 'any';
  const setFilters = (change: Partial<Filters>) => onFilters({ ...filters, ...change });
  const sortKeys = (Object.keys(SORT_LABELS) as SortKey[]).filter(
    (key) => key !== 'relevance' || searching,
  );
  return (
    <div className={styles.filters}>
      <RangeFilter
        label="Layers"
        min={firstLayer}
        max={lastLayer}
        step={1}
        value={filters.layers}
        onChange={(value) => setFilters({ layers: value })}
        thumbLabels={['Lowest layer', 'Highest layer']}
      />
      <RangeFilter
        label="Score"
        min={-1}
        max={1}
        step={0.01}
        value={filters.score && [filters.score.low, filters.score.high]}
        format={formatScore}
        onChange={(value) =>
          setFilters({ score: value && { low: value[0], high: value[1], highIncluded: true } })
        }
        thumbLabels={['Lowest score', 'Highest score']}
        note={
          filters.score && !filters.score.highIncluded
            ? `below ${formatScore(filters.score.high)} (a histogram bar)`
            : undefined
        }
      />
      <div className={styles.selects}>
        {hasRecords && (
          <div className={styles.select}>
            <label htmlFor={`${id}-records`}>Records</label>
            <select
              id={`${id}-records`}
              value={filters.records}
              onChange={(event) => setFilters({ records: event.target.value as RecordsFilter })}
            >
              <option value="any">Any</option>
              <option value="with">With records</option>
              <option value="without">Without records</option>
            </select>
          </div>
        )}
        <div className={styles.select}>
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select
            id={`${id}-sort`}
            value={`${sort.key}:${sort.descending ? 'desc' : 'asc'}`}
            onChange={(event) => {
              const [key, direction] = event.target.value.split(':') as [SortKey, string];
              onSort({ key, descending: direction === 'desc' });
            }}
          >
            {sortKeys.flatMap((key) => {
              const first = defaultDescending(key);
              return [first, !first].map((descending) => (
                <option
                  key={`${key}:${descending}`}
                  value={`${key}:${descending ? 'desc' : 'asc'}`}
                >
                  {SORT_LABELS[key]} {directionLabel(key, descending)}
                </option>
              ));
            })}
          </select>
        </div>
        {filtered && (
          <button
            type="button"
            onClick={() => setFilters({ layers: null, score: null, records: 'any' })}
          >
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
});

export function directionLabel(key: SortKey, descending: boolean): string {
  if (key === 'explanation') return descending ? '(Z–A)' : '(A–Z)';
  if (key === 'relevance') return descending ? '(best first)' : '(worst first)';
  return descending ? '(high to low)' : '(low to high)';
}
