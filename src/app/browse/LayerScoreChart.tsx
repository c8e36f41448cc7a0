import { memo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { scaleBand, scaleLinear } from 'd3-scale';
import type { LayerScores } from '../../core/browse/stats.ts';
import type { DatasetManifest, ScoreQuantiles } from '../../core/dataset/types.ts';
import { formatCount } from '../visuals/tokens.ts';
import { useElementWidth } from '../visuals/useElementWidth.ts';
import styles from './Charts.module.css';

const HEIGHT = 170;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 44 };

/**
 * Scores per layer, as in the paper's score-versus-layer figure: for each layer a 10th–90th
 * percentile band, a 25th–75th band and the median. The whole dataset (from the manifest) is drawn
 * in grey behind the selection. Clicking a layer filters to it; shift-click extends the range.
 */
export const LayerScoreChart = memo(function LayerScoreChart({
  manifest,
  selection,
  selected,
  onSelect,
}: {
  manifest: DatasetManifest;
  /** Quantiles of the selection per loaded layer. */
  selection: LayerScores[];
  /** The layer filter, or null. */
  selected: [number, number] | null;
  onSelect: (layers: [number, number] | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 600);
  const layers = manifest.layers.map((entry) => entry.layer);
  const x = scaleBand<number>()
    .domain(layers)
    .range([MARGIN.left, width - MARGIN.right])
    .paddingInner(0.2);
  const low = Math.min(0, manifest.scoreSummary.quantiles?.min ?? 0);
  const y = scaleLinear()
    .domain([Math.max(-1, Math.floor(low * 10) / 10), 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const bandWidth = x.bandwidth();
  const step = x.step();
  const byLayer = new Map(selection.map((entry) => [entry.layer, entry]));

  const choose = (layer: number, extend: boolean) => {
    if (extend && selected) {
      onSelect([Math.min(selected[0], layer), Math.max(selected[1], layer)]);
    } else if (selected && selected[0] === layer && selected[1] === layer) {
      onSelect(null);
    } else {
      onSelect([layer, layer]);
    }
  };
  const onKey = (event: KeyboardEvent, layer: number) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(layer, event.shiftKey);
    }
  };

  const bands = (q: ScoreQuantiles, left: number, w: number, kind: 'ghost' | 'selection') => (
    <>
      <rect
        x={left}
        width={w}
        y={y(q.p90)}
        height={Math.max(0, y(q.p10) - y(q.p90))}
        className={kind === 'ghost' ? styles.ghostOuter : styles.outer}
      />
      <rect
        x={left}
        width={w}
        y={y(q.p75)}
        height={Math.max(0, y(q.p25) - y(q.p75))}
        className={kind === 'ghost' ? styles.ghostInner : styles.inner}
      />
      <line
        x1={left}
        x2={left + w}
        y1={y(q.p50)}
        y2={y(q.p50)}
        className={kind === 'ghost' ? styles.ghostMedian : styles.median}
      />
    </>
  );

  const labelEvery = Math.ceil(28 / Math.max(1, step));
  return (
    <div ref={ref} className={styles.frame}>
      <svg
        width={width}
        height={HEIGHT}
        className={styles.svg}
        role="group"
        aria-label="Score quantiles by layer"
      >
        {y.ticks(5).map((tick) => (
          <g key={tick} transform={`translate(0,${y(tick)})`}>
            <line
              x1={MARGIN.left}
              x2={width - MARGIN.right}
              className={tick === 0 ? styles.axis : styles.grid}
            />
            <text x={MARGIN.left - 6} dy="0.32em" textAnchor="end" className={styles.tick}>
              {tick}
            </text>
          </g>
        ))}
        {manifest.layers.map((summary) => {
          const layer = summary.layer;
          const left = x(layer) ?? 0;
          const inside = selected === null || (layer >= selected[0] && layer <= selected[1]);
          const mine = byLayer.get(layer);
          const label = `Layer ${layer}${mine ? `: ${formatCount(mine.count)} scored in the selection, median ${mine.quantiles?.p50.toFixed(2) ?? '—'}` : ''}`;
          return (
            <g
              key={layer}
              role="button"
              tabIndex={-1}
              aria-label={label}
              aria-pressed={selected !== null && inside}
              className={styles.bin}
              onClick={(event: MouseEvent) => choose(layer, event.shiftKey)}
              onKeyDown={(event) => onKey(event, layer)}
            >
              <title>{label}</title>
              <rect
                x={left - (step - bandWidth) / 2}
                width={step}
                y={MARGIN.top}
                height={HEIGHT - MARGIN.bottom - MARGIN.top}
                className={selected !== null && inside ? styles.chosen : styles.hit}
              />
              {summary.scores && bands(summary.scores.quantiles, left, bandWidth, 'ghost')}
              {mine?.quantiles &&
                inside &&
                bands(mine.quantiles, left + bandWidth * 0.2, bandWidth * 0.6, 'selection')}
            </g>
          );
        })}
        <g transform={`translate(0,${HEIGHT - MARGIN.bottom})`}>
          {layers
            .filter((_, i) => i % labelEvery === 0)
            .map((layer) => (
              <text
                key={layer}
                x={(x(layer) ?? 0) + bandWidth / 2}
                y={16}
                textAnchor="middle"
                className={styles.tick}
              >
                {layer}
              </text>
            ))}
        </g>
      </svg>
    </div>
  );
});
