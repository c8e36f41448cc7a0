/** How tokens and values are written on screen. GPT-2 tokens carry their leading space. */

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

// Plain toFixed, not a formatting library: these run in index.html's first-paint script too,
// which stays small. Negative numbers get a true minus sign (U+2212).
const minus = (text: string) => (text.startsWith('-') ? `−${text.slice(1)}` : text);

/** An activation or simulated value: up to four decimals, no trailing zeros. */
export function formatActivation(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const text = value.toFixed(4).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : minus(text);
}

/** A score (a correlation): two decimals. */
export function formatScore(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  const text = value.toFixed(2);
  return text === '-0.00' ? '0.00' : minus(text);
}

/** A whole count with thousands separators ("12,777"). */
export function formatCount(value: number): string {
  return minus(
    Math.round(value)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ','),
  );
}
