/**
 * `export` of the real GPT-2 XL data, read back by readers that share no code with ours: Python's
 * sqlite3 and csv modules (tests/support/export_check.py, which also reads the shared folder's
 * own files with Python's json module) and DuckDB for Parquet. Every row of paper-explanations.csv
 * must be the export's best explanation of that neuron, with the same score.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir } from '../../../tests/real-data.ts';
import { cli } from '../../../tests/support/cli.ts';

const real = realDataDir();
const PYTHON = '/usr/bin/python3';
const CHECK = new URL('../../../tests/support/export_check.py', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'export-real-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * The one neuron whose explanation file the CSV does not copy exactly: 6/3251's file holds the
 * full simulations, its score unrounded and its explanation with a final period; the CSV gives
 * 0.86 and no period. The export keeps what the file says.
 */
const KNOWN_DIFFERENCES = [
  {
    layer: 6,
    neuron: 3251,
    field: 'explanation',
    export: ' occurrences of the word "all" or similar expressions that indicate inclusiveness.',
    paper: ' occurrences of the word "all" or similar expressions that indicate inclusiveness',
  },
  { layer: 6, neuron: 3251, field: 'score', export: 0.863783609896007, paper: 0.86 },
];

interface Check {
  rows: number;
  neurons: number;
  explained: number;
  paperRows: number;
  mismatches: unknown[];
  extra: unknown[];
  recordFiles: number;
  recordMismatches: unknown[];
  facts: Record<string, string>;
  problems: unknown[];
}

function check(format: 'sqlite' | 'csv', file: string): Check {
  const text = execFileSync(PYTHON, [CHECK, format, file, real as string], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(text) as Check;
}

async function exportTo(format: string): Promise<string> {
  const file = join(out, `gpt2-xl.${format}`);
  const run = await cli([
    'export',
    '--data',
    real as string,
    '--format',
    format,
    '--out',
    file,
    '--no-progress',
  ]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(
    /^Exported gpt2-xl to .* 16,529 neurons, 16,528 explanations, 13 with records, 0 left out for a bad file in/,
  );
  expect(existsSync(`${file}.report.json`)).toBe(true);
  return file;
}

describe.skipIf(real === null || !existsSync(PYTHON))('export of the real GPT-2 XL data', () => {
  it('to SQLite: every paper row and score, and every record statistic, read back by Python', async () => {
    const result = check('sqlite', await exportTo('sqlite'));
    expect(result.paperRows).toBe(16528);
    expect(result.explained).toBe(16528);
    // 1/1 has records and no explanation: a row of its own.
    expect(result.neurons).toBe(16529);
    expect(result.extra).toEqual([]);
    expect(result.mismatches).toEqual(KNOWN_DIFFERENCES);
    expect(result.recordFiles).toBe(13);
    expect(result.recordMismatches).toEqual([]);
    expect(result.facts).toMatchObject({
      format: 'neuron-explorer.export/1',
      id: 'gpt2-xl',
      model: 'gpt2-xl',
      neurons: '16529',
      explanations: '16528',
      with_records: '13',
      failed: '0',
    });
    expect(result.problems).toEqual([]);
  }, 120_000);

  it("to CSV: the same, read back by Python's csv module", async () => {
    const result = check('csv', await exportTo('csv'));
    expect(result.rows).toBe(16529);
    expect(result.explained).toBe(16528);
    expect(result.extra).toEqual([]);
    expect(result.mismatches).toEqual(KNOWN_DIFFERENCES);
    expect(result.recordMismatches).toEqual([]);
  }, 120_000);

  it('to Parquet: the same, read back by DuckDB against the paper CSV', async () => {
    const file = await exportTo('parquet');
    const csv = join(real as string, 'paper-explanations.csv');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const sql = (text: string) =>
        text.replaceAll('$PARQUET', `'${file}'`).replaceAll('$CSV', `'${csv}'`);
      const differences = await connection.runAndReadAll(
        sql(`
        WITH paper AS (SELECT * FROM read_csv($CSV, header = true, all_varchar = true)),
             best AS (SELECT * FROM read_parquet($PARQUET) WHERE is_best)
        SELECT coalesce(CAST(p.layer AS INTEGER), b.layer) AS layer,
               coalesce(CAST(p.neuron AS INTEGER), b.neuron) AS neuron,
               b.explanation AS export_explanation, p.explanation AS paper_explanation,
               b.ev_correlation_score AS export_score, CAST(p.score AS DOUBLE) AS paper_score
        FROM paper p FULL JOIN best b
          ON b.layer = CAST(p.layer AS INTEGER) AND b.neuron = CAST(p.neuron AS INTEGER)
        WHERE b.explanation IS DISTINCT FROM p.explanation
           OR b.ev_correlation_score IS DISTINCT FROM CAST(p.score AS DOUBLE)`),
      );
      expect(differences.getRowObjectsJson()).toEqual([
        {
          layer: 6,
          neuron: 3251,
          export_explanation: KNOWN_DIFFERENCES[0]!.export,
          paper_explanation: KNOWN_DIFFERENCES[0]!.paper,
          export_score: KNOWN_DIFFERENCES[1]!.export,
          paper_score: KNOWN_DIFFERENCES[1]!.paper,
        },
      ]);
      const counts = await connection.runAndReadAll(
        sql(`SELECT count(*)::INTEGER AS rows, count(explanation)::INTEGER AS explained,
                    count(*) FILTER (WHERE has_records)::INTEGER AS with_records,
                    count(*) FILTER (WHERE is_best)::INTEGER AS best
             FROM read_parquet($PARQUET)`),
      );
      expect(counts.getRowObjectsJson()).toEqual([
        { rows: 16529, explained: 16528, with_records: 13, best: 16528 },
      ]);
      // Neuron 1/1's statistics, as its records file gives them.
      const one = await connection.runAndReadAll(
        sql(`SELECT explanation, mean, top_records, random_records, quantile_records, max_activation
             FROM read_parquet($PARQUET) WHERE layer = 1 AND neuron = 1`),
      );
      expect(one.getRowObjectsJson()).toEqual([
        {
          explanation: null,
          mean: -0.0499,
          top_records: 50,
          random_records: 50,
          quantile_records: 100,
          max_activation: 3.2617,
        },
      ]);
      const metadata = await connection.runAndReadAll(
        sql(`SELECT decode(value) AS value FROM parquet_kv_metadata($PARQUET)
             WHERE decode(key) = 'neuron-explorer.export'`),
      );
      const summary = JSON.parse(String(metadata.getRows()[0]?.[0])) as Record<string, unknown>;
      expect(summary).toMatchObject({
        format: 'neuron-explorer.export/1',
        neurons: 16529,
        failed: 0,
      });
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  }, 120_000);
});
