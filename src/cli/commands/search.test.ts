import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerIndex, type TestNeuron } from '../../core/browse/fixtures.ts';
import { writeLayerDataset } from '../../../tests/fixtures/layer-dataset.ts';
import { searchDataset } from './search.ts';

const neurons: TestNeuron[] = [
  { layer: 0, neuron: 0, score: 0.3, explanation: ' words related to time' },
  { layer: 0, neuron: 1, score: 0.9, explanation: ' time' },
  { layer: 1, neuron: 0, score: 0.95, explanation: ' timestamps in logs' },
  { layer: 1, neuron: 2, score: 0.5, explanation: ' time' },
  { layer: 1, neuron: 3, score: null, explanation: ' the word "time"' },
  { layer: 2, neuron: 1, score: 0.1, explanation: ' apples' },
];

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'search-cli-'));
  await writeLayerDataset(
    folder,
    [0, 1, 2].map((layer) => layerIndex(layer, neurons)),
    { id: 't', neuronsPerLayer: 4 },
  );
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const where = (matches: { layer: number; neuron: number }[]) =>
  matches.map((m) => `${m.layer}:${m.neuron}`);

describe('search command', () => {
  it('ranks whole words and short explanations first, then by score', async () => {
    const matches = await searchDataset('time', { data: folder, n: 20, sort: 'relevance' });
    expect(where(matches)).toEqual(['0:1', '1:2', '1:3', '0:0', '1:0']);
    expect(matches[0]).toEqual({ layer: 0, neuron: 1, score: 0.9, explanation: ' time' });
    expect(matches[2]!.score).toBeNull();
  });

  it('limits, filters by layer and minimum score, and sorts by score', async () => {
    expect(where(await searchDataset('time', { data: folder, n: 2, sort: 'relevance' }))).toEqual([
      '0:1',
      '1:2',
    ]);
    expect(
      where(await searchDataset('time', { data: folder, n: 20, sort: 'relevance', layer: 1 })),
    ).toEqual(['1:2', '1:3', '1:0']);
    expect(
      where(await searchDataset('time', { data: folder, n: 20, sort: 'score', minScore: 0.5 })),
    ).toEqual(['1:0', '0:1', '1:2']);
  });

  it('says what is wrong with a bad query, folder or layer', async () => {
    await expect(searchDataset(' ,, ', { data: folder, n: 20, sort: 'relevance' })).rejects.toThrow(
      /has no words/,
    );
    await expect(
      searchDataset('x', { data: join(folder, 'nope'), n: 20, sort: 'relevance' }),
    ).rejects.toThrow(/nope does not exist$/);
    await expect(
      searchDataset('x', { data: folder, n: 20, sort: 'relevance', layer: 7 }),
    ).rejects.toThrow(/has no layer 7/);
  });

  it('names the layer index file and the field at fault when one is broken', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'search-cli-broken-'));
    try {
      await writeLayerDataset(
        broken,
        [0, 1].map((layer) => layerIndex(layer, neurons)),
        { id: 't', neuronsPerLayer: 4 },
      );
      const manifest = JSON.parse(await readFile(join(broken, 'manifest.json'), 'utf8')) as {
        layers: { index: string }[];
      };
      const path = join(broken, manifest.layers[1]!.index);
      const index = JSON.parse(await readFile(path, 'utf8')) as { scores: unknown[] };
      index.scores[1] = 'high';
      await writeFile(path, JSON.stringify(index));
      await expect(
        searchDataset('time', { data: broken, n: 20, sort: 'relevance' }),
      ).rejects.toThrow(new RegExp(`${path.replaceAll('/', '\\/')}.*scores`));
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
