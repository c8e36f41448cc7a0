/**
 * `search` on the real GPT-2 XL data, ingested by the CLI, agrees with a direct scan of
 * paper-explanations.csv (tests/fixtures/search-oracle.ts works out the expected answer). The CSV
 * rounds scores to 2 decimals where the explanation files keep them whole, so score thresholds
 * sit between two-decimal values, and the order is checked against the printed scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPaperExplanations } from '../../node/paper-csv.ts';
import { realDataDir } from '../../../tests/real-data.ts';
import {
  expectedMatches,
  ORACLE_CASES,
  type OracleFilters,
} from '../../../tests/fixtures/search-oracle.ts';
import { cli } from '../../../tests/support/cli.ts';

const real = realDataDir();

interface Match {
  layer: number;
  neuron: number;
  score: number | null;
  explanation: string;
}

describe.skipIf(real === null)('search on the ingested real data agrees with the paper CSV', () => {
  const rows = real ? readPaperExplanations(join(real, 'paper-explanations.csv')) : [];
  const csvScore = new Map(rows.map((row) => [`${row.layer}:${row.neuron}`, row.score]));
  let data = '';

  beforeAll(async () => {
    data = join(mkdtempSync(join(tmpdir(), 'search-real-')), 'gpt2-xl');
    const ingest = await cli(['ingest', '--source', real!, '--out', data, '--no-progress']);
    expect(ingest.code, ingest.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dirname(data), { recursive: true, force: true }));

  const filterCases: [string[], OracleFilters][] = [
    [[], {}],
    [['--layer', '12'], { layers: [12, 12] }],
    [['--min-score', '0.505'], { score: [0.505, Infinity] }],
    [['--layer', '3', '--min-score', '0.605'], { layers: [3, 3], score: [0.605, Infinity] }],
  ];

  for (const [query, clauses] of ORACLE_CASES) {
    it(`finds ${query} as a scan of the CSV does`, async () => {
      for (const [flags, filters] of filterCases) {
        const result = await cli([
          'search',
          query,
          '--data',
          data,
          '--json',
          '-n',
          '100000',
          '--sort',
          'score',
          ...flags,
        ]);
        expect(result.code, result.stderr).toBe(0);
        const matches = JSON.parse(result.stdout) as Match[];
        const want = expectedMatches(rows, clauses, filters);
        const where = flags.join(' ');
        expect(new Set(matches.map((m) => `${m.layer}:${m.neuron}`)), where).toEqual(new Set(want));
        expect(matches, where).toHaveLength(want.length);
        for (let i = 0; i < matches.length; i++) {
          const m = matches[i]!;
          // Scores as the CSV has them (rounded), descending, ties by layer and neuron.
          const csv = csvScore.get(`${m.layer}:${m.neuron}`)!;
          expect(Math.abs(m.score! - csv)).toBeLessThanOrEqual(0.005 + 1e-9);
          const before = matches[i - 1];
          if (before) {
            const inOrder =
              before.score! > m.score! ||
              (before.score === m.score &&
                (before.layer < m.layer || (before.layer === m.layer && before.neuron < m.neuron)));
            expect(inOrder, `${before.layer}:${before.neuron} before ${m.layer}:${m.neuron}`).toBe(
              true,
            );
          }
        }
      }
    });
  }

  it('ranks by relevance by default, printing the same matches, the top n of them', async () => {
    const all = await cli(['search', 'time', '--data', data, '--json', '-n', '100000']);
    const matches = JSON.parse(all.stdout) as Match[];
    expect(new Set(matches.map((m) => `${m.layer}:${m.neuron}`))).toEqual(
      new Set(expectedMatches(rows, [['time*']])),
    );
    // The shortest explanations that are the word itself come first.
    expect(matches[0]!.explanation.trim().toLowerCase()).toMatch(/^time/);
    const top = await cli(['search', 'time', '--data', data, '--json', '-n', '20']);
    expect(JSON.parse(top.stdout)).toEqual(matches.slice(0, 20));
  });

  it('prints a readable table without --json, and explains a query without words', async () => {
    const table = await cli(['search', '"the letter"', '--data', data, '-n', '3']);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
    expect(table.stdout).toMatch(/^\d+:\d+\s+\d\.\d{3}\s+.*the letter/im);
    const bad = await cli(['search', '""', '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/has no words to search for/);
  });
});
