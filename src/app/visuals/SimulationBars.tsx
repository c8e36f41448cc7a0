import { memo, useCallback } from 'react';
import { registerRecord, type TooltipSeries } from './tokenRegistry.ts';
import { displayToken } from './tokens.ts';
import styles from './SimulationBars.module.css';

export interface SimulationBarsProps {
  tokens: readonly string[];
  /** True activations, one per token. */
  real: readonly number[];
  /** Simulated values, one per token. */
  simulated: readonly number[];
  /** The activation drawn as a full-height bar (the neuron's maximum); below zero draws nothing. */
  realMax: number;
  /** The simulated value drawn full height (10 on the 0..10 scale, else the neuron's maximum). */
  simulatedMax: number;
  /** Tooltip rows (stable array): typically real and simulated. */
  series: readonly TooltipSeries[];
  /** Names the sequence for screen readers. */
  label: string;
}

function percent(value: number, top: number): string {
  if (!(top > 0) || !Number.isFinite(value)) return '0%';
  return `${Math.max(0, Math.min(1, value / top)) * 100}%`;
}

/**
 * Real and simulated activations overlaid on the tokens: above each token a pair of bars, real
 * (orange) and simulated (blue), each on its own scale; a value above its scale fills its bar and
 * caps it with a mark. The tokens read exactly as the text does: each cell is as wide as its
 * token (no padding, no minimum width), the bars fit inside it. Tooltips come from
 * TokenTooltipLayer.
 */
export const SimulationBars = memo(function SimulationBars({
  tokens,
  real,
  simulated,
  realMax,
  simulatedMax,
  series,
  label,
}: SimulationBarsProps) {
  const register = useCallback(
    (element: HTMLDivElement | null) => {
      if (element) registerRecord(element, { tokens, series });
    },
    [tokens, series],
  );
  return (
    <div ref={register} role="group" aria-label={label} className={styles.sequence} data-record="">
      {tokens.map((token, i) => (
        <span key={i} data-i={i} tabIndex={i === 0 ? 0 : -1} className={styles.cell}>
          <span className={styles.bars} aria-hidden="true">
            <span
              className={styles.real}
              style={{ height: percent(real[i] ?? 0, realMax) }}
              data-over={(real[i] ?? 0) > realMax ? '' : undefined}
            />
            <span
              className={styles.simulated}
              style={{ height: percent(simulated[i] ?? 0, simulatedMax) }}
              data-over={(simulated[i] ?? 0) > simulatedMax ? '' : undefined}
            />
          </span>
          <span className={styles.token}>{displayToken(token)}</span>
        </span>
      ))}
    </div>
  );
});
