import { scaleUnit, ZERO_BAND, type ActivationColorScale } from './colorScale.ts';
import { formatActivation } from './tokens.ts';
import styles from './ColorLegend.module.css';

const STOPS = 12;
/** The negative segment's width at most and at least (a fraction of the bar), so its label fits. */
const NEGATIVE_WIDTH = { min: 0.12, max: 0.5 };

function gradient(scale: ActivationColorScale, from: number, to: number): string {
  const colors = Array.from(
    { length: STOPS + 1 },
    (_, i) => scale(from + ((to - from) * i) / STOPS).backgroundColor,
  );
  return `linear-gradient(to right, ${colors.join(', ')})`;
}

/** What the colours mean, in words (for screen readers, and as the legend's title). */
export function legendDescription(scale: ActivationColorScale, over: number | null = null): string {
  const { min, max } = scale.domain;
  const zero = ZERO_BAND * scaleUnit(scale.domain);
  const parts: string[] = [];
  if (min < 0 && max > 0) {
    parts.push(
      `Blue for negative activations down to ${formatActivation(min)}, the background colour for 0, orange up to ${formatActivation(max)}.`,
    );
  } else if (max > 0) {
    parts.push(`The background colour for 0, orange up to ${formatActivation(max)}.`);
  } else if (min < 0) {
    parts.push(
      `Blue for negative activations down to ${formatActivation(min)}, the background colour for 0.`,
    );
  } else {
    parts.push('Every activation is 0: the background colour.');
  }
  if (zero > 0)
    parts.push(
      `Values between −${formatActivation(zero)} and ${formatActivation(zero)} read as 0.`,
    );
  if (over !== null) {
    parts.push(
      `Values above ${formatActivation(max)} (up to ${formatActivation(over)}) are overlined.`,
    );
  }
  return parts.join(' ');
}

/**
 * The key to a colour scale: negative values (when the domain has any) on a segment left of
 * zero, as wide as their size on the scale (within limits, so its label fits), positive ones on
 * the rest; `over`, when given, says how far values go above the scale (they are overlined).
 */
export function ColorLegend({
  scale,
  label = 'Activation',
  over = null,
}: {
  scale: ActivationColorScale;
  /** What the colours stand for. */
  label?: string;
  /** The largest value shown above the scale's maximum, if any. */
  over?: number | null;
}) {
  const { min, max } = scale.domain;
  const hasNegative = min < 0;
  const unit = scaleUnit(scale.domain);
  const negativeShare = hasNegative
    ? Math.min(NEGATIVE_WIDTH.max, Math.max(NEGATIVE_WIDTH.min, unit > 0 ? -min / (unit - min) : 0))
    : 0;
  const widths = {
    negative: { flex: `0 0 ${negativeShare * 100}%` },
  };
  const description = legendDescription(scale, over);
  return (
    <figure className={styles.legend} title={description}>
      <figcaption className={styles.caption}>{label}</figcaption>
      <div className={styles.bars} aria-hidden="true">
        {hasNegative && (
          <span
            className={styles.negative}
            style={{ ...widths.negative, background: gradient(scale, min, 0) }}
          />
        )}
        <span className={styles.positive} style={{ background: gradient(scale, 0, max) }} />
        {over !== null && <span className={styles.over}>▲</span>}
      </div>
      <div className={styles.ticks} aria-hidden="true">
        {hasNegative && (
          <span className={styles.negative} style={widths.negative}>
            {formatActivation(min)}
          </span>
        )}
        <span className={styles.positive}>
          <span>0</span>
          <span>
            {formatActivation(max)}
            {over !== null && ` (sim. ${formatActivation(over)})`}
          </span>
        </span>
      </div>
      <p className="visually-hidden">{description}</p>
    </figure>
  );
}
