/**
 * An inverted index over explanations, built in memory from the layer indexes (in the app's search
 * worker and in the CLI). Measured against MiniSearch on 307,200 explanations (see docs/benchmarks.md,
 * "Benchmarks"): MiniSearch took about 7 s to build and up to 1 s per as-you-type query; this index
 * builds in well under a second and answers in a few milliseconds, because it keeps only what the
 * query language needs: per word, the ascending list of documents holding it, and per document its
 * words in order (for phrases, and to check rare candidates against common words without walking
 * the common word's whole list).
 *
 * Relevance: each clause adds the inverse document frequency of the word it matched (a prefix
 * counts as the union of the words it completes to, and a completion weighs PREFIX_WEIGHT of a
 * whole-word match); phrases earn PHRASE_BONUS; the sum is normalised by explanation length as in
 * BM25 (shorter explanations that match are more focused). Term frequency is ignored: explanations
 * are one short sentence.
 */
import type { QueryClause, QueryWord, SearchQuery } from './query.ts';
import { Vocabulary, type TokenizedTexts } from './tokenize.ts';

export const PREFIX_WEIGHT = 0.7;
export const PHRASE_BONUS = 1.5;
const K1 = 1.2;
const B = 0.75;

/** Matching rows and their relevance, in no particular order. */
export interface SearchHits {
  rows: Int32Array;
  relevance: Float32Array;
}

/** A query word resolved against the vocabulary: term ids whose sorted rank is in [low, high). */
interface WordRange {
  low: number;
  high: number;
  /** The term id of the whole-word match, or -1. */
  exact: number;
  idf: number;
  /** Documents holding any term in the range (counted with repeats across terms). */
  postings: number;
}

interface ResolvedClause {
  words: WordRange[];
  cost: number;
}

/** An Int32Array that grows as values are appended. */
class Int32List {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  /** Appends values[0..count). */
  append(values: Int32Array, count: number): void {
    if (this.length + count > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.length + count));
      grown.set(this.data);
      this.data = grown;
    }
    // A loop: a subarray per call (one per explanation) cost more than the copying.
    const data = this.data;
    let at = this.length;
    for (let i = 0; i < count; i++) data[at++] = values[i]!;
    this.length = at;
  }
}

export class SearchIndex {
  private readonly vocabulary = new Vocabulary();
  /**
   * Per term id t: the documents holding it, ascending, each once, are
   * postingDocs[postingStart[t] .. postingStart[t + 1]). Built from `tokens` when a query comes
   * after documents were added (a counting sort: tens of milliseconds for 307,200 explanations,
   * where growing a list per word while adding took several times longer).
   */
  private postingStart = new Int32Array(1);
  private postingDocs = new Int32Array(0);
  private postingsUpTo = 0;
  /** Per document: the row it stands for (the caller's numbering). */
  private readonly docRows = new Int32List();
  /** Per document: where its words start in `tokens`; one extra entry closes the last. */
  private readonly tokenStart = new Int32List();
  /** Every document's words as term ids, in order. */
  private readonly tokens = new Int32List();

  /** Term ids in string order, and each term id's place in it; rebuilt when terms were added. */
  private sortedIds = new Int32Array(0);
  private sortedTerms: string[] = [];
  private rank = new Int32Array(0);
  private sortedUpTo = 0;

  // Per-document scratch space for one query, reused: `stamp` marks the documents the current
  // query touched, so nothing needs clearing between queries.
  private stamp = new Int32Array(0);
  private progress = new Uint16Array(0);
  private score = new Float64Array(0);
  private best = new Float64Array(0);
  private candidates = new Int32Array(0);
  private generation = 0;

  constructor() {
    this.tokenStart.push(0);
  }

  get documents(): number {
    return this.docRows.length;
  }

  get terms(): number {
    return this.vocabulary.size;
  }

