/**
 * Which parts of an explanation a query matched, as segments of the original text. A whole-word
 * match marks the word; a prefix match marks the typed part of the word; a phrase marks the
 * stretch from its first word to its last (including the spaces and quotes between them).
 */
import type { QueryWord, SearchQuery } from './query.ts';
import { wordSpans, type WordSpan } from './tokenize.ts';

export interface HighlightSegment {
  text: string;
  match: boolean;
}

function wordMatches(span: WordSpan, word: QueryWord): boolean {
  return word.prefix ? span.word.startsWith(word.text) : span.word === word.text;
}

/** Where a matched word's marking ends: the typed part of a prefix, else the whole word. */
function matchEnd(span: WordSpan, word: QueryWord): number {
  // Lower-casing kept the length (the usual case), so the typed part maps back by length.
  if (word.prefix && span.word.length === span.end - span.start) {
    return span.start + word.text.length;
  }
  return span.end;
}

export function highlightRanges(text: string, query: SearchQuery): [number, number][] {
  if (query.clauses.length === 0) return [];
  const spans = wordSpans(text);
  const ranges: [number, number][] = [];
  for (const clause of query.clauses) {
    const phrase = clause.words;
    for (let i = 0; i + phrase.length <= spans.length; i++) {
      let j = 0;
      while (j < phrase.length && wordMatches(spans[i + j]!, phrase[j]!)) j++;
      if (j === phrase.length) {
        const last = phrase.length - 1;
        ranges.push([spans[i]!.start, matchEnd(spans[i + last]!, phrase[last]!)]);
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const previous = merged[merged.length - 1];
    if (previous && range[0] <= previous[1]) previous[1] = Math.max(previous[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

export function highlight(text: string, query: SearchQuery): HighlightSegment[] {
  const segments: HighlightSegment[] = [];
  let at = 0;
  for (const [start, end] of highlightRanges(text, query)) {
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) {
    segments.push({ text: text.slice(at), match: false });
  }
  return segments;
}
