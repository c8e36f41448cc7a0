import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browseColumns, csvChunks, csvField, jsonChunks, type ViewColumn } from './export.ts';

const PYTHON = '/usr/bin/python3';
const tricky = [
  'plain',
  'a, comma',
  'say "hi"',
  'two\nlines',
  'crlf\r\nend',
  ' leading space',
  '',
  'ünïcödé ✓',
  '"',
  'trailing,',
];

describe('csvField', () => {
  it('quotes only what needs it, doubles quotes, writes null as empty', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, comma')).toBe('"a, comma"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(NaN)).toBe('');
    expect(csvField(true)).toBe('1');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

const columns: ViewColumn[] = [
  { name: 'row', value: (row) => row },
  { name: 'text', value: (row) => tricky[row % tricky.length]! },
  { name: 'score', value: (row) => (row % 3 === 0 ? null : row / 7) },
];

describe('csvChunks', () => {
  it.skipIf(!existsSync(PYTHON))(
    "is read back by Python's csv module, every field equal, rows in the view's order",
    () => {
      const rows = Int32Array.from([9, 3, 0, 1, 2, 4, 5, 6, 7, 8, 10, 11]);
      const csv = [...csvChunks(columns, rows, 5)].join('');
      const script =
        'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))';
      const read = JSON.parse(
        execFileSync(PYTHON, ['-c', script], { input: csv }).toString(),
      ) as string[][];
      expect(read[0]).toEqual(['row', 'text', 'score']);
      expect(read.length).toBe(rows.length + 1);
      [...rows].forEach((row, i) => {
        const [r, text, score] = read[i + 1]!;
        expect(Number(r)).toBe(row);
        expect(text).toBe(tricky[row % tricky.length]);
        expect(score).toBe(row % 3 === 0 ? '' : String(row / 7));
        if (score !== '') expect(Number(score)).toBe(row / 7);
      });
    },
  );
});

describe('jsonChunks', () => {
  it('is a JSON array of objects by column name, null for no value', () => {
    const rows = Int32Array.from([2, 0, 1, 3]);
    const json = JSON.parse([...jsonChunks(columns, rows, 3)].join('')) as unknown[];
    expect(json).toEqual([
      { row: 2, text: tricky[2], score: 2 / 7 },
      { row: 0, text: 'plain', score: null },
      { row: 1, text: 'a, comma', score: 1 / 7 },
      { row: 3, text: 'two\nlines', score: null },
    ]);
    expect(JSON.parse([...jsonChunks(columns, new Int32Array(0))].join(''))).toEqual([]);
  });
});

describe('browseColumns', () => {
  it("names the columns as `cli export` does and reads the table's rows", () => {
    const table = {
      layerOf: [5, 5],
      neuronOf: [0, 1],
      score: [0.25, NaN],
      maxActivation: [3, NaN],
      hasRecords: [1, 0],
      explanationOf: (row: number) => (row === 0 ? 'cats, "dogs"' : null),
    };
    const csv = [...csvChunks(browseColumns(table), [1, 0])].join('');
    expect(csv).toBe(
      'layer,neuron,explanation,ev_correlation_score,max_activation,has_records\r\n' +
        '5,1,,,,0\r\n' +
        '5,0,"cats, ""dogs""",0.25,3,1\r\n',
    );
  });
});
