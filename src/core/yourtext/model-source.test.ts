import { describe, expect, it } from 'vitest';
import type { ServerModel } from '../api/models.ts';
import type { DatasetManifest } from '../dataset/types.ts';
import {
  expectedModel,
  formatBytes,
  formatDuration,
  normalizeBaseUrl,
  weightsChoices,
} from './model-source.ts';

const manifest = (model: string, layers: [number, number][]): DatasetManifest =>
  ({
    id: 'd',
    model,
    layers: layers.map(([layer, neurons]) => ({ layer, neurons })),
  }) as unknown as DatasetManifest;

const served: ServerModel = {
  id: 'gpt2-xl',
  layers: 48,
  heads: 25,
  embd: 1600,
  neuronsPerLayer: 6400,
  positions: 1024,
  vocab: 50257,
  bytes: 6_431_000_000,
  version: 'v1',
};

describe('which model a dataset needs', () => {
  it("is the published model's whole shape even when the dataset holds a few layers", () => {
    expect(expectedModel(manifest('gpt2-xl', [[5, 6400]]))).toEqual({
      model: 'gpt2-xl',
      dataset: 'd',
      layers: 48,
      neuronsPerLayer: 6400,
    });
  });

  it('is read from the manifest for a model of its own (the demo)', () => {
    const demo = manifest('demo', [
      [0, 32],
      [1, 32],
      [2, 32],
      [3, 32],
    ]);
    expect(expectedModel(demo)).toMatchObject({ layers: 4, neuronsPerLayer: 32 });
  });
});

describe('where the weights come from', () => {
  it("prefers the server's copy, then Hugging Face", () => {
    expect(weightsChoices('gpt2-xl', [served], null)).toEqual([
      { origin: 'server', base: 'models/gpt2-xl/', version: 'v1', bytes: 6_431_000_000 },
      {
        origin: 'public',
        base: 'https://huggingface.co/openai-community/gpt2-xl/resolve/main/',
        version: '',
        bytes: null,
      },
    ]);
  });

  it("uses the user's base URL in Hugging Face's place, and has none for an unpublished model", () => {
    expect(weightsChoices('gpt2-xl', null, 'https://mirror.example/gpt2-xl/')).toEqual([
      { origin: 'public', base: 'https://mirror.example/gpt2-xl/', version: '', bytes: null },
    ]);
    expect(weightsChoices('demo', [served], null)).toEqual([]);
  });

  it('takes only http(s) base URLs, always ending in a slash', () => {
    expect(normalizeBaseUrl(' https://mirror.example/m ')).toBe('https://mirror.example/m/');
    expect(normalizeBaseUrl('ftp://x/')).toBeNull();
    expect(normalizeBaseUrl('not a url')).toBeNull();
    expect(normalizeBaseUrl('https://x.example/m?download=1')).toBeNull();
    expect(normalizeBaseUrl('https://huggingface.co')).toBe('https://huggingface.co/');
  });
});

describe('sizes and times', () => {
  it('reads as people read downloads', () => {
    expect(formatBytes(548_105_171)).toBe('548 MB');
    expect(formatBytes(6_431_000_000)).toBe('6.4 GB');
    expect(formatBytes(12_345)).toBe('12.3 KB');
    expect(formatDuration(40.4)).toBe('40 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3780)).toBe('1 h 3 min');
  });
});
