import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.ts';
import { parseQuery } from './query.ts';

const marked = (text: string, query: string) =>
  highlight(text, parseQuery(query))
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join('');

describe('highlight', () => {
  it('marks the typed part of a prefix match, ignoring case', () => {
    expect(marked(' Numbers and numerals', 'num')).toBe(' [Num]bers and [num]erals');
  });

  it('marks whole words for a quoted word and never inside a word', () => {
    expect(marked('the theme of the day', '"the"')).toBe('[the] theme of [the] day');
  });

  it('marks a phrase across the separators between its words', () => {
    expect(marked('the word "ME" or a part of a word', '"word me"')).toBe(
      'the [word "ME]" or a part of a word',
    );
  });

  it('marks only places where the whole phrase matches', () => {
    expect(marked('related to time, time related', '"time related"')).toBe(
      'related to time, [time related]',
    );
  });

  it('merges overlapping matches of different clauses', () => {
    expect(marked('words related to time', 'related "related to"')).toBe('words [related to] time');
  });

  it('leaves text without a match whole', () => {
    expect(highlight('nothing here', parseQuery('zebra'))).toEqual([
      { text: 'nothing here', match: false },
    ]);
    expect(highlight('', parseQuery('zebra'))).toEqual([{ text: '', match: false }]);
  });

  it('marks symbols', () => {
    expect(marked('the @ symbol in emails', '@')).toBe('the [@] symbol in emails');
  });
});
