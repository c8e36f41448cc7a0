import { describe, expect, it } from 'vitest';
import { DatasetFileError } from '../format/parse.ts';
import { parseDatasetList, parseLayerIndex, parseManifest } from './parse.ts';
import { LAYER_INDEX_FORMAT, MANIFEST_FORMAT } from './types.ts';

/** The message a user sees for a damaged file (and that it is a DatasetFileError). */
function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('files that ingest writes', () => {
  const index = {
    format: LAYER_INDEX_FORMAT,
    layer: 3,
    neurons: [0, 4, 9],
    scores: [0.5, null, -0.1],
    explanations: [' cats', null, ' dogs'],
    maxActivations: [null, 2.5, 1],
    hasRecords: [0, 1, 1],
  };

  it('reads a layer index and rejects a damaged one', () => {
    expect(parseLayerIndex(JSON.stringify(index), { path: 'index/layer-3.ab.json' })).toEqual(
      index,
    );
    expect(
      errorOf(() =>
        parseLayerIndex(JSON.stringify({ ...index, neurons: [0, 9, 4] }), { path: 'i.json' }),
      ),
    ).toBe('i.json: neurons[2]: neurons must be ascending, found 4 after 9');
    expect(
      errorOf(() =>
        parseLayerIndex(JSON.stringify({ ...index, scores: [0.5] }), { path: 'i.json' }),
      ),
    ).toBe('i.json: scores: 1 values for 3 neurons');
  });

  it('reads a manifest and rejects another format', () => {
    const manifest = {
      format: MANIFEST_FORMAT,
      id: 'gpt2-xl',
      title: 'GPT-2 XL',
      model: 'gpt2-xl',
      synthetic: false,
      source: '/data/mirror',
      createdAt: '2026-01-01T00:00:00.000Z',
      layers: [
        {
          layer: 0,
          neurons: 6400,
          explained: 3,
          withRecords: 0,
          scores: {
            count: 3,
            mean: 0.5,
            quantiles: { min: 0, p10: 0.1, p25: 0.2, p50: 0.5, p75: 0.7, p90: 0.8, max: 0.9 },
          },
          index: 'index/layer-0.0123abcd.json',
          indexBytes: 100,
          indexGzipBytes: 50,
        },
      ],
      scoreSummary: {
        count: 3,
        mean: 0.5,
        histogram: { edges: [0, 0.5, 1], counts: [1, 2] },
        quantiles: { min: 0, p10: 0.1, p25: 0.2, p50: 0.5, p75: 0.7, p90: 0.8, max: 0.9 },
      },
      fileKinds: ['explanations'],
      report: 'ingest-report.json',
    };
    expect(parseManifest(JSON.stringify(manifest), { path: 'm.json' })).toEqual(manifest);
    expect(
      errorOf(() =>
        parseManifest(JSON.stringify({ ...manifest, format: 'other/1' }), { path: 'm.json' }),
      ),
    ).toBe('m.json: format: expected "neuron-explorer.manifest/1", found "other/1"');
    const badIndex = {
      ...manifest,
      layers: [{ ...manifest.layers[0], index: '../../etc/passwd' }],
    };
    expect(errorOf(() => parseManifest(JSON.stringify(badIndex), { path: 'm.json' }))).toBe(
      'm.json: layers[0].index: "../../etc/passwd" is not a layer index file name',
    );
  });

  it('reads a dataset list and rejects a default that is not listed', () => {
    const list = {
      default: 'gpt2-xl',
      datasets: [{ id: 'gpt2-xl', title: 'GPT-2 XL', model: 'gpt2-xl', synthetic: false }],
    };
    expect(parseDatasetList(JSON.stringify(list), { path: 'index.json' })).toEqual(list);
    expect(
      errorOf(() =>
        parseDatasetList(JSON.stringify({ ...list, default: 'demo' }), { path: 'index.json' }),
      ),
    ).toBe('index.json: default: names demo, which is not in the list');
  });
});
