import { memo, useCallback } from 'react';
import type { HistogramCounts, LayerScores } from '../../core/browse/stats.ts';
import type { Filters, ScoreRange } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { formatCount } from '../visuals/tokens.ts';
import { LayerScoreChart } from './LayerScoreChart.tsx';
import { ScoreHistogram } from './ScoreHistogram.tsx';
import styles from './BrowsePage.module.css';

/**
 * The selection at a glance: its scores as a histogram, and its scores per layer. Each chart
 * leaves out its own filter (so every bar and layer stays clickable) and marks what is chosen.
 * The statistics come with the worker's answer (null until the first one).
 */
export const Overview = memo(function Overview({
  manifest,
  histogram,
  perLayer,
  filters,
  onFilters,
}: {
  manifest: DatasetManifest;
  histogram: HistogramCounts | null;
  perLayer: LayerScores[] | null;
  filters: Filters;
  onFilters: (filters: Filters) => void;
}) {
  const onScore = useCallback(
    (score: ScoreRange | null) => onFilters({ ...filters, score }),
    [filters, onFilters],
  );
  const onLayers = useCallback(
    (layers: [number, number] | null) => onFilters({ ...filters, layers }),
    [filters, onFilters],
  );
  const scored = histogram ? histogram.counts.reduce((a, b) => a + b, 0) : 0;
  return (
    <div className={styles.overview}>
      <figure className={styles.chart}>
        <figcaption>
          Scores of the selection{' '}
          <span className="muted">
            {histogram &&
              `(${formatCount(scored)} scored${histogram.unscored > 0 ? `, ${formatCount(histogram.unscored)} unscored` : ''}; click a bar to filter)`}
          </span>
        </figcaption>
        <ScoreHistogram histogram={histogram} selected={filters.score} onSelect={onScore} />
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
          selection={perLayer ?? []}
          selected={filters.layers}
          onSelect={onLayers}
        />
      </figure>
    </div>
  );
});
