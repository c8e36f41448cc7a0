import { mkdtemp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IngestReport } from '../core/dataset/types.ts';
import { parseDatasetList, parseLayerIndex, parseManifest } from '../core/dataset/parse.ts';
import { ensureDemoDataset, NotADemoFolderError, writeDemoFiles } from './demo.ts';

describe('ensureDemoDataset', () => {
  it('writes and ingests the demo on first start, and leaves it alone after', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-test-'));
    const first = await ensureDemoDataset(dataDir);
    expect(first).toEqual({ created: true, path: join(dataDir, 'demo') });

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
    expect(await ensureDemoDataset(dataDir)).toEqual({ created: false, path: first.path });
    expect((await stat(join(first.path, 'manifest.json'))).mtimeMs).toBe(written);
  }, 120_000);
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
