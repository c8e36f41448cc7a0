import { useDeferredValue, useMemo } from 'react';
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
export function Overview({
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
  hits: Uint8Array | null;
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

  const histogram = useMemo(
    () =>
      scoreHistogram(
        table,
        { mask: filterMask(table, deferredFilters, { score: false }), hits: deferredHits },
        edges,
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, deferredFilters, deferredHits, edges, deferredVersion],
  );
  const perLayer = useMemo(
    () =>
      layerScores(table, {
        mask: filterMask(table, deferredFilters, { layers: false }),
        hits: deferredHits,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table changes with `version`
    [table, deferredFilters, deferredHits, deferredVersion],
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
}
