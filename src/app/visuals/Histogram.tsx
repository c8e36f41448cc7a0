import { useMemo, useRef } from 'react';
import { bin, extent, max as maxOf } from 'd3-array';
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { formatActivation, formatCount } from './tokens.ts';
import { useElementWidth } from './useElementWidth.ts';
import styles from './Histogram.module.css';

export interface HistogramMarker {
  value: number;
  label: string;
}

const HEIGHT = 220;
const MARGIN = { top: 22, right: 12, bottom: 32, left: 44 };

/**
 * Counts of values in equal-width bins, on a symlog count axis (activations pile up near zero and
 * the tail matters), with labelled vertical markers (e.g. quantile boundaries). Scales with its
 * container's width.
 */
export function Histogram({
  values,
  markers = [],
  bins: binCount = 50,
  label,
  xLabel = 'Activation',
}: {
  /** The values to count; non-finite ones are ignored. */
  values: readonly number[];
  /** Vertical lines drawn at these values, labelled above the plot. */
  markers?: readonly HistogramMarker[];
  /** About how many bins (d3 picks round edges). Default 50. */
  bins?: number;
  /** Accessible description of the chart (what is counted). */
  label: string;
  xLabel?: string;
}) {
  const figure = useRef<HTMLElement>(null);
  const width = useElementWidth(figure, 640);
  const layout = useMemo(() => {
    const finite = values.filter(Number.isFinite);
    const [lo = 0, hi = 1] = extent(finite);
    const x = scaleLinear()
      .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
      .nice()
      .range([MARGIN.left, width - MARGIN.right]);
    const [d0, d1] = x.domain() as [number, number];
    const buckets = bin().domain([d0, d1]).thresholds(x.ticks(binCount))(finite);
    const top = maxOf(buckets, (bucket) => bucket.length) ?? 1;
    const y = scaleSymlog()
      .domain([0, Math.max(top, 1)])
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
    const yTicks = [0, 1, 10, 100, 1_000, 10_000, 100_000].filter((tick) => tick <= top);
    return { x, y, buckets, yTicks, count: finite.length };
  }, [values, binCount, width]);

  const { x, y, buckets, yTicks } = layout;
  const baseline = HEIGHT - MARGIN.bottom;
  const visibleMarkers = markers.filter(
    (marker) => marker.value >= x.domain()[0]! && marker.value <= x.domain()[1]!,
  );

  return (
    <figure ref={figure} className={styles.figure}>
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        width={width}
        height={HEIGHT}
        className={styles.svg}
        role="img"
        aria-label={label}
      >
        <g className={styles.bars}>
          {buckets.map((bucket, i) => (
            <rect
              key={i}
              x={x(bucket.x0!) + 0.5}
              width={Math.max(0, x(bucket.x1!) - x(bucket.x0!) - 1)}
              y={y(bucket.length)}
              height={baseline - y(bucket.length)}
            >
              <title>{`${formatActivation(bucket.x0)} to ${formatActivation(bucket.x1)}: ${bucket.length} tokens`}</title>
            </rect>
          ))}
        </g>
        <g className={styles.axis}>
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={baseline} y2={baseline} />
          {x.ticks(Math.max(3, Math.floor(width / 90))).map((tick) => (
            <g key={tick} transform={`translate(${x(tick)},${baseline})`}>
              <line y2={5} />
              <text y={18} textAnchor="middle">
                {formatActivation(tick)}
              </text>
            </g>
          ))}
          <text
            x={width - MARGIN.right}
            y={HEIGHT - 2}
            textAnchor="end"
            className={styles.axisLabel}
          >
            {xLabel}
          </text>
          {yTicks.map((tick) => (
            <g key={tick} transform={`translate(${MARGIN.left},${y(tick)})`}>
              <line x2={-5} />
              <text x={-8} dy="0.32em" textAnchor="end">
                {formatCount(tick)}
              </text>
            </g>
          ))}
        </g>
        <g className={styles.markers}>
          {visibleMarkers.map((marker) => (
            <g
              key={`${marker.label}-${marker.value}`}
              transform={`translate(${x(marker.value)},0)`}
            >
              <line y1={MARGIN.top - 4} y2={baseline} />
              <text y={MARGIN.top - 8} textAnchor="middle">
                {marker.label}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <figcaption className={styles.caption}>
        Bars: tokens per bin, on a log scale. {xLabel} on the horizontal axis.
      </figcaption>
    </figure>
  );
}
