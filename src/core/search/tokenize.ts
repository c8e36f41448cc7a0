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

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** For ASCII: 0 separates words, 1 is part of a word, 2 an upper-case letter, 3 a symbol word. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = 2;
// The ASCII characters that WORD takes as one-character words: \p{S} and @&#%*.
for (const symbol of '$+<=>^`|~@&#%*') ASCII_CLASS[symbol.charCodeAt(0)] = 3;

/**
 * The words of many texts as small integers (term ids), with each distinct word stored once.
 * Cuts words exactly as `words` does, but for ASCII text (nearly every explanation) scans the
 * characters into an open-addressing hash table without making a string per word: about twice
 * as fast over 307,200 explanations, which matters for search being ready soon after loading.
 */
export class Vocabulary {
  /** Each term id's word. */
  readonly terms: string[] = [];
  private slots = new Int32Array(1 << 12).fill(-1);
  private buffer: Uint16Array = new Uint16Array(64);
  private ids: Int32Array = new Int32Array(64);

  get size(): number {
    return this.terms.length;
  }

  /** The term id of a (lower-case) word, or -1 when no text had it. */
  id(word: string): number {
    return this.find(word, this.hashString(word), false);
  }

  /** The term id of a (lower-case) word, adding it when new. */
  idOrAdd(word: string): number {
    return this.find(word, this.hashString(word), true);
  }

  /**
   * The term ids of a text's words, in order, adding new words. The returned array is reused by
   * the next call: read `count` entries before calling again.
   */
  addWords(text: string): { ids: Int32Array; count: number } {
    let count = 0;
    let length = 0;
    let hash = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 128) return this.addWordsSlowly(text);
      const kind = ASCII_CLASS[c]!;
      if (kind === 1 || kind === 2) {
        if (kind === 2) c += 32;
        if (length === this.buffer.length) this.buffer = grow16(this.buffer);
        this.buffer[length++] = c;
        hash = Math.imul(hash ^ c, FNV_PRIME);
        continue;
      }
      if (length > 0) {
        count = this.push(count, this.findBuffer(length, hash));
        length = 0;
        hash = FNV_OFFSET;
      }
      if (kind === 3) {
        this.buffer[0] = c;
        count = this.push(count, this.findBuffer(1, Math.imul(FNV_OFFSET ^ c, FNV_PRIME)));
      }
    }
    if (length > 0) count = this.push(count, this.findBuffer(length, hash));
    return { ids: this.ids, count };
  }

  private addWordsSlowly(text: string): { ids: Int32Array; count: number } {
    let count = 0;
    for (const word of words(text))
      count = this.push(count, this.find(word, this.hashString(word), true));
    return { ids: this.ids, count };
  }

  private push(count: number, id: number): number {
    if (count === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[count] = id;
    return count + 1;
  }

  private hashString(word: string): number {
    let hash = FNV_OFFSET;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), FNV_PRIME);
    return hash;
  }

  /** The id of the word in buffer[0..length), adding it when new. */
  private findBuffer(length: number, hash: number): number {
    const mask = this.slots.length - 1;
    const buffer = this.buffer;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id < 0) {
        return this.insert(slot, stringOf(buffer, length));
      }
      const term = this.terms[id]!;
      if (term.length !== length) continue;
      let j = 0;
      while (j < length && term.charCodeAt(j) === buffer[j]) j++;
      if (j === length) return id;
    }
  }

  private find(word: string, hash: number, add: boolean): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id < 0) return add ? this.insert(slot, word) : -1;
      if (this.terms[id] === word) return id;
    }
  }

  private insert(slot: number, word: string): number {
    const id = this.terms.length;
    this.terms.push(word);
    this.slots[slot] = id;
    if (this.terms.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    this.terms.forEach((term, id) => {
      let slot = this.hashString(term) & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    });
  }
}

function stringOf(codes: Uint16Array, length: number): string {
  let text = '';
  for (let start = 0; start < length; start += 4096) {
    text += String.fromCharCode(...codes.subarray(start, Math.min(length, start + 4096)));
  }
  return text;
}

function grow16(array: Uint16Array): Uint16Array {
  const grown = new Uint16Array(array.length * 2);
  grown.set(array);
  return grown;
}

/**
 * Many texts cut into words, with their own small vocabulary: what a thread that reads layer
 * indexes hands to the one that keeps the search index, which then only renumbers the words
 * (see SearchIndex.addTokenized), so the cutting can run in parallel with the indexing.
 */
export interface TokenizedTexts {
  /** This batch's words; `ids` number them. */
  terms: string[];
  /** The texts that are not null, by their place in the batch. */
  docs: Int32Array;
  /** Per doc, where its words start in `ids`; one extra entry closes the last. */
  starts: Int32Array;
  ids: Int32Array;
}

export function tokenizeTexts(texts: readonly (string | null)[]): TokenizedTexts {
  const vocabulary = new Vocabulary();
  const docs = new Int32Array(texts.length);
  const starts = new Int32Array(texts.length + 1);
  let ids = new Int32Array(texts.length * 8);
  let doc = 0;
  let length = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text == null) continue;
    const words = vocabulary.addWords(text);
    if (length + words.count > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, length + words.count));
      grown.set(ids);
      ids = grown;
    }
    for (let w = 0; w < words.count; w++) ids[length++] = words.ids[w]!;
    docs[doc] = i;
    starts[++doc] = length;
  }
  return {
    terms: vocabulary.terms,
    docs: docs.slice(0, doc),
    starts: starts.slice(0, doc + 1),
    ids: ids.slice(0, length),
  };
}
