import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../tests/support/cli.ts';
import type { IngestReport } from '../core/dataset/types.ts';

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
    // Writes and ingests 1,200 files: over 5 s on a loaded machine.
  }, 60_000);

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

describe('ingest of damaged data', () => {
  it('reports every damaged file, naming the file and the field, in its output and report', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cli-damaged-'));
    const source = join(work, 'source');
    const explanation = (neuron: number, text: string, score: number) =>
      JSON.stringify({
        neuron_id: { layer_index: 0, neuron_index: neuron },
        scored_explanations: [
          {
            explanation: text,
            scored_simulation: { scored_sequence_simulations: [], ev_correlation_score: score },
          },
        ],
      });
    mkdirSync(join(source, 'explanations/0'), { recursive: true });
    mkdirSync(join(source, 'collated-activations/0'), { recursive: true });
    writeFileSync(join(source, 'explanations/0/0.jsonl'), explanation(0, ' cats', 0.5));
    writeFileSync(join(source, 'explanations/0/1.jsonl'), explanation(1, ' dogs', 3));
    writeFileSync(join(source, 'explanations/0/2.jsonl'), explanation(2, 'x'.repeat(1 << 20), 0.2));
    writeFileSync(join(work, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    symlinkSync(join(work, 'passwd'), join(source, 'explanations/0/3.jsonl'));
    // A records file of 124 MB (sparse: no disk used).
    writeFileSync(join(source, 'collated-activations/0/0.json'), '');
    truncateSync(join(source, 'collated-activations/0/0.json'), 124 * 1024 * 1024);

    const out = join(work, 'data', 'damaged');
    const run = await cli(['ingest', '--source', source, '--out', out, '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Ingested damaged: 1 layers, 1 explained neurons \(0 with records\), 0 missing, 2 malformed, 2 unreadable;/,
    );
    const reportPath = join(out, 'ingest-report.json');
    expect(run.stderr).toBe(
      [
        'malformed: explanations/0/1.jsonl: scored_explanations[0].scored_simulation.ev_correlation_score: 3 is not a correlation (those lie in [-1, 1])',
        'malformed: explanations/0/2.jsonl: scored_explanations[0].explanation: 1,048,576 characters, more than the 1,000 an explanation may have',
        'unreadable: explanations/0/3.jsonl: a link to somewhere outside the source; not read',
        'unreadable: collated-activations/0/0.json: 124 MB, more than the 16 MB a per-neuron file may have',
        `All problems: ${reportPath}`,
        '',
      ].join('\n'),
    );
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as IngestReport;
    expect(report.problems.map((p) => `${p.kind}: ${p.message}`)).toEqual(
      run.stderr.split('\n').slice(0, 4),
    );
    // Nothing of the damaged files went into the index.
    const [indexFile] = readdirSync(join(out, 'index')).filter((name) => name.endsWith('.json'));
    const index = readFileSync(join(out, 'index', indexFile!), 'utf8');
    expect(JSON.parse(index)).toMatchObject({
      neurons: [0],
      explanations: [' cats'],
      scores: [0.5],
    });
  });
});
