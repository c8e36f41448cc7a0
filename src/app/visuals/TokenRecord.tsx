import { memo, useCallback } from 'react';
import type { TokenStyle } from './colorScale.ts';
import { registerRecord, type TooltipSeries } from './tokenRegistry.ts';
import { displayToken } from './tokens.ts';
import styles from './TokenRecord.module.css';

export interface TokenRecordProps {
  /** The record's tokens, as in the file (leading spaces included). */
  tokens: readonly string[];
  /** One style per token from the neuron's colour scale; precompute it (see activationColorScale). */
  tokenStyles: readonly TokenStyle[];
  /**
   * The values the tooltip shows for each token (usually one series: the activations). Pass a
   * stable array (memoised): a new one re-renders the record.
   */
  series: readonly TooltipSeries[];
  /** Names the record for screen readers, e.g. "Top-activating record 3, max 3.26". */
  label: string;
}

/**
 * One record as running text, each token on its activation's colour. Renders plain spans only:
 * the tooltip and keyboard handling are delegated to an enclosing TokenTooltipLayer. One token is
 * in the tab order (roving tabindex); arrow keys move within the record.
 */
export const TokenRecord = memo(function TokenRecord({
  tokens,
  tokenStyles,
  series,
  label,
}: TokenRecordProps) {
  const register = useCallback(
    (element: HTMLDivElement | null) => {
      if (element) registerRecord(element, { tokens, series });
    },
    [tokens, series],
  );
  return (
    <div ref={register} role="group" aria-label={label} className={styles.record} data-record="">
      {tokens.map((token, i) => (
        <span key={i} data-i={i} tabIndex={i === 0 ? 0 : -1} style={tokenStyles[i]}>
          {displayToken(token)}
        </span>
      ))}
    </div>
  );
});
