import { memo, useDeferredValue, useMemo } from 'react';
import { binEdges, layerScores, scoreHistogram } from '../../core/browse/stats.ts';
import type { NeuronTable } from '../../core/browse/table.ts';
import { filterMask, type Filters } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { LayerScoreChart } from './LayerScoreChart.tsx';
import { ScoreHistogram } from './ScoreHistogram.tsx';
import styles from './BrowsePage.module.css';

const BIN_WIDTH = 0.05;

/**
 * The selection at a glance: its scores as a histogram, and its scores per layer. Each chart
 * leaves out its own filter (so every bar and layer stays clickable) and marks what is chosen.
 */
export const Overview = memo(function Overview({
  manifest,
  table,
  version,
  filters,
  hits,
  onFilters,
}: {
  manifest: DatasetManifest;
  table: NeuronTable;
  version: number;
  filters: Filters;
  /** The search's matching rows, or null without a search. */
  hits: Int32Array | null;
  onFilters: (filters: Filters) => void;
}) {
  // The table repaints first; the charts follow when the page is idle.
  const deferredFilters = useDeferredValue(filters);
  const deferredHits = useDeferredValue(hits);
  const deferredVersion = useDeferredValue(version);

  const edges = useMemo(() => {
    const min = manifest.scoreSummary.quantiles?.min ?? 0;
    const low = Math.max(-1, Math.floor(Math.min(0, min) / BIN_WIDTH) * BIN_WIDTH);
    return binEdges(low, 1, BIN_WIDTH);
  }, [manifest]);

  // Each chart leaves out its own filter; the masks change with the filters, not with the query.
  const withoutScore = useMemo(
    () => filterMask(table, deferredFilters, { score: false }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, deferredFilters, deferredVersion],
  );
  const withoutLayers = useMemo(
    () => filterMask(table, deferredFilters, { layers: false }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, deferredFilters, deferredVersion],
  );
  const histogram = useMemo(
    () => scoreHistogram(table, { mask: withoutScore, hits: deferredHits }, edges),
    [table, withoutScore, deferredHits, edges],
  );
  const perLayer = useMemo(
    () => layerScores(table, { mask: withoutLayers, hits: deferredHits }),
    [table, withoutLayers, deferredHits],
  );

  return (
    <div className={styles.overview}>
      <figure className={styles.chart}>
        <figcaption>
          Scores of the selection{' '}
          <span className="muted">
            ({histogram.counts.reduce((a, b) => a + b, 0).toLocaleString()} scored
            {histogram.unscored > 0 ? `, ${histogram.unscored.toLocaleString()} unscored` : ''};
            click a bar to filter)
          </span>
        </figcaption>
        <ScoreHistogram
          histogram={histogram}
          selected={filters.score}
          onSelect={(score) => onFilters({ ...filters, score })}
        />
      </figure>
      <figure className={styles.chart}>
        <figcaption>
          Score by layer{' '}
          <span className="muted">
            (10th–90th and 25th–75th percentiles, median; click a layer to filter, shift-click for a
            range)
          </span>
        </figcaption>
        <LayerScoreChart
          manifest={manifest}
          selection={perLayer}
          selected={filters.layers}
          onSelect={(layers) => onFilters({ ...filters, layers })}
        />
      </figure>
    </div>
  );
});
