import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.ts';

const clauses = (input: string) =>
  parseQuery(input).clauses.map((c) =>
    c.words.map((w) => (w.prefix ? `${w.text}*` : w.text)).join(' '),
  );

describe('parseQuery', () => {
  it('makes every bare word a case-insensitive prefix', () => {
    expect(clauses('Paren  Numbers')).toEqual(['paren*', 'numbers*']);
  });

  it('reads a closed quoted phrase as whole words in order', () => {
    expect(clauses('"the Word" time')).toEqual(['the word', 'time*']);
    expect(parseQuery('"the word"').clauses[0]!.quoted).toBe(true);
  });

  it('lets the last word of an unclosed phrase be a prefix while it is typed', () => {
    expect(clauses('"the wor')).toEqual(['the wor*']);
    expect(clauses('"the word ')).toEqual(['the word']);
  });

  it('turns a bare token with separators into a phrase whose last word is a prefix', () => {
    expect(clauses("e.g. don't")).toEqual(['e g*', 'don t*']);
  });

  it('keeps symbols as words and drops empty clauses and repeats', () => {
    expect(clauses('@ C++ "" "," word word')).toEqual(['@*', 'c + +*', 'word*']);
  });

  it('is empty for blank or punctuation-only input', () => {
    expect(parseQuery('   ').clauses).toEqual([]);
    expect(parseQuery('" , ."').clauses).toEqual([]);
  });
});
