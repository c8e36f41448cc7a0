import { memo, useCallback, useMemo } from 'react';
import type { TokenStyle } from './colorScale.ts';
import { tokenSpansHtml } from './recordHtml.ts';
import { registerRecord, type TooltipSeries } from './tokenRegistry.ts';

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
 * One record as running text, each token on its activation's colour. The 64 token spans are
 * written as one HTML string (./recordHtml.ts) rather than 64 React elements: a page of 200
 * records (12,800 tokens) renders in a fraction of the time. Tooltips and keys are handled by an
 * enclosing TokenTooltipLayer; one token is in the tab order (roving tabindex), arrows move within
 * the record.
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
  const html = useMemo(
    () => ({ __html: tokenSpansHtml(tokens, tokenStyles) }),
    [tokens, tokenStyles],
  );
  return (
    <div
      ref={register}
      role="group"
      aria-label={label}
      className="token-record"
      data-record=""
      dangerouslySetInnerHTML={html}
    />
  );
});
