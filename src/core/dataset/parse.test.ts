import { describe, expect, it } from 'vitest';
import { parseDatasetList, parseLayerIndex, parseManifest } from './parse.ts';
import { LAYER_INDEX_FORMAT, MANIFEST_FORMAT } from './types.ts';
import { fileErrorMessage } from '../../../tests/support/file-error.ts';

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
      fileErrorMessage(() =>
        parseLayerIndex(JSON.stringify({ ...index, neurons: [0, 9, 4] }), { path: 'i.json' }),
      ),
    ).toBe('i.json: neurons[2]: neurons must be ascending, found 4 after 9');
    expect(
      fileErrorMessage(() =>
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
      fileErrorMessage(() =>
        parseManifest(JSON.stringify({ ...manifest, format: 'other/1' }), { path: 'm.json' }),
      ),
    ).toBe('m.json: format: expected "neuron-explorer.manifest/1", found "other/1"');
    const layer = (n: number, overrides: object = {}) => ({
      ...manifest.layers[0],
      layer: n,
      index: `index/layer-${n}.0123abcd.json`,
      ...overrides,
    });
    const damaged = {
      ...manifest,
      layers: [
        layer(0, { index: '../../etc/passwd' }),
        layer(1),
        layer(2),
        layer(3, { scores: { ...manifest.layers[0]!.scores, mean: 7 } }),
        layer(2),
        layer(4),
      ],
    };
    // Each damaged entry fails its own layer; the others are read.
    const parsed = parseManifest(JSON.stringify(damaged), { path: 'm.json' });
    expect(parsed.layers.map((l) => l.layer)).toEqual([1, 4]);
    expect(parsed.layerProblems).toEqual([
      {
        layer: 0,
        message: 'm.json: layers[0].index: "../../etc/passwd" is not a layer index file name',
      },
      {
        layer: 2,
        message:
          'm.json: layers[4].layer: layer 2 is listed twice (also at layers[2]); neither entry is used',
      },
      {
        layer: 3,
        message: 'm.json: layers[3].scores.mean: 7 is not a score (scores lie in [-1, 1])',
      },
    ]);
    // A layer entry without a layer number cannot be put anywhere: the manifest fails.
    const unnamed = { ...manifest, layers: [layer(1), { ...layer(2), layer: 'two' }] };
    expect(fileErrorMessage(() => parseManifest(JSON.stringify(unnamed), { path: 'm.json' }))).toBe(
      'm.json: layers[1].layer: expected a non-negative integer, found the string "two"',
    );
    // A summary out of range is shown as good nowhere.
    const outOfRange = {
      ...manifest,
      scoreSummary: {
        ...manifest.scoreSummary,
        quantiles: { ...manifest.scoreSummary.quantiles, max: 12 },
      },
    };
    expect(
      fileErrorMessage(() => parseManifest(JSON.stringify(outOfRange), { path: 'm.json' })),
    ).toBe('m.json: scoreSummary.quantiles.max: 12 is not a score (scores lie in [-1, 1])');
  });

  it('rejects a manifest too large to be one, without parsing it', () => {
    const huge = `{"format":"${MANIFEST_FORMAT}","padding":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    expect(fileErrorMessage(() => parseManifest(huge, { path: 'big/manifest.json' }))).toBe(
      'big/manifest.json: 3.0 MB, more than the 2 MB a manifest may have',
    );
  });

  it('rejects a layer index with a score outside [-1, 1] or an explanation past the limit', () => {
    expect(
      fileErrorMessage(() =>
        parseLayerIndex(JSON.stringify({ ...index, scores: [0.5, null, 1.7] }), {
          path: 'i.json',
        }),
      ),
    ).toBe('i.json: scores[2]: 1.7 is not a score (scores lie in [-1, 1])');
    expect(
      fileErrorMessage(() =>
        parseLayerIndex(
          JSON.stringify({ ...index, explanations: [' cats', null, 'x'.repeat(1_000_001)] }),
          { path: 'i.json' },
        ),
      ),
    ).toBe(
      'i.json: explanations[2]: 1,000,001 characters, more than the 1,000 an explanation may have',
    );
    // A correlation of exactly 1 (or -1) with rounding is a score.
    expect(
      parseLayerIndex(JSON.stringify({ ...index, scores: [1.0000000000000002, null, -1] }), {
        path: 'i.json',
      }).scores,
    ).toEqual([1.0000000000000002, null, -1]);
  });

  it('reads a dataset list and rejects a default that is not listed', () => {
    const list = {
      default: 'gpt2-xl',
      datasets: [{ id: 'gpt2-xl', title: 'GPT-2 XL', model: 'gpt2-xl', synthetic: false }],
    };
    expect(parseDatasetList(JSON.stringify(list), { path: 'index.json' })).toEqual(list);
    expect(
      fileErrorMessage(() =>
        parseDatasetList(JSON.stringify({ ...list, default: 'demo' }), { path: 'index.json' }),
      ),
    ).toBe('index.json: default: names demo, which is not in the list');
  });
});
