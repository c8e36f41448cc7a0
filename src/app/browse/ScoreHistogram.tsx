import { memo, useRef, type KeyboardEvent } from 'react';
import { scaleLinear } from 'd3-scale';
import type { HistogramCounts } from '../../core/browse/stats.ts';
import { formatCount } from '../visuals/tokens.ts';
import { useElementWidth } from '../visuals/useElementWidth.ts';
import styles from './Charts.module.css';

const HEIGHT = 150;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 44 };

const sameRange = (a: [number, number] | null, b: [number, number]) =>
  a !== null && Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;

const NO_HISTOGRAM: HistogramCounts = { edges: [-1, 1], counts: [], unscored: 0 };

/**
 * Counts of scores per bin. Bars inside the chosen score range are drawn in the accent colour;
 * clicking a bar chooses its range (clicking it again clears the filter). Axes only until the
 * counts are known.
 */
export const ScoreHistogram = memo(function ScoreHistogram({
  histogram,
  selected,
  onSelect,
}: {
  histogram: HistogramCounts | null;
  /** The score filter, or null. */
  selected: [number, number] | null;
  onSelect: (range: [number, number] | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 600);
  const { edges, counts } = histogram ?? NO_HISTOGRAM;
  const x = scaleLinear()
    .domain([edges[0]!, edges[edges.length - 1]!])
    .range([MARGIN.left, width - MARGIN.right]);
  const top = Math.max(1, ...counts);
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const choose = (range: [number, number]) => onSelect(sameRange(selected, range) ? null : range);
  const onKey = (event: KeyboardEvent, range: [number, number]) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(range);
    }
  };
  return (
    <div ref={ref} className={styles.frame}>
      <svg
        width={width}
        height={HEIGHT}
        className={styles.svg}
        aria-label="Histogram of scores"
        role="group"
      >
        {y.ticks(4).map((tick) => (
          <g key={tick} transform={`translate(0,${y(tick)})`}>
            <line x1={MARGIN.left} x2={width - MARGIN.right} className={styles.grid} />
            <text x={MARGIN.left - 6} dy="0.32em" textAnchor="end" className={styles.tick}>
              {formatCount(tick)}
            </text>
          </g>
        ))}
        {counts.map((count, i) => {
          const range: [number, number] = [edges[i]!, edges[i + 1]!];
          const inside =
            selected === null || (range[0] >= selected[0] - 1e-9 && range[1] <= selected[1] + 1e-9);
          const left = x(range[0]);
          const barWidth = Math.max(1, x(range[1]) - left - 1);
          const label = `${formatCount(count)} neurons score ${range[0].toFixed(2)} to ${range[1].toFixed(2)}`;
          return (
            <g
              key={i}
              role="button"
              tabIndex={-1}
              aria-label={label}
              aria-pressed={sameRange(selected, range)}
              className={styles.bin}
              onClick={() => choose(range)}
              onKeyDown={(event) => onKey(event, range)}
            >
              <title>{label}</title>
              <rect
                x={left}
                y={MARGIN.top}
                width={barWidth + 1}
                height={HEIGHT - MARGIN.bottom - MARGIN.top}
                className={styles.hit}
              />
              <rect
                x={left}
                y={y(count)}
                width={barWidth}
                height={Math.max(0, y(0) - y(count))}
                className={inside ? styles.bar : styles.barOut}
              />
            </g>
          );
        })}
        <g transform={`translate(0,${HEIGHT - MARGIN.bottom})`}>
          <line x1={MARGIN.left} x2={width - MARGIN.right} className={styles.axis} />
          {x.ticks(Math.max(2, Math.floor(width / 70))).map((tick) => (
            <text key={tick} x={x(tick)} y={16} textAnchor="middle" className={styles.tick}>
              {tick}
            </text>
          ))}
        </g>
      </svg>
    </div>
  );
});
