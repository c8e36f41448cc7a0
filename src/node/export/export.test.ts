/**
 * `export` on a small published layout made here: several explanations per neuron, undefined
 * scores, records without explanations, a malformed file and an unreadable one (which fail their
 * neuron, not the export), a dataset folder with a manifest, a layer range, and an interrupted
 * export (no file left behind). Files are read back with DuckDB (Parquet, CSV) and SQLite.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../core/export/rows.ts';
import { cli } from '../../../tests/support/cli.ts';
import { exportDataset, reportPathFor } from './export.ts';

const root = mkdtempSync(join(tmpdir(), 'export-unit-'));
const source = join(root, 'source');

function write(path: string, text: string) {
  mkdirSync(dirname(join(source, path)), { recursive: true });
  writeFileSync(join(source, path), text);
}

function explanationFile(layer: number, neuron: number, items: [string, string][]): string {
  const scored = items.map(
    ([explanation, score]) =>
      `{"explanation": ${JSON.stringify(explanation)}, "scored_simulation": {"scored_sequence_simulations": [], "ev_correlation_score": ${score}, "rsquared_score": null, "absolute_dev_explained_score": 0.25}}`,
  );
  return `{"neuron_id": {"layer_index": ${layer}, "neuron_index": ${neuron}}, "scored_explanations": [${scored.join(', ')}]}\n`;
}

const record = {
  neuron_id: { layer_index: 1, neuron_index: 4 },
  most_positive_activation_records: [{ tokens: [' a', ' b'], activations: [0.5, 4.25] }],
  random_sample: [
    { tokens: [' c'], activations: [0.1] },
    { tokens: [' d'], activations: [-1] },
  ],
  random_sample_by_quantile: [[{ tokens: [' e'], activations: [5.5] }], []],
  quantile_boundaries: [null, 1, null],
  mean: 0.75,
  variance: 2,
  skewness: null,
  kurtosis: 3,
};

beforeAll(() => {
  write('explanations/0/0.jsonl', explanationFile(0, 0, [[' commas, "quoted"', '0.5']]));
  write(
    'explanations/0/2.jsonl',
    explanationFile(0, 2, [
      ['first\nwith a newline', 'NaN'],
      ['second', '0.75'],
      ['third', '0.75'],
    ]),
  );
  write('explanations/0/3.jsonl', '{"neuron_id": {"layer_index": 0, "neuron_index": 3}');
  mkdirSync(join(source, 'explanations/0/5.jsonl'), { recursive: true });
  write('explanations/1/4.jsonl', explanationFile(1, 4, [['only unscored', 'null']]));
  write('collated-activations/1/4.json', JSON.stringify(record));
  write(
    'collated-activations/1/9.json',
    JSON.stringify({ ...record, neuron_id: { layer_index: 1, neuron_index: 9 } }),
  );
  write('explanations/2/1.jsonl', explanationFile(2, 1, [['layer two', '-0.125']]));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function duck<T>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

const EXPECTED_ROWS = [
  { layer: 0, neuron: 0, rank: 0, best: true, text: ' commas, "quoted"', score: 0.5 },
  { layer: 0, neuron: 2, rank: 0, best: false, text: 'first\nwith a newline', score: null },
  { layer: 0, neuron: 2, rank: 1, best: true, text: 'second', score: 0.75 },
  { layer: 0, neuron: 2, rank: 2, best: false, text: 'third', score: 0.75 },
  { layer: 1, neuron: 4, rank: 0, best: true, text: 'only unscored', score: null },
  { layer: 1, neuron: 9, rank: null, best: null, text: null, score: null },
  { layer: 2, neuron: 1, rank: 0, best: true, text: 'layer two', score: -0.125 },
];

const ROWS_SQL = `SELECT layer, neuron, explanation_rank AS rank, is_best AS best,
  explanation AS text, ev_correlation_score AS score`;

describe('export', () => {
  it('writes Parquet with every explanation, and lists the neurons whose file is bad', async () => {
    const out = join(root, 'all.parquet');
    const result = await exportDataset({ data: source, format: 'parquet', out });
    expect(result.summary).toMatchObject({
      neurons: 5,
      explanations: 6,
      withRecords: 2,
      failed: 2,
      layers: [0, 1, 2],
    });
    expect(result.summary.problems).toEqual([
      {
        layer: 0,
        neuron: 3,
        path: 'explanations/0/3.jsonl',
        kind: 'malformed',
        message: expect.stringContaining('explanations/0/3.jsonl'),
      },
      {
        layer: 0,
        neuron: 5,
        path: 'explanations/0/5.jsonl',
        kind: 'unreadable',
        message: expect.stringContaining('not a regular file'),
      },
    ]);
    const report = JSON.parse(readFileSync(reportPathFor(out), 'utf8')) as { failed: number };
    expect(report.failed).toBe(2);
    expect(existsSync(`${out}.partial`)).toBe(false);

    const rows = await duck(`${ROWS_SQL} FROM read_parquet('${out}') ORDER BY layer, neuron, rank`);
    expect(rows).toEqual(EXPECTED_ROWS);
    const stats = await duck(
      `SELECT explanations, has_records, max_activation, mean, variance, skewness, kurtosis,
              top_records, random_records, quantile_records, quantile_boundaries,
              absolute_dev_explained_score, rsquared_score, scored_sequences
       FROM read_parquet('${out}') WHERE layer = 1 AND neuron = 4`,
    );
    expect(stats).toEqual([
      {
        explanations: 1,
        has_records: true,
        max_activation: 5.5,
        mean: 0.75,
        variance: 2,
        skewness: null,
        kurtosis: 3,
        top_records: 1,
        random_records: 2,
        quantile_records: 1,
        quantile_boundaries: '[null,1,null]',
        absolute_dev_explained_score: 0.25,
        rsquared_score: null,
        scored_sequences: 0,
      },
    ]);
  });

  it('writes CSV that a CSV reader reads back to the same rows (quotes, commas, newlines)', async () => {
    const out = join(root, 'all.csv');
    await exportDataset({ data: source, format: 'csv', out });
    const header = readFileSync(out, 'utf8').split('\n')[0];
    expect(header).toBe(EXPORT_COLUMNS.map((c) => c.name).join(','));
    const rows = await duck<Record<string, unknown>>(
      `SELECT layer, neuron, explanation_rank AS rank, is_best = 1 AS best, explanation AS text,
              ev_correlation_score AS score
       FROM read_csv('${out}', header = true, columns = {${EXPORT_COLUMNS.map(
         (c) =>
           `'${c.name}': '${c.type === 'text' ? 'VARCHAR' : c.type === 'real' ? 'DOUBLE' : 'INTEGER'}'`,
       ).join(', ')}}) ORDER BY layer, neuron, rank`,
    );
    expect(rows).toEqual(EXPECTED_ROWS);
  });

  it('writes SQLite tables, a flat view and the problems', async () => {
    const out = join(root, 'all.sqlite');
    await exportDataset({ data: source, format: 'sqlite', out });
    const db = new Database(out, { readonly: true });
    try {
      const rows = db
        .prepare(`${ROWS_SQL} FROM neuron_explanations ORDER BY layer, neuron, rank`)
        .all();
      expect(rows).toEqual(
        EXPECTED_ROWS.map((r) => ({ ...r, best: r.best === null ? null : Number(r.best) })),
      );
      expect(db.prepare('SELECT count(*) AS n FROM neurons').get()).toEqual({ n: 5 });
      expect(db.prepare('SELECT layer, neuron, kind FROM problems ORDER BY neuron').all()).toEqual([
        { layer: 0, neuron: 3, kind: 'malformed' },
        { layer: 0, neuron: 5, kind: 'unreadable' },
      ]);
      expect(db.prepare("SELECT value FROM dataset WHERE key = 'failed'").get()).toEqual({
        value: '2',
      });
    } finally {
      db.close();
    }
  });

  it('exports an ingested dataset folder through its manifest, and a range of layers', async () => {
    const data = join(root, 'data', 'small');
    const ingest = await cli(['ingest', '--source', source, '--out', data, '--no-progress']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const out = join(root, 'layers.parquet');
    const run = await cli([
      'export',
      '--data',
      data,
      '--format',
      'parquet',
      '--out',
      out,
      '--layers',
      '1-2',
      '--no-progress',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Exported small to');
    expect(run.stdout).toContain('3 neurons, 2 explanations, 2 with records, 0 left out');
    const rows = await duck(`${ROWS_SQL} FROM read_parquet('${out}') ORDER BY layer, neuron, rank`);
    expect(rows).toEqual(EXPECTED_ROWS.filter((r) => r.layer >= 1));
  });

  it('leaves no file behind when interrupted', async () => {
    const out = join(root, 'interrupted.sqlite');
    const controller = new AbortController();
    const run = exportDataset({
      data: source,
      format: 'sqlite',
      out,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.layersDone === 1) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('names what is wrong with its arguments', async () => {
    const run = await cli(['export', '--data', source, '--format', 'xlsx', '--out', 'x']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('expected one of sqlite, parquet, csv');
    const missing = await cli([
      'export',
      '--data',
      join(root, 'nowhere'),
      '--format',
      'csv',
      '--out',
      join(root, 'x.csv'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nowhere: no such folder');
  });

  it('documents every column, in order, in docs/export.md', () => {
    const docs = readFileSync(new URL('../../../docs/export.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(documented).toEqual(EXPORT_COLUMNS.map((c) => c.name));
  });
});