  /** Adds one explanation. Rows need not be distinct or ordered; a null text adds nothing. */
  add(row: number, text: string | null): void {
    if (text == null) return;
    this.docRows.push(row);
    const { ids, count } = this.vocabulary.addWords(text);
    this.tokens.append(ids, count);
    this.tokenStart.push(this.tokens.length);
  }

  /**
   * Adds texts cut into words elsewhere (tokenizeTexts): the same as adding each text, in order.
   * `rows[i]` is the row of the batch's text i.
   */
  addTokenized(rows: ArrayLike<number>, batch: TokenizedTexts): void {
    const global = new Int32Array(batch.terms.length);
    for (let t = 0; t < global.length; t++) global[t] = this.vocabulary.idOrAdd(batch.terms[t]!);
    const { docs, starts, ids } = batch;
    const tokens = this.tokens;
    for (let d = 0; d < docs.length; d++) {
      const row = rows[docs[d]!];
      if (row === undefined)
        throw new Error(`SearchIndex.addTokenized: no row for text ${docs[d]}`);
      this.docRows.push(row);
      for (let i = starts[d]!; i < starts[d + 1]!; i++) tokens.push(global[ids[i]!]!);
      this.tokenStart.push(tokens.length);
    }
  }

  addAll(rows: ArrayLike<number>, texts: readonly (string | null)[]): void {
    if (rows.length !== texts.length) {
      throw new Error(`SearchIndex.addAll: ${rows.length} rows but ${texts.length} texts`);
    }
    for (let i = 0; i < texts.length; i++) this.add(rows[i]!, texts[i]!);
  }

  search(query: SearchQuery): SearchHits {
    const empty = { rows: new Int32Array(0), relevance: new Float32Array(0) };
    if (query.clauses.length === 0 || this.documents === 0) return empty;
    this.prepare();
    const clauses: ResolvedClause[] = [];
    for (const clause of query.clauses) {
      const resolved = this.resolveClause(clause);
      if (!resolved) return empty;
      clauses.push(resolved);
    }
    clauses.sort((a, b) => a.cost - b.cost);

    const generation = ++this.generation;
    const { stamp, progress, score, best, candidates, postingStart, postingDocs } = this;
    let count = 0;

    // The cheapest clause proposes the candidates, from the postings of its rarest word.
    const first = clauses[0]!;
    if (first.words.length === 1) {
      const range = first.words[0]!;
      for (let r = range.low; r < range.high; r++) {
        const term = this.sortedIds[r]!;
        const weight = term === range.exact ? range.idf : range.idf * PREFIX_WEIGHT;
        const end = postingStart[term + 1]!;
        for (let i = postingStart[term]!; i < end; i++) {
          const doc = postingDocs[i]!;
          if (stamp[doc] !== generation) {
            stamp[doc] = generation;
            progress[doc] = 1;
            score[doc] = weight;
            candidates[count++] = doc;
          } else if (weight > score[doc]!) {
            score[doc] = weight;
          }
        }
      }
    } else {
      const rarest = first.words.reduce((a, b) => (b.postings < a.postings ? b : a));
      for (let r = rarest.low; r < rarest.high; r++) {
        const term = this.sortedIds[r]!;
        const end = postingStart[term + 1]!;
        for (let i = postingStart[term]!; i < end; i++) {
          const doc = postingDocs[i]!;
          if (stamp[doc] === generation) continue;
          stamp[doc] = generation;
          const weight = this.clauseWeight(doc, first);
          progress[doc] = weight > 0 ? 1 : 0;
          if (weight > 0) {
            score[doc] = weight;
            candidates[count++] = doc;
          }
        }
      }
    }

    // Each other clause keeps the candidates it matches: by walking its postings when they are
    // shorter than the candidates' words, else by reading each candidate's words.
    let alive = count;
    for (let c = 1; c < clauses.length && alive > 0; c++) {
      const clause = clauses[c]!;
      alive = 0;
      if (clause.words.length === 1 && clause.cost < count * this.averageLength()) {
        const range = clause.words[0]!;
        for (let r = range.low; r < range.high; r++) {
          const term = this.sortedIds[r]!;
          const weight = term === range.exact ? range.idf : range.idf * PREFIX_WEIGHT;
          const end = postingStart[term + 1]!;
          for (let i = postingStart[term]!; i < end; i++) {
            const doc = postingDocs[i]!;
            if (stamp[doc] !== generation) continue;
            if (progress[doc] === c) {
              progress[doc] = c + 1;
              best[doc] = weight;
              score[doc] = score[doc]! + weight;
              alive++;
            } else if (progress[doc] === c + 1 && weight > best[doc]!) {
              score[doc] = score[doc]! + weight - best[doc]!;
              best[doc] = weight;
            }
          }
        }
      } else {
        for (let i = 0; i < count; i++) {
          const doc = candidates[i]!;
          if (progress[doc] !== c) continue;
          const weight = this.clauseWeight(doc, clause);
          if (weight > 0) {
            progress[doc] = c + 1;
            score[doc] = score[doc]! + weight;
            alive++;
          }
        }
      }
    }

    const rows = new Int32Array(alive);
    const relevance = new Float32Array(alive);
    const averageLength = this.averageLength();
    const done = clauses.length;
    let out = 0;
    for (let i = 0; i < count && out < alive; i++) {
      const doc = candidates[i]!;
      if (progress[doc] !== done) continue;
      const length = this.tokenStart.data[doc + 1]! - this.tokenStart.data[doc]!;
      const norm = (K1 + 1) / (1 + K1 * (1 - B + (B * length) / averageLength));
      rows[out] = this.docRows.data[doc]!;
      relevance[out] = score[doc]! * norm;
      out++;
    }
    return { rows, relevance };
  }

