/**
 * Search and filters over the real explanations agree with a direct scan of
 * paper-explanations.csv, where this test works out the expected answer itself from the query
 * language's definition (src/core/search/query.ts).
 */
import { describe, expect, it } from 'vitest';
import { describeRows, SearchableDataset, searchRows } from '../../src/core/browse/search.ts';
import { layerColumns } from '../../src/core/browse/table.ts';
import { NO_FILTERS, type Filters } from '../../src/core/browse/view.ts';
import {
  csvLayerIndexes,
  paperExplanationsPath,
  readPaperExplanations,
  type CsvExplanation,
} from '../fixtures/paper-explanations.ts';

const csvPath = paperExplanationsPath();

/** A clause as the test spells it: words in order, a trailing * for a prefix. */
type Clause = string[];

const WORD = /[\p{L}\p{N}\p{M}]+|[\p{S}@&#%*§¶†‡]/gu;

function clauseMatches(words: string[], clause: Clause): boolean {
  for (let i = 0; i + clause.length <= words.length; i++) {
    const ok = clause.every((part, j) => {
      const word = words[i + j]!;
      return part.endsWith('*') ? word.startsWith(part.slice(0, -1)) : word === part;
    });
    if (ok) return true;
  }
  return false;
}

function expected(rows: CsvExplanation[], clauses: Clause[], filters: Filters): string[] {
  return rows
    .filter((row) => {
      const words = row.explanation.toLowerCase().match(WORD) ?? [];
      if (!clauses.every((clause) => clauseMatches(words, clause))) return false;
      if (filters.layers && (row.layer < filters.layers[0] || row.layer > filters.layers[1]))
        return false;
      if (
        filters.score &&
        (row.score === null || row.score < filters.score[0] || row.score > filters.score[1])
      )
        return false;
      return true;
    })
    .sort(
      (a, b) =>
        (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.layer - b.layer || a.neuron - b.neuron,
    )
    .map((row) => `${row.layer}:${row.neuron}`);
}

const cases: [string, Clause[]][] = [
  ['time', [['time*']]],
  ['NUMB', [['numb*']]],
  ['words related to', [['words*'], ['related*'], ['to*']]],
  ['"related to" time', [['related', 'to'], ['time*']]],
  ['"the word', [['the', 'word*']]],
  ['"me"', [['me']]],
  ['paren', [['paren*']]],
  ['e.g.', [['e', 'g*']]],
  ['@', [['@*']]],
  ['"the letter" s', [['the', 'letter'], ['s*']]],
  ['zzzzqx', [['zzzzqx*']]],
];

const filterCases: Filters[] = [
  NO_FILTERS,
  { layers: [10, 20], score: null, records: 'any' },
  { layers: null, score: [0.5, 0.7], records: 'any' },
  { layers: [0, 5], score: [0.6, 1], records: 'any' },
];

describe.skipIf(csvPath === null)(
  'search over the real explanations (paper-explanations.csv)',
  () => {
    const rows = csvPath ? readPaperExplanations(csvPath) : [];
    const dataset = new SearchableDataset(
      Array.from({ length: 48 }, (_, layer) => ({ layer, neurons: 6400 })),
    );
    for (const index of csvLayerIndexes(rows)) dataset.addLayer(layerColumns(index));

    it('holds every row of the CSV', () => {
      expect(rows.length).toBeGreaterThan(16000);
      expect(dataset.table.listedCount).toBe(rows.length);
      expect(dataset.index.documents).toBe(rows.length);
    });

    for (const [query, clauses] of cases) {
      for (const filters of filterCases) {
        it(`finds ${query} with ${JSON.stringify(filters)} like a scan of the CSV`, () => {
          const want = expected(rows, clauses, filters);
          const byScore = searchRows(dataset, query, filters, { key: 'score', descending: true });
          expect(describeRows(dataset.table, byScore).map((m) => `${m.layer}:${m.neuron}`)).toEqual(
            want,
          );
          const byRelevance = searchRows(dataset, query, filters);
          expect(Array.from(byRelevance).sort((a, b) => a - b)).toEqual(
            Array.from(byScore).sort((a, b) => a - b),
          );
        });
      }
    }

    it('found something for most queries (the cases are not vacuous)', () => {
      const found = cases.filter(([, clauses]) => expected(rows, clauses, NO_FILTERS).length > 0);
      expect(found.length).toBe(cases.length - 1);
    });

    it('filters without a query like a scan of the CSV', () => {
      const filters: Filters = { layers: [40, 47], score: [0.8, 1], records: 'any' };
      const rowsFound = searchRows(dataset, '', filters, { key: 'score', descending: true });
      expect(describeRows(dataset.table, rowsFound).map((m) => `${m.layer}:${m.neuron}`)).toEqual(
        expected(rows, [], filters),
      );
    });
  },
);
