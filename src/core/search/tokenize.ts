/**
 * How explanations and queries are cut into words. A word is a maximal run of letters, digits and
 * combining marks, or a single symbol character (`@`, `&`, `#`, `%`, `*`, `+`, `=`, `<`, `>`, `$`,
 * `®`, ...) so that neurons explained as "the @ symbol" can be found. Everything else (spaces,
 * quotes, commas, dashes, brackets, full stops) only separates words. Matching ignores case and
 * nothing else: "café" and "cafe" are different words.
 */

/** Global, sticky-free: callers reset lastIndex by using matchAll / a fresh exec loop. */
const WORD = /[\p{L}\p{N}\p{M}]+|[\p{S}@&#%*§¶†‡]/gu;

/** The words of a text, lower-cased, in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** A word's place in the original text (offsets in UTF-16 code units), for highlighting. */
export interface WordSpan {
  start: number;
  end: number;
  /** The word, lower-cased. */
  word: string;
}

export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    spans.push({
      start: match.index,
      end: match.index + match[0].length,
      word: match[0].toLowerCase(),
    });
  }
  return spans;
}