  private averageLength(): number {
    return this.tokens.length / Math.max(1, this.documents);
  }

  /** The weight a clause earns in a document (the best placement), or 0 when it does not match. */
  private clauseWeight(doc: number, clause: ResolvedClause): number {
    const tokens = this.tokens.data;
    const rank = this.rank;
    const start = this.tokenStart.data[doc]!;
    const end = this.tokenStart.data[doc + 1]!;
    const phrase = clause.words;
    const length = phrase.length;
    let best = 0;
    for (let i = start; i + length <= end; i++) {
      let weight = 0;
      let j = 0;
      for (; j < length; j++) {
        const range = phrase[j]!;
        const term = tokens[i + j]!;
        if (term === range.exact) weight += range.idf;
        else {
          const r = rank[term]!;
          if (r < range.low || r >= range.high) break;
          weight += range.idf * PREFIX_WEIGHT;
        }
      }
      if (j === length && weight > best) best = weight;
    }
    return length > 1 ? best * PHRASE_BONUS : best;
  }

  private resolveClause(clause: QueryClause): ResolvedClause | null {
    const ranges: WordRange[] = [];
    for (const word of clause.words) {
      const range = this.resolveWord(word);
      if (!range) return null;
      ranges.push(range);
    }
    const cheapest = Math.min(...ranges.map((r) => r.postings));
    return { words: ranges, cost: cheapest * (ranges.length > 1 ? 1.01 : 1) };
  }

  private resolveWord(word: QueryWord): WordRange | null {
    const exact = this.vocabulary.id(word.text);
    let low: number;
    let high: number;
    if (word.prefix) {
      low = this.lowerBound((term) => term < word.text);
      high = this.lowerBound((term) => term < word.text || term.startsWith(word.text));
    } else {
      if (exact < 0) return null;
      low = this.rank[exact]!;
      high = low + 1;
    }
    if (low >= high) return null;
    let postings = 0;
    for (let r = low; r < high; r++) {
      const term = this.sortedIds[r]!;
      postings += this.postingStart[term + 1]! - this.postingStart[term]!;
    }
    const documents = Math.min(postings, this.documents);
    const idf = Math.log(1 + (this.documents - documents + 0.5) / (documents + 0.5));
    return { low, high, exact, idf, postings };
  }

