import { describe, expect, it } from 'vitest';
import { SearchIndex } from './index.ts';
import { parseQuery } from './query.ts';
import { tokenizeTexts, Vocabulary, words } from './tokenize.ts';
import { Random } from '../random/random.ts';

function indexOf(texts: (string | null)[]): SearchIndex {
  const index = new SearchIndex();
  texts.forEach((text, row) => index.add(row, text));
  return index;
}

/** Rows of the hits, most relevant first (ties by row). */
function ranked(index: SearchIndex, query: string): number[] {
  const { rows, relevance } = index.search(parseQuery(query));
  return Array.from(rows.keys())
    .sort((a, b) => relevance[b]! - relevance[a]! || rows[a]! - rows[b]!)
    .map((i) => rows[i]!);
}

const matches = (index: SearchIndex, query: string) =>
  Array.from(index.search(parseQuery(query)).rows).sort((a, b) => a - b);

describe('SearchIndex', () => {
  const texts = [
    ' the word "ME" or a part of a word containing "ME"', // 0
    'numbers and numerals in lists', // 1
    'words related to time', // 2
    'time expressions', // 3
    null, // 4: no explanation
    'related words, and the word related', // 5
    'the @ symbol in email addresses', // 6
  ];
  const index = indexOf(texts);

  it('finds words by prefix, ignoring case', () => {
    expect(matches(index, 'NUM')).toEqual([1]);
    expect(matches(index, 'wor')).toEqual([0, 2, 5]);
  });

  it('requires every clause (AND)', () => {
    expect(matches(index, 'time words')).toEqual([2]);
    expect(matches(index, 'time zebra')).toEqual([]);
  });

  it('matches phrases only where the words are consecutive and in order', () => {
    expect(matches(index, '"related to"')).toEqual([2]);
    expect(matches(index, '"to related"')).toEqual([]);
    expect(matches(index, '"word me"')).toEqual([0]);
    expect(matches(index, '"words related')).toEqual([2]);
    expect(matches(index, '"related wor')).toEqual([5]);
  });

  it('matches quoted words whole', () => {
    expect(matches(index, '"word"')).toEqual([0, 5]);
    expect(matches(index, '"wor"')).toEqual([]);
  });

  it('finds symbols', () => {
    expect(matches(index, '@')).toEqual([6]);
  });

  it('ranks a whole-word match above a completion of the same prefix', () => {
    const corpus = indexOf(['timelines of events', 'time of events']);
    expect(ranked(corpus, 'time')).toEqual([1, 0]);
  });

  it('ranks a shorter explanation above a longer one with the same match', () => {
    const corpus = indexOf(['dates and times of day in news articles about sport', 'dates']);
    expect(ranked(corpus, 'dates')).toEqual([1, 0]);
  });

  it('ranks rare words above common ones', () => {
    const corpus = indexOf(['common alpha', 'common beta', 'common gamma', 'common rare']);
    const { rows, relevance } = corpus.search(parseQuery('common rare'));
    expect(Array.from(rows)).toEqual([3]);
    const single = corpus.search(parseQuery('common'));
    expect(single.relevance[0]).toBeLessThan(relevance[0]!);
  });

  it('ranks a phrase match above the same words apart', () => {
    const corpus = indexOf(['to time related things', 'related to time things']);
    expect(ranked(corpus, '"related to" time')[0]).toBe(1);
  });

  it('answers empty for an empty query or index', () => {
    expect(index.search(parseQuery('')).rows).toHaveLength(0);
    expect(new SearchIndex().search(parseQuery('time')).rows).toHaveLength(0);
  });

  it('sees explanations added after a search', () => {
    const growing = indexOf(['alpha']);
    expect(matches(growing, 'bet')).toEqual([]);
    growing.add(7, 'beta');
    expect(matches(growing, 'bet')).toEqual([7]);
    expect(growing.documents).toBe(2);
  });

  it('answers alike whether searched while explanations were being added or only after', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0 ? null : `${texts[i % texts.length] ?? 'time'} ${['time', 'word', 'tim'][i % 3]}`,
    );
    const once = indexOf(many);
    const growing = new SearchIndex();
    many.forEach((text, row) => {
      growing.add(row, text);
      // Searches now and then, so the postings are built up in several pieces.
      if (row % 37 === 0) growing.search(parseQuery('wor'));
    });
    for (const query of ['tim', 'time', 'word related', '"related to"', 'me']) {
      expect(ranked(growing, query)).toEqual(ranked(once, query));
    }
  });

  it('reports the caller row numbers', () => {
    const corpus = new SearchIndex();
    corpus.addAll(Int32Array.of(1000, 2000), ['alpha', 'alpha beta']);
    expect(matches(corpus, 'alpha')).toEqual([1000, 2000]);
    expect(() => corpus.addAll([1], ['a', 'b'])).toThrow(/1 rows but 2 texts/);
  });
});

