import { useRef } from 'react';
import { scaleLinear, scaleLog } from 'd3-scale';
import { scatterCount, type Scatter } from '../../core/compare/stats.ts';
import { useElementWidth } from '../visuals/useElementWidth.ts';
import styles from './Compare.module.css';
import { ValueTick } from './ValueTick.tsx';

const MARGIN = { top: 10, right: 12, bottom: 38, left: 46 };

/**
 * Score (x, the browsed dataset) against score (y, the compared one), square, with the diagonal:
 * points above it are neurons the compared dataset explains better. Few points are drawn as
 * dots, many as counts on a grid (src/core/compare/stats.ts).
 */
export function ScoreScatter({
  scatter,
  extent,
  labelA,
  labelB,
}: {
  scatter: Scatter;
  extent: [number, number];
  labelA: string;
  labelB: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 320);
  const size = Math.max(200, Math.min(width, 360));
  const inner = size - MARGIN.left - MARGIN.right;
  const x = scaleLinear()
    .domain(extent)
    .range([MARGIN.left, MARGIN.left + inner])
    .nice();
  const y = scaleLinear()
    .domain(extent)
    .range([MARGIN.top + inner, MARGIN.top])
    .nice();
  const [low, high] = x.domain() as [number, number];
  const ticks = x.ticks(5);
  const count = scatterCount(scatter);
  return (
    <div ref={ref} className={styles.chartFrame}>
      <svg
        width={size}
        height={MARGIN.top + inner + MARGIN.bottom}
        role="img"
        aria-label={`Scatter of ${count} neurons: score in ${labelA} (across) against score in ${labelB} (up)`}
        data-testid="score-scatter"
        data-points={count}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={x(tick)}
              x2={x(tick)}
              y1={MARGIN.top}
              y2={MARGIN.top + inner}
              className={styles.grid}
            />
            <text
              x={x(tick)}
              y={MARGIN.top + inner + 14}
              textAnchor="middle"
              className={styles.tick}
            >
              {tick}
            </text>
            <ValueTick value={tick} y={y(tick)} left={MARGIN.left} right={MARGIN.left + inner} />
          </g>
        ))}
        {scatter.kind === 'grid' && <GridCells scatter={scatter} x={x} y={y} />}
        <line x1={x(low)} y1={y(low)} x2={x(high)} y2={y(high)} className={styles.diagonal} />
        {scatter.kind === 'points' &&
          Array.from(scatter.layer, (layer, i) => {
            const difference = scatter.difference[i]!;
            return (
              <circle
                key={`${layer}:${scatter.neuron[i]}`}
                cx={x(scatter.scoreA[i]!)}
                cy={y(scatter.scoreB[i]!)}
                r={2.5}
                className={
                  difference > 0
                    ? styles.pointBetter
                    : difference < 0
                      ? styles.pointWorse
                      : styles.point
                }
              >
                <title>
                  {layer}:{scatter.neuron[i]} — {scatter.scoreA[i]!.toFixed(3)} vs{' '}
                  {scatter.scoreB[i]!.toFixed(3)}
                </title>
              </circle>
            );
          })}
        <text
          x={MARGIN.left + inner / 2}
          y={MARGIN.top + inner + 32}
          textAnchor="middle"
          className={styles.axisLabel}
        >
          {labelA}
        </text>
        <text
          transform={`translate(12,${MARGIN.top + inner / 2}) rotate(-90)`}
          textAnchor="middle"
          className={styles.axisLabel}
        >
          {labelB}
        </text>
      </svg>
    </div>
  );
}

function GridCells({
  scatter,
  x,
  y,
}: {
  scatter: Extract<Scatter, { kind: 'grid' }>;
  x: (value: number) => number;
  y: (value: number) => number;
}) {
  const { bins, min, max, counts } = scatter;
  const width = (max - min) / bins;
  let most = 1;
  for (const count of counts) if (count > most) most = count;
  // Light to dark blue by the log of the count (d3-scale interpolates the colours).
  const shade = scaleLog<string>()
    .domain([1, Math.max(2, most)])
    .range(['#9ecae1', '#08306b']);
  const cells = [];
  for (let row = 0; row < bins; row++) {
    for (let column = 0; column < bins; column++) {
      const count = counts[row * bins + column]!;
      if (count === 0) continue;
      const left = x(min + column * width);
      const right = x(min + (column + 1) * width);
      const top = y(min + (row + 1) * width);
      const bottom = y(min + row * width);
      cells.push(
        <rect
          key={row * bins + column}
          x={left}
          y={top}
          width={Math.max(1, right - left)}
          height={Math.max(1, bottom - top)}
          fill={shade(count)}
        />,
      );
    }
  }
  return <g>{cells}</g>;
}