  /**
   * Brings the postings up to date with the documents added since they were last built. Documents
   * only ever come after those already in, so each term's list is its old list followed by the new
   * documents holding it: only the new documents' words are read (searching while layers load
   * would otherwise redo all of them each time).
   */
  private buildPostings(): void {
    const terms = this.vocabulary.size;
    const tokens = this.tokens.data;
    const tokenStart = this.tokenStart.data;
    const documents = this.documents;
    const from = this.postingsUpTo;
    const oldStart = this.postingStart;
    const oldDocs = this.postingDocs;
    const oldTerms = oldStart.length - 1;
    // Count each term once per new document, then place the new documents after the old ones.
    const lastDoc = new Int32Array(terms).fill(-1);
    const start = new Int32Array(terms + 1);
    for (let doc = from; doc < documents; doc++) {
      for (let i = tokenStart[doc]!; i < tokenStart[doc + 1]!; i++) {
        const term = tokens[i]!;
        if (lastDoc[term] !== doc) {
          lastDoc[term] = doc;
          start[term + 1]!++;
        }
      }
    }
    for (let term = 0; term < oldTerms; term++)
      start[term + 1]! += oldStart[term + 1]! - oldStart[term]!;
    for (let term = 0; term < terms; term++) start[term + 1]! += start[term]!;
    const docs = new Int32Array(start[terms]!);
    const fill = start.slice(0, terms);
    for (let term = 0; term < oldTerms; term++) {
      const old = oldDocs.subarray(oldStart[term]!, oldStart[term + 1]!);
      docs.set(old, fill[term]!);
      fill[term]! += old.length;
    }
    lastDoc.fill(-1);
    for (let doc = from; doc < documents; doc++) {
      for (let i = tokenStart[doc]!; i < tokenStart[doc + 1]!; i++) {
        const term = tokens[i]!;
        if (lastDoc[term] !== doc) {
          lastDoc[term] = doc;
          docs[fill[term]!++] = doc;
        }
      }
    }
    this.postingStart = start;
    this.postingDocs = docs;
    this.postingsUpTo = documents;
  }

  /** The first sorted position whose term fails `before` (which must hold for a prefix of them). */
  private lowerBound(before: (term: string) => boolean): number {
    let low = 0;
    let high = this.sortedTerms.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.sortedTerms[mid]!)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Builds what queries read (postings, sorted terms) now, rather than at the next query. */
  prepare(): void {
    if (this.postingsUpTo !== this.documents) this.buildPostings();
    const terms = this.vocabulary.terms;
    if (this.sortedUpTo !== terms.length) {
      // Only the terms new since the last time are sorted, then merged in.
      const byText = (a: number, b: number) =>
        terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0;
      const added = new Int32Array(terms.length - this.sortedUpTo);
      for (let i = 0; i < added.length; i++) added[i] = this.sortedUpTo + i;
      added.sort(byText);
      const old = this.sortedIds;
      const ids = new Int32Array(terms.length);
      let i = 0;
      let j = 0;
      let at = 0;
      while (i < old.length && j < added.length)
        ids[at++] = byText(old[i]!, added[j]!) <= 0 ? old[i++]! : added[j++]!;
      while (i < old.length) ids[at++] = old[i++]!;
      while (j < added.length) ids[at++] = added[j++]!;
      this.sortedIds = ids;
      this.sortedTerms = Array.from(ids, (id) => terms[id]!);
      this.rank = new Int32Array(terms.length);
      for (let r = 0; r < ids.length; r++) this.rank[ids[r]!] = r;
      this.sortedUpTo = terms.length;
    }
    if (this.stamp.length < this.documents) {
      const size = Math.max(this.documents, this.stamp.length * 2);
      this.stamp = new Int32Array(size);
      this.progress = new Uint16Array(size);
      this.score = new Float64Array(size);
      this.best = new Float64Array(size);
      this.candidates = new Int32Array(size);
      this.generation = 0;
    }
  }
}
