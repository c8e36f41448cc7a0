/**
 * Records as HTML, the one way they are written: by the app (TokenRecord, the record lists) and by
 * index.html's first-paint script, which draws a neuron's top records before the app has loaded
 * (src/app/first-screen.ts). Pure: strings in, a string out. Classes are the global ones of
 * styles/first-screen.css.
 */
import type { TokenStyle } from './colorScale.ts';
import { displayToken, formatActivation } from './tokens.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string) => text.replace(/[&<>"]/g, (char) => ESCAPES[char]!);

/**
 * A record's tokens: one plain span per token with its colours, `data-i` its index, the first one
 * in the tab order, `data-over` when its value is above the scale. Token text is escaped; the
 * colours are our own #rrggbb values.
 */
export function tokenSpansHtml(
  tokens: readonly string[],
  tokenStyles: readonly TokenStyle[],
): string {
  let html = '';
  for (let i = 0; i < tokens.length; i++) {
    const style = tokenStyles[i];
    const colours = style
      ? ` style="background-color:${style.backgroundColor};color:${style.color}"`
      : '';
    const over = style?.over ? ' data-over=""' : '';
    html += `<span data-i="${i}"${i === 0 ? ' tabindex="0"' : ''}${over}${colours}>${escape(displayToken(tokens[i]!))}</span>`;
  }
  return html;
}

/** A record ready to draw: its tokens, their styles on the neuron's scale, its largest value. */
export interface RecordDrawing {
  tokens: readonly string[];
  tokenStyles: readonly TokenStyle[];
  max: number;
}

/** The accessible name of a record in a list, e.g. "Top-activating records, record 1 of 50, max 3.26". */
export function recordLabel(group: string, index: number, total: number, max: number): string {
  return `${group}, record ${index + 1} of ${total}, max ${formatActivation(max)}`;
}

/**
 * The rows of a record list (`<li>`s for an `<ol class="record-list">`): each record's largest
 * activation, then its tokens in a `[data-record]` group (the tooltip layer finds them by that).
 * Rows from `initial` on are laid out only when scrolled to.
 */
export function recordRowsHtml(
  drawings: readonly RecordDrawing[],
  group: string,
  total: number,
  initial: number,
): string {
  let html = '';
  drawings.forEach((drawing, i) => {
    const row = i < initial ? 'record-row' : 'record-row record-row-later';
    const label = escape(recordLabel(group, i, total, drawing.max));
    html +=
      `<li class="${row}"><span class="record-max" title="Largest activation in this record">${formatActivation(drawing.max)}</span>` +
      `<div role="group" aria-label="${label}" class="token-record" data-record="">${tokenSpansHtml(drawing.tokens, drawing.tokenStyles)}</div></li>`;
  });
  return html;
}
