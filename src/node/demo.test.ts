import { mkdtemp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IngestReport } from '../core/dataset/types.ts';
import { parseDatasetList, parseLayerIndex, parseManifest } from '../core/dataset/parse.ts';
import { parseNeuronRecord } from '../core/format/parse.ts';
import { checkNeuronRecords } from '../core/model/verify.ts';
import { ensureDemoDataset, NotADemoFolderError, writeDemoFiles } from './demo.ts';
import { openModelFolder } from './model/runner.ts';

describe('ensureDemoDataset', () => {
  it('writes and ingests the demo on first start, and leaves it alone after', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-test-'));
    const modelsDir = join(dataDir, '.models');
    const first = await ensureDemoDataset(dataDir, modelsDir);
    expect(first).toEqual({
      created: true,
      path: join(dataDir, 'demo'),
      modelPath: join(modelsDir, 'demo'),
    });

    const manifest = parseManifest(await readFile(join(first.path, 'manifest.json'), 'utf8'), {
      path: 'manifest.json',
    });
    expect(manifest).toMatchObject({
      id: 'demo',
      title: 'Synthetic demo (GPT-2 tokens)',
      model: 'demo',
      synthetic: true,
      source: '.',
    });
    expect(manifest.layers.map((l) => [l.layer, l.neurons])).toEqual([
      [0, 32],
      [1, 32],
      [2, 32],
      [3, 32],
    ]);
    expect(manifest.scoreSummary.count).toBeGreaterThan(100);
    const index = parseLayerIndex(
      await readFile(join(first.path, manifest.layers[1]!.index), 'utf8'),
      { path: manifest.layers[1]!.index },
    );
    expect(index.neurons).toContain(12);
    expect(index.explanations[index.neurons.indexOf(12)]).toBeNull();
    expect(index.hasRecords[index.neurons.indexOf(12)]).toBe(1);

    const report = JSON.parse(
      await readFile(join(first.path, 'ingest-report.json'), 'utf8'),
    ) as IngestReport;
    expect(report.problems).toContainEqual(
      expect.objectContaining({ path: 'explanations/1/5.jsonl', kind: 'malformed' }),
    );
    const list = parseDatasetList(await readFile(join(dataDir, 'index.json'), 'utf8'), {
      path: 'index.json',
    });
    expect(list.datasets).toContainEqual({
      id: 'demo',
      title: 'Synthetic demo (GPT-2 tokens)',
      model: 'demo',
      synthetic: true,
    });

    const written = (await stat(join(first.path, 'manifest.json'))).mtimeMs;
    expect(await ensureDemoDataset(dataDir, modelsDir)).toEqual({
      created: false,
      path: first.path,
      modelPath: first.modelPath,
    });
    expect((await stat(join(first.path, 'manifest.json'))).mtimeMs).toBe(written);

    // A demo from an older generator (its marker lacks the model version) is written again.
    await writeFile(join(first.path, '.demo-dataset'), 'Written by neuron-explorer demo-data\n');
    expect((await ensureDemoDataset(dataDir, modelsDir)).created).toBe(true);
  }, 180_000);

  it("writes the model whose activations the demo's records are", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-model-'));
    const { path, modelPath } = await ensureDemoDataset(dataDir, join(dataDir, 'models'));
    const runner = await openModelFolder(modelPath!, {
      expected: { layers: 4, neuronsPerLayer: 32, dataset: 'demo' },
      threads: 1,
    });
    try {
      expect(runner.session.info.fileDtypes).toEqual(['F32']);
      // Every fourth neuron of each layer, all its top records: the runner on ONNX Runtime
      // gives what the records hold (which are rounded to 4 decimals).
      for (let layer = 0; layer < 4; layer++) {
        for (let neuron = layer; neuron < 32; neuron += 4) {
          const file = join(path, `collated-activations/${layer}/${neuron}.json`);
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch {
            continue; // a planted gap
          }
          const record = parseNeuronRecord(text, { path: file });
          const check = await checkNeuronRecords(
            runner.session,
            { layer, neuron },
            record.most_positive_activation_records,
          );
          expect(check.skipped).toEqual([]);
          expect(check.records).toBe(20);
          expect(check.maxDifference!).toBeLessThan(1e-4);
        }
      }
    } finally {
      await runner.close();
    }
  }, 180_000);
});

describe('writeDemoFiles', () => {
  it('refuses a folder that holds something else, and touches nothing in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'not-demo-'));
    await mkdir(join(dir, 'explanations/0'), { recursive: true });
    await writeFile(join(dir, 'explanations/0/1.jsonl'), 'precious');
    await expect(
      writeDemoFiles(dir, [{ path: 'explanations/0/0.jsonl', text: '{}' }]),
    ).rejects.toThrow(NotADemoFolderError);
    expect(await readdir(join(dir, 'explanations/0'))).toEqual(['1.jsonl']);
  });

  it('replaces a previous demo', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'demo-files-')), 'demo');
    await writeDemoFiles(dir, [{ path: 'explanations/0/0.jsonl', text: 'old' }]);
    await writeDemoFiles(dir, [{ path: 'explanations/0/1.jsonl', text: 'new' }]);
    expect(await readdir(join(dir, 'explanations/0'))).toEqual(['1.jsonl']);
  });
});
