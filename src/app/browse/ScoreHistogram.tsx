import { memo, useRef, useState, type KeyboardEvent } from 'react';
import { scaleLinear } from 'd3-scale';
import { binRange, type HistogramCounts } from '../../core/browse/stats.ts';
import type { ScoreRange } from '../../core/browse/view.ts';
import { formatCount } from '../visuals/tokens.ts';
import { useElementWidth } from '../visuals/useElementWidth.ts';
import styles from './Charts.module.css';

const HEIGHT = 150;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 44 };

const NO_HISTOGRAM: HistogramCounts = { edges: [-1, 1], counts: [], unscored: 0 };

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

const sameRange = (a: ScoreRange | null, b: ScoreRange) =>
  a !== null && close(a.low, b.low) && close(a.high, b.high) && a.highIncluded === b.highIncluded;

/**
 * Counts of scores per bin. Bars inside the chosen score range are drawn in the accent colour;
 * clicking a bar (or Enter or Space on it) chooses its range, choosing it again clears the
 * filter. The bars are one stop in the tab order; arrow keys, Home and End move between them.
 * Axes only until the counts are known.
 */
export const ScoreHistogram = memo(function ScoreHistogram({
  histogram,
  selected,
  onSelect,
}: {
  histogram: HistogramCounts | null;
  /** The score filter, or null. */
  selected: ScoreRange | null;
  onSelect: (range: ScoreRange | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 600);
  const bars = useRef<(SVGGElement | null)[]>([]);
  const [focused, setFocused] = useState<number | null>(null);
  const { edges, counts } = histogram ?? NO_HISTOGRAM;
  const x = scaleLinear()
    .domain([edges[0]!, edges[edges.length - 1]!])
    .range([MARGIN.left, width - MARGIN.right]);
  const top = Math.max(1, ...counts);
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const choose = (range: ScoreRange) => onSelect(sameRange(selected, range) ? null : range);
  const chosen = counts.findIndex((_, i) => sameRange(selected, binRange(edges, i)));
  // The bar that takes the tab stop: the one last focused, else the chosen one, else the first.
  const stop = focused !== null && focused < counts.length ? focused : Math.max(0, chosen);
  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(counts.length - 1, i));
    setFocused(next);
    bars.current[next]?.focus();
  };
  const onKey = (event: KeyboardEvent, i: number) => {
    const moves: Record<string, number> = {
      ArrowLeft: i - 1,
      ArrowDown: i - 1,
      ArrowRight: i + 1,
      ArrowUp: i + 1,
      Home: 0,
      End: counts.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(moves[event.key]!);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(binRange(edges, i));
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
          const range = binRange(edges, i);
          const inside =
            selected === null ||
            (range.low >= selected.low - 1e-9 && range.high <= selected.high + 1e-9);
          const left = x(range.low);
          const barWidth = Math.max(1, x(range.high) - left - 1);
          const label = `${formatCount(count)} neurons score ${range.low.toFixed(2)} to ${range.highIncluded ? '' : 'under '}${range.high.toFixed(2)}`;
          return (
            <g
              key={i}
              ref={(element) => {
                bars.current[i] = element;
              }}
              role="button"
              tabIndex={i === stop ? 0 : -1}
              aria-label={label}
              aria-pressed={sameRange(selected, range)}
              className={styles.bin}
              onClick={() => choose(range)}
              onKeyDown={(event) => onKey(event, i)}
              onFocus={() => setFocused(i)}
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
