import type { ActivationColorScale } from './colorScale.ts';
import { formatActivation } from './tokens.ts';
import styles from './ColorLegend.module.css';

const STOPS = 12;

function gradient(scale: ActivationColorScale, from: number, to: number): string {
  const colors = Array.from(
    { length: STOPS + 1 },
    (_, i) => scale(from + ((to - from) * i) / STOPS).backgroundColor,
  );
  return `linear-gradient(to right, ${colors.join(', ')})`;
}

/**
 * The key to a colour scale: negative values (when the domain has any) on a short segment to the
 * left of zero, positive ones on the rest. Segments are a key, not an axis: their widths are fixed.
 */
export function ColorLegend({
  scale,
  label = 'Activation',
}: {
  scale: ActivationColorScale;
  /** What the colours stand for. */
  label?: string;
}) {
  const { min, max } = scale.domain;
  const hasNegative = min < 0;
  return (
    <figure className={styles.legend}>
      <figcaption className={styles.caption}>{label}</figcaption>
      <div className={styles.bars} aria-hidden="true">
        {hasNegative && (
          <span className={styles.negative} style={{ background: gradient(scale, min, 0) }} />
        )}
        <span className={styles.positive} style={{ background: gradient(scale, 0, max) }} />
      </div>
      <div className={styles.ticks} aria-hidden="true">
        {hasNegative && <span className={styles.negative}>{formatActivation(min)}</span>}
        <span className={styles.positive}>
          <span>0</span>
          <span>{formatActivation(max)}</span>
        </span>
      </div>
      <p className="visually-hidden">
        Colours run from blue for {formatActivation(min)} through the background colour for 0 to
        orange for {formatActivation(max)}.
      </p>
    </figure>
  );
}
