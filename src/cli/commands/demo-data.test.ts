import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../tests/support/cli.ts';

describe('demo-data', () => {
  it('writes and ingests the demo dataset into the folder given', async () => {
    const root = await mkdtemp(join(tmpdir(), 'demo-cli-'));
    const out = join(root, 'demo');
    const modelOut = join(root, 'models/demo');
    const result = await cli(['demo-data', '--out', out, '--model-out', modelOut]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/demo: \d+ files \([\d.]+ MB\) generated in \d+ ms/);
    expect(result.stdout).toMatch(/Ingested demo: 4 layers, \d+ explained neurons/);
    expect(result.stdout).toContain(
      `The demo model (its records are this model's activations): ${modelOut}`,
    );
    expect((await readdir(modelOut)).sort()).toEqual([
      '.demo-model',
      'config.json',
      'model.safetensors',
    ]);

    // The model reproduces the records: activations verify reports no difference.
    const verify = await cli([
      'activations',
      'verify',
      '--data',
      out,
      '--model',
      modelOut,
      '--neurons',
      '0/3,2/13',
      '--json',
    ]);
    expect(verify.code).toBe(0);
    const report = JSON.parse(verify.stdout) as {
      note: string;
      neurons: { layer: number; neuron: number; records: number; maxDifference: number }[];
    };
    expect(report.note).toMatch(/GELU/);
    expect(report.neurons.map((n) => [n.layer, n.neuron, n.records])).toEqual([
      [0, 3, 20],
      [2, 13, 20],
    ]);
    for (const neuron of report.neurons) expect(neuron.maxDifference).toBeLessThan(1e-4);
  }, 120_000);

  it('refuses a folder holding other data, with a one-line error', async () => {
    const out = await mkdtemp(join(tmpdir(), 'demo-cli-'));
    await mkdir(join(out, 'explanations'));
    await writeFile(join(out, 'notes.txt'), 'mine');
    const result = await cli(['demo-data', '--out', out, '--model-out', join(out, 'm')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: ${out} is not empty and holds no demo dataset: choose an empty or new folder for the demo\n`,
    );
  });
});
