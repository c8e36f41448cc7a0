import styles from './Compare.module.css';

/**
 * A value on a chart's vertical axis: its grid line across the plot, from `left` to `right`, and
 * its label just left of the plot. The comparison's charts share the look.
 */
export function ValueTick({
  value,
  y,
  left,
  right,
  lineClass = styles.grid,
}: {
  value: number;
  /** The line's height on the chart. */
  y: number;
  left: number;
  right: number;
  lineClass?: string | undefined;
}) {
  return (
    <>
      <line x1={left} x2={right} y1={y} y2={y} className={lineClass} />
      <text x={left - 6} y={y} dy="0.32em" textAnchor="end" className={styles.tick}>
        {value}
      </text>
    </>
  );
}
