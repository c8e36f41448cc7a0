/**
 * Showing GPT-2 tokens to a chat model one per line, and reading them back. A token can hold a
 * newline, a tab or other control characters, so those are written as backslash escapes; a
 * leading space stays a space. Chat models often drop or add spaces around what they copy, so
 * tokens are compared with surrounding whitespace ignored.
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f\\]/;

/** The token as one line of text: `\`, newline, carriage return, tab and control characters escaped. */
export function escapeToken(token: string): string {
  // Most tokens have nothing to escape.
  if (!NEEDS_ESCAPE.test(token)) return token;
  let escaped = '';
  for (const character of token) {
    const code = character.codePointAt(0)!;
    if (ESCAPES[character] !== undefined) escaped += ESCAPES[character];
    else if (code < 0x20 || code === 0x7f) escaped += `\\u${code.toString(16).padStart(4, '0')}`;
    else escaped += character;
  }
  return escaped;
}

/** The inverse of escapeToken; unknown escapes are kept as written. */
export function unescapeToken(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(u[0-9a-fA-F]{4}|[\\nrt])/g, (_, escape: string) => {
    switch (escape) {
      case '\\':
        return '\\';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return String.fromCharCode(parseInt(escape.slice(1), 16));
    }
  });
}

function normalize(token: string): string {
  return token.normalize('NFC').trim();
}

/** Whether a chat model's copy of a token (as it wrote it, escaped) is that token. */
export function tokenMatches(token: string, echoed: string): boolean {
  const unescaped = unescapeToken(echoed);
  // The usual case, checked first: an exact copy (this runs for every token of every record).
  if (unescaped === token) return true;
  const copy = normalize(unescaped);
  if (normalize(token) === copy) return true;
  // Some models quote what they copy: '" the"' for " the".
  const quoted = /^"(.*)"$/s.exec(copy);
  if (quoted && normalize(token) === normalize(quoted[1]!)) return true;
  // A whitespace-only token (newline, spaces) may come back empty, escaped or as spaces.
  return normalize(token) === '' && /^(?:\s|\\[nrt])*$/.test(echoed);
}

/** Longest text quoted in a message: a token, or the start of a line that should hold one. */
const MAX_QUOTED_CHARS = 60;

/**
 * A token as shown in an error message or an explanation: quoted, with escapes. Text longer than
 * a token (a model's whole paragraph on one line) is cut, so that a message stays a sentence.
 */
export function quoteToken(token: string): string {
  if (token.length <= MAX_QUOTED_CHARS) return JSON.stringify(token);
  return `${JSON.stringify(token.slice(0, MAX_QUOTED_CHARS))}… (${token.length} characters)`;
}
