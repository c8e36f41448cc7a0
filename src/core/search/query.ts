/**
 * The search box's language. Every clause must match (AND):
 *
 *   paren            a bare word matches any word that starts with it ("parentheses", "paren")
 *   "the word"       a quoted phrase matches those whole words, consecutive and in order
 *   "the wor         an unclosed quote (still being typed) lets its last word be a prefix
 *   e.g.  C++        a bare token holding separators is a phrase of its words, the last a prefix
 *
 * Case is ignored. Words are cut as in ./tokenize.ts.
 */
import { words } from './tokenize.ts';

export interface QueryWord {
  /** Lower-cased. */
  text: string;
  /** True when a longer word starting with `text` also matches. */
  prefix: boolean;
}

export interface QueryClause {
  /** One word, or a phrase: words that must appear consecutively and in this order. */
  words: QueryWord[];
  quoted: boolean;
}

export interface SearchQuery {
  clauses: QueryClause[];
}

export function parseQuery(input: string): SearchQuery {
  const clauses: QueryClause[] = [];
  const seen = new Set<string>();
  const add = (clause: QueryClause) => {
    if (clause.words.length === 0) return;
    const key = clause.words.map((w) => `${w.text}${w.prefix ? '*' : ''}`).join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    clauses.push(clause);
  };
  // A quoted phrase, closed or running to the end of the input, or a bare run of non-space.
  const part = /"([^"]*)("?)|([^\s"]+)/g;
  for (const match of input.matchAll(part)) {
    const [, phrase, closing, bare] = match;
    if (phrase !== undefined) {
      const list = words(phrase);
      const open = closing === '' && !/\s$/.test(phrase);
      add({
        words: list.map((text, i) => ({ text, prefix: open && i === list.length - 1 })),
        quoted: true,
      });
    } else if (bare !== undefined) {
      const list = words(bare);
      add({
        words: list.map((text, i) => ({ text, prefix: i === list.length - 1 })),
        quoted: false,
      });
    }
  }
  return { clauses };
}
