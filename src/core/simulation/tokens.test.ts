import { describe, expect, it } from 'vitest';
import { escapeToken, tokenMatches, unescapeToken } from './tokens.ts';

describe('token escapes', () => {
  it.each([
    ' the',
    '\n',
    '\n\n',
    '\t',
    'a\\nb',
    ' C:\\dir',
    '\r\n',
    '\u0007',
    '\u00e9t\u00e9',
    ' \ufffd',
  ])('round-trips %j on one line', (token) => {
    const escaped = escapeToken(token);
    expect(escaped).not.toMatch(/[\n\r\t]/);
    expect(unescapeToken(escaped)).toBe(token);
  });

  it('shows control characters as \\u escapes', () => {
    expect(escapeToken('\u0000x')).toBe('\\u0000x');
  });
});

describe('tokenMatches', () => {
  it('ignores the spaces a chat model drops or adds around a token', () => {
    expect(tokenMatches(' the', 'the')).toBe(true);
    expect(tokenMatches('the', ' the ')).toBe(true);
    expect(tokenMatches(' March', 'March')).toBe(true);
    expect(tokenMatches(' March', '" March"')).toBe(true);
    expect(tokenMatches('"', '"')).toBe(true);
  });

  it('reads escapes back and accepts whitespace tokens written empty', () => {
    expect(tokenMatches('\n', '\\n')).toBe(true);
    expect(tokenMatches('\n', '')).toBe(true);
    expect(tokenMatches(' ', ' ')).toBe(true);
    expect(tokenMatches('a\tb', 'a\\tb')).toBe(true);
  });

  it('tells different tokens apart', () => {
    expect(tokenMatches(' the', 'The')).toBe(false);
    expect(tokenMatches(' March', 'April')).toBe(false);
    expect(tokenMatches('\n', 'x')).toBe(false);
  });
});
