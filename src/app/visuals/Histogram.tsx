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

const PLOT_HEIGHT = 166;
const MARGIN = { top: 22, right: 12, bottom: 32, left: 44 };
/** Marker labels: 10px text, about 6px per character, rows 12px apart. */
const LABEL_CHAR_WIDTH = 6.2;
const LABEL_ROW = 12;

export interface PlacedLabel {
  /** Centre, in px. */
  x: number;
  /** Row above the plot: 0 is nearest to it. */
  row: number;
}

/**
 * Rows for labels centred at `xs` (px) with these widths, so that no two labels in a row overlap:
 * each label takes the lowest row where it clears the labels already placed (left to right), and
 * is kept inside [left, right].
 */
export function placeLabels(
  xs: readonly number[],
  widths: readonly number[],
  left: number,
  right: number,
  gap = 4,
): PlacedLabel[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const rowEnds: number[] = [];
  const placed: PlacedLabel[] = new Array(xs.length);
  for (const i of order) {
    const half = widths[i]! / 2;
    const x = Math.max(left + half, Math.min(right - half, xs[i]!));
    let row = rowEnds.findIndex((end) => end + gap <= x - half);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = x + half;
    placed[i] = { x, row };
  }
  return placed;
}

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
      .range([PLOT_HEIGHT, 0]);
    const yTicks = [0, 1, 10, 100, 1_000, 10_000, 100_000].filter((tick) => tick <= top);
    return { x, y, buckets, yTicks, count: finite.length };
  }, [values, binCount, width]);

  const { x, buckets, yTicks } = layout;
  const visibleMarkers = markers.filter(
    (marker) => marker.value >= x.domain()[0]! && marker.value <= x.domain()[1]!,
  );
  // Close boundaries would print their labels over each other: stack them in rows instead.
  const labels = placeLabels(
    visibleMarkers.map((marker) => x(marker.value)),
    visibleMarkers.map((marker) => marker.label.length * LABEL_CHAR_WIDTH),
    0,
    width,
  );
  const rows = Math.max(1, ...labels.map((label) => label.row + 1));
  const top = MARGIN.top + (rows - 1) * LABEL_ROW;
  const height = top + PLOT_HEIGHT + MARGIN.bottom;
  const baseline = top + PLOT_HEIGHT;
  const y = layout.y.copy().range([baseline, top]);

  return (
    <figure ref={figure} className={styles.figure}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
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
            y={height - 2}
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
          {visibleMarkers.map((marker, i) => {
            const label = labels[i]!;
            const labelY = top - 8 - label.row * LABEL_ROW;
            return (
              <g key={`${marker.label}-${marker.value}`}>
                <line x1={x(marker.value)} x2={x(marker.value)} y1={labelY + 4} y2={baseline} />
                <text x={label.x} y={labelY} textAnchor="middle">
                  {marker.label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption className={styles.caption}>
        Bars: tokens per bin, on a log scale. {xLabel} on the horizontal axis.
      </figcaption>
    </figure>
  );
}