describe('Vocabulary', () => {
  it('cuts words exactly as the reference tokenizer does, ASCII or not', () => {
    const texts = [
      ' the word "ME" or a part of a word containing "ME"',
      'C++ and e.g. x=1 <tags> $5 50% @user #tag a&b a*b ^_^ `code` |pipe| ~tilde',
      'Tabs\tand\nnewlines, UPPER lower MiXeD 123abc',
      'café naïve Ünïcödé İstanbul ® — “quoted” ß',
      '',
      '   ',
      'x'.repeat(5000),
    ];
    const vocabulary = new Vocabulary();
    for (const text of texts) {
      const { ids, count } = vocabulary.addWords(text);
      expect(Array.from(ids.subarray(0, count), (id) => vocabulary.terms[id])).toEqual(words(text));
    }
    expect(vocabulary.id('me')).toBe(vocabulary.terms.indexOf('me'));
    expect(vocabulary.id('café')).toBeGreaterThanOrEqual(0);
    expect(vocabulary.id('absent')).toBe(-1);
  });

  it('keeps one id per word across many texts and growth of its table', () => {
    const vocabulary = new Vocabulary();
    for (let i = 0; i < 5000; i++) vocabulary.addWords(`w${i} common`);
    expect(vocabulary.size).toBe(5001);
    expect(vocabulary.terms[vocabulary.id('w4321')]).toBe('w4321');
    const { ids, count } = vocabulary.addWords('COMMON w7');
    expect(Array.from(ids.subarray(0, count))).toEqual([
      vocabulary.id('common'),
      vocabulary.id('w7'),
    ]);
  });

  it('agrees with the reference tokenizer on random ASCII text', () => {
    const alphabet = 'aZ09 .,;:!?"\'()[]{}<>=+-*/\\|@#$%^&_`~\t\n';
    const vocabulary = new Vocabulary();
    const random = new Random(0x5eed);
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: 40 }, () => random.pick([...alphabet])).join('');
      const { ids, count } = vocabulary.addWords(text);
      expect(Array.from(ids.subarray(0, count), (id) => vocabulary.terms[id])).toEqual(words(text));
    }
  });
});

describe('SearchIndex.addTokenized', () => {
  it('answers as if each text had been added, whatever batches the words were cut in', () => {
    const texts = [
      'words related to time',
      null,
      'time expressions',
      'Numbers: 1, 2 and “three” — café',
      'related words, and the word related',
      'the @ symbol',
    ];
    const direct = new SearchIndex();
    texts.forEach((text, i) => direct.add(100 + i, text));
    const batched = new SearchIndex();
    for (const [from, to] of [
      [0, 2],
      [2, 6],
    ] as const) {
      const rows = Array.from({ length: to - from }, (_, i) => 100 + from + i);
      batched.addTokenized(rows, tokenizeTexts(texts.slice(from, to)));
    }
    expect(batched.documents).toBe(direct.documents);
    expect(batched.terms).toBe(direct.terms);
    for (const query of ['time', 'rel', '"related to"', 'caf', '@', 'three', 'word time']) {
      expect(ranked(batched, query)).toEqual(ranked(direct, query));
    }
  });
});
