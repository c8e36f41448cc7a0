import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../tests/support/cli.ts';

describe('the command line', () => {
  it('generates a deterministic scale fixture, ingests it and ranks it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cli-test-'));
    const fixture = join(work, 'scale');
    const args = (folder: string) => [
      'fixture',
      'scale',
      '--out',
      folder,
      '--layers',
      '4',
      '--neurons',
      '400',
      '--seed',
      '7',
      '--explanations',
      join(work, 'absent.csv'),
    ];
    const made = await cli(args(fixture));
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(
      /^Wrote 1,600 explanation files \(4 x 400, seed 7, text generated\) to /,
    );
    const again = join(work, 'again');
    await cli(args(again));
    for (const path of ['explanations/0/0.jsonl', 'explanations/3/399.jsonl']) {
      expect(readFileSync(join(again, path), 'utf8')).toBe(
        readFileSync(join(fixture, path), 'utf8'),
      );
    }

    const out = join(work, 'data', 'scale');
    const ingest = await cli(['ingest', '--source', fixture, '--out', out, '--no-progress']);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/^Ingested scale: 4 layers, 1,600 explained neurons, 0 missing/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      layers: { scores: { mean: number; count: number } }[];
    };
    const means = manifest.layers.map((l) => l.scores.mean);
    expect(means[0]).toBeGreaterThan((means[3] ?? 0) + 0.15);

    const top = await cli(['top', '--data', out, '-n', '3', '--layer', '2', '--json']);
    const rows = JSON.parse(top.stdout) as { layer: number; score: number }[];
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.layer === 2)).toBe(true);
    expect(rows[0]?.score).toBeGreaterThanOrEqual(rows[2]?.score ?? 1);
  });

  it('reports bad arguments and missing datasets in one line', async () => {
    const missing = await cli(['top', '--data', '/nonexistent/folder']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error: /nonexistent/folder does not exist\n');
    const source = await cli(['ingest', '--source', '/nonexistent/folder', '--out', 'x']);
    expect(source.code).toBe(1);
    expect(source.stderr).toContain('/nonexistent/folder does not exist');
    expect(source.stderr).not.toContain('holds no layers');
    const range = await cli(['ingest', '--source', '.', '--out', 'x', '--layers', '9-3']);
    expect(range.code).toBe(1);
    expect(range.stderr).toContain(
      "option '--layers <range>' argument '9-3' is invalid. the range 9-3 is empty",
    );
  });

  it('points at the dataset folders inside a folder of datasets', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cli-data-'));
    for (const id of ['demo', 'gpt2-xl']) {
      mkdirSync(join(work, id));
      writeFileSync(join(work, id, 'manifest.json'), '{}');
    }
    mkdirSync(join(work, 'empty'));
    for (const command of [['top'], ['search', 'time']]) {
      const run = await cli([...command, '--data', work]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `Error: ${work} is a folder of datasets, not one dataset: give one of them, --data ${join(work, 'demo')} or --data ${join(work, 'gpt2-xl')}\n`,
      );
    }
    const empty = await cli(['top', '--data', join(work, 'empty')]);
    expect(empty.stderr).toContain('is not a dataset folder: it has no manifest.json');
  });

  it('names every sort key in search --help', async () => {
    const help = await cli(['search', '--help']);
    for (const key of ['relevance', 'score', 'layer', 'neuron', 'maxActivation', 'explanation']) {
      expect(help.stdout).toContain(`"${key}"`);
    }
  });
});
