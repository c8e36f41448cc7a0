/**
 * End to end on the real GPT-2 XL data: the CLI ingests the shared folder, and `top` agrees with a
 * scan of paper-explanations.csv that this test does on its own.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../core/dataset/parse.ts';
import { realDataDir } from '../../tests/real-data.ts';
import { cli } from '../../tests/support/cli.ts';

const real = realDataDir();

interface Row {
  layer: number;
  neuron: number;
  score: number;
  explanation: string;
}

/** The CSV's rows by a line-by-line reading (no explanation in it spans lines). */
function csvRows(path: string): Row[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  return lines.map((line) => {
    const match = /^(\d+),(\d+),("(?:[^"]|"")*"|[^",]*),(-?[\d.]+(?:e-?\d+)?)$/.exec(line);
    if (!match) throw new Error(`unexpected CSV line: ${line}`);
    const text = match[3] as string;
    return {
      layer: Number(match[1]),
      neuron: Number(match[2]),
      explanation: text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text,
      score: Number(match[4]),
    };
  });
}

function best(rows: Row[], n: number): Row[] {
  return [...rows]
    .sort((a, b) => b.score - a.score || a.layer - b.layer || a.neuron - b.neuron)
    .slice(0, n);
}

describe.skipIf(real === null)('the real GPT-2 XL data through the CLI', () => {
  it('ingests 16,528 explained neurons over 48 layers, and top agrees with the paper CSV', async () => {
    const root = real as string;
    const out = join(mkdtempSync(join(tmpdir(), 'real-ingest-')), 'gpt2-xl');
    const ingest = await cli(['ingest', '--source', root, '--out', out, '--no-progress']);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(
      /^Ingested gpt2-xl: 48 layers, 16,528 explained neurons \(13 with records\), 290,672 missing, 0 malformed, 0 unreadable;/,
    );
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), {
      path: 'manifest.json',
    });
    expect(manifest.model).toBe('gpt2-xl');
    expect(manifest.layers).toHaveLength(48);
    expect(manifest.layers.reduce((n, l) => n + l.explained, 0)).toBe(16528);
    expect(manifest.scoreSummary.count).toBe(16528);

    const rows = csvRows(join(root, 'paper-explanations.csv'));
    expect(rows).toHaveLength(16528);

    const top = await cli(['top', '--data', out, '-n', '25', '--json']);
    expect(top.code).toBe(0);
    expect(JSON.parse(top.stdout)).toEqual(best(rows, 25));

    const layer = await cli(['top', '--data', out, '--layer', '30', '-n', '10', '--json']);
    expect(JSON.parse(layer.stdout)).toEqual(
      best(
        rows.filter((r) => r.layer === 30),
        10,
      ),
    );

    const table = await cli(['top', '--data', out, '-n', '3']);
    const [first] = best(rows, 1);
    expect(table.stdout.split('\n')[1]).toContain(`${first?.neuron}  ${first?.score.toFixed(3)}`);
  }, 120_000);
});
