import { memo, useCallback, useMemo } from 'react';
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
  /** Token indices drawn as marked (fuzzing's marks); say them in `label` too. */
  marked?: readonly number[] | undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * The record's tokens as HTML: one plain span per token with its colours, `data-i` its index, the
 * first one in the tab order. Token text is escaped; the colours are our own #rrggbb values.
 */
export function tokenSpansHtml(
  tokens: readonly string[],
  tokenStyles: readonly TokenStyle[],
  marked?: readonly number[],
): string {
  let html = '';
  const marks = marked ? new Set(marked) : null;
  for (let i = 0; i < tokens.length; i++) {
    const style = tokenStyles[i];
    const text = displayToken(tokens[i]!).replace(/[&<>]/g, (char) => ESCAPES[char]!);
    const colours = style
      ? ` style="background-color:${style.backgroundColor};color:${style.color}"`
      : '';
    const mark = marks?.has(i) ? ' data-marked=""' : '';
    html += `<span data-i="${i}"${i === 0 ? ' tabindex="0"' : ''}${mark}${colours}>${text}</span>`;
  }
  return html;
}

/**
 * One record as running text, each token on its activation's colour. The 64 token spans are
 * written as one HTML string rather than 64 React elements: a page of 200 records (12,800
 * tokens) renders in a fraction of the time. Tooltips and keys are handled by an enclosing
 * TokenTooltipLayer; one token is in the tab order (roving tabindex), arrows move within the record.
 */
export const TokenRecord = memo(function TokenRecord({
  tokens,
  tokenStyles,
  series,
  label,
  marked,
}: TokenRecordProps) {
  const register = useCallback(
    (element: HTMLDivElement | null) => {
      if (element) registerRecord(element, { tokens, series });
    },
    [tokens, series],
  );
  const html = useMemo(
    () => ({ __html: tokenSpansHtml(tokens, tokenStyles, marked) }),
    [tokens, tokenStyles, marked],
  );
  return (
    <div
      ref={register}
      role="group"
      aria-label={label}
      className={styles.record}
      data-record=""
      dangerouslySetInnerHTML={html}
    />
  );
});
