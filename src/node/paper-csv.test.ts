import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readPaperExplanations } from './paper-csv.ts';

describe('the paper CSV', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, and CRLF lines', () => {
    expect(parseCsv('a,"b, ""c""",d\r\n1,"x\ny",3\n')).toEqual([
      ['a', 'b, "c"', 'd'],
      ['1', 'x\ny', '3'],
    ]);
  });

  it('reads rows as explanations', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'csv-')), 'p.csv');
    writeFileSync(
      path,
      'layer,neuron,explanation,score\r\n0,2," the word ""no""",0.47\r\n3,9,x,\r\n',
    );
    expect(readPaperExplanations(path)).toEqual([
      { layer: 0, neuron: 2, explanation: ' the word "no"', score: 0.47 },
      { layer: 3, neuron: 9, explanation: 'x', score: null },
    ]);
  });
});
