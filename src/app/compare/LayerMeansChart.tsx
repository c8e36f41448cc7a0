import { useRef } from 'react';
import { scaleLinear } from 'd3-scale';
import type { LayerMeans } from '../../core/compare/stats.ts';
import { useElementWidth } from '../visuals/useElementWidth.ts';
import styles from './Compare.module.css';
import { ValueTick } from './ValueTick.tsx';

const HEIGHT = 220;
const MARGIN = { top: 10, right: 12, bottom: 30, left: 46 };

/** Each dataset's mean score per layer, over the neurons in the view: two lines. */
export function LayerMeansChart({
  means,
  labelA,
  labelB,
}: {
  means: LayerMeans[];
  labelA: string;
  labelB: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 420);
  const layers = means.map((entry) => entry.layer);
  const x = scaleLinear()
    .domain(
      layers.length > 1
        ? [layers[0]!, layers[layers.length - 1]!]
        : [(layers[0] ?? 0) - 1, (layers[0] ?? 0) + 1],
    )
    .range([MARGIN.left + 6, width - MARGIN.right - 6]);
  let low = 0;
  let high = 0.5;
  for (const entry of means) {
    for (const value of [entry.meanA, entry.meanB]) {
      if (value === null) continue;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  const y = scaleLinear()
    .domain([low, high])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  // One line through the layers with a value, broken where a layer has none.
  const path = (pick: (entry: LayerMeans) => number | null) => {
    let d = '';
    let drawing = false;
    for (const entry of means) {
      const value = pick(entry);
      if (value === null) {
        drawing = false;
        continue;
      }
      d += `${drawing ? 'L' : 'M'}${x(entry.layer)},${y(value)}`;
      drawing = true;
    }
    return d;
  };
  const labelEvery = Math.max(1, Math.ceil(layers.length / Math.max(1, (width - 60) / 28)));
  return (
    <div ref={ref} className={styles.chartFrame}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Mean score by layer: ${labelA} and ${labelB}`}
        data-testid="layer-means"
      >
        {y.ticks(5).map((tick) => (
          <g key={tick}>
            <ValueTick
              value={tick}
              y={y(tick)}
              left={MARGIN.left}
              right={width - MARGIN.right}
              lineClass={tick === 0 ? styles.axis : styles.grid}
            />
          </g>
        ))}
        {layers
          .filter((_, i) => i % labelEvery === 0)
          .map((layer) => (
            <text
              key={layer}
              x={x(layer)}
              y={HEIGHT - MARGIN.bottom + 16}
              textAnchor="middle"
              className={styles.tick}
            >
              {layer}
            </text>
          ))}
        <path d={path((entry) => entry.meanA)} className={styles.lineA} />
        <path d={path((entry) => entry.meanB)} className={styles.lineB} />
        {means.map((entry) => (
          <g key={entry.layer}>
            {entry.meanA !== null && (
              <circle cx={x(entry.layer)} cy={y(entry.meanA)} r={3} className={styles.dotA} />
            )}
            {entry.meanB !== null && (
              <circle cx={x(entry.layer)} cy={y(entry.meanB)} r={3} className={styles.dotB} />
            )}
            <title>
              Layer {entry.layer}: {entry.count} neurons; mean {entry.meanA?.toFixed(3) ?? '—'} (
              {labelA}), {entry.meanB?.toFixed(3) ?? '—'} ({labelB}); better in {entry.better},
              worse in {entry.worse}
            </title>
          </g>
        ))}
      </svg>
      <p className={styles.legend}>
        <span className={styles.keyA} aria-hidden="true" /> {labelA}{' '}
        <span className={styles.keyB} aria-hidden="true" /> {labelB}
      </p>
    </div>
  );
}
