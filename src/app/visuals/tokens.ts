/** How tokens and values are written on screen. GPT-2 tokens carry their leading space. */
import { format } from 'd3-format';

const CONTROL_SYMBOLS: Record<string, string> = { '\n': '↵', '\t': '⇥', '\r': '␍' };
// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

function replaceControls(token: string): string {
  // Other control characters become their Unicode "symbol for" picture (U+2400 + code).
  return token.replace(
    CONTROL_CHARACTERS,
    (char) =>
      CONTROL_SYMBOLS[char] ??
      (char === '\u007f' ? '␡' : String.fromCharCode(0x2400 + char.charCodeAt(0))),
  );
}

/** A token as it sits in running text: spaces kept, newlines and tabs shown as ↵ and ⇥. */
export function displayToken(token: string): string {
  return token === '' ? '∅' : replaceControls(token);
}

/** A token on its own (tooltip, token lists): every space visible as ·. */
export function visibleToken(token: string): string {
  return displayToken(token).replace(/ /g, '·');
}

const activationFormat = format('.4~f');
const scoreFormat = format('.2f');
const countFormat = format(',');

/** An activation or simulated value: up to four decimals, no trailing zeros. */
export function formatActivation(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const text = activationFormat(value);
  return text === '-0' ? '0' : text.replace('-', '−');
}

/** A score (a correlation): two decimals. */
export function formatScore(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  return scoreFormat(value).replace('-', '−');
}

/** A count with thousands separators ("12,777"), without Intl's slow first call. */
export function formatCount(value: number): string {
  return countFormat(value);
}
