/** One- to three-word queries, typed a character at a time (the browse and search-core benchmarks). */
export const QUERIES = [
  'time',
  'numbers',
  'words related to',
  'the letter s',
  'python code',
  'legal terms',
  'parentheses',
  'names of people',
  'negative emotions',
  'dates',
];
