import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { NeuronRecord, NeuronSimulationResults } from '../format/types.ts';
import {
  bestExplanation,
  buildDatasetList,
  buildManifest,
  LayerIndexBuilder,
  maxActivation,
  scoreHistogram,
  scoreQuantiles,
  summarizeLayer,
} from './build.ts';
import { topNeurons } from './top.ts';
import type { DatasetManifest } from './types.ts';
import { realDataDir } from '../../../tests/real-data.ts';

function results(neuron: number, ...scored: [string, number | null][]): NeuronSimulationResults {
  return {
    neuron_id: { layer_index: 2, neuron_index: neuron },
    scored_explanations: scored.map(([explanation, score]) => ({
      explanation,
      scored_simulation: {
        scored_sequence_simulations: [],
        ev_correlation_score: score,
        rsquared_score: null,
        absolute_dev_explained_score: null,
      },
    })),
  };
}

function record(neuron: number, top: number[][], random: number[][] = []): NeuronRecord {
  const records = (lists: number[][]) =>
    lists.map((activations) => ({ tokens: activations.map(() => 't'), activations }));
  return {
    neuron_id: { layer_index: 2, neuron_index: neuron },
    most_positive_activation_records: records(top),
    random_sample: records(random),
    random_sample_by_quantile: null,
    quantile_boundaries: null,
    mean: null,
    variance: null,
    skewness: null,
    kurtosis: null,
  };
}

describe('a neuron in the layer index', () => {
  it('takes the highest-scoring explanation, with unscored ones last', () => {
    expect(
      bestExplanation(results(0, [' a', null], [' b', 0.2], [' c', 0.5], [' d', 0.1])),
    ).toEqual({ explanation: ' c', score: 0.5 });
    expect(bestExplanation(results(0, [' a', null], [' b', null]))).toEqual({
      explanation: ' a',
      score: null,
    });
    expect(bestExplanation(results(0))).toBeNull();
  });

  it('takes the largest activation over all records', () => {
    expect(maxActivation(record(0, [[0.5, 2.25], [1]], [[3.5, -1]]))).toBe(3.5);
    expect(maxActivation(record(0, [[-0.5, -0.25]]))).toBe(-0.25);
    expect(maxActivation(record(0, []))).toBeNull();
  });
});

describe('LayerIndexBuilder', () => {
  it('lists neurons ascending, column by column', () => {
    const builder = new LayerIndexBuilder(2);
    builder.addExplanation(9, results(9, [' nine', 0.9]));
    builder.addRecord(4, record(4, [[1.5, 0.5]]));
    builder.addExplanation(0, results(0, [' zero', null]));
    builder.addExplanation(4, results(4, [' four', -0.25]));
    const index = builder.build();
    expect(index).toEqual({
      format: 'neuron-explorer.layer-index/1',
      layer: 2,
      neurons: [0, 4, 9],
      scores: [null, -0.25, 0.9],
      explanations: [' zero', ' four', ' nine'],
      maxActivations: [null, 1.5, null],
      hasRecords: [0, 1, 0],
    });
    const summary = summarizeLayer(index, {
      neurons: 10,
      index: 'index/layer-2.abc.json',
      indexBytes: 1,
      indexGzipBytes: 1,
    });
    expect(summary.explained).toBe(3);
    expect(summary.withRecords).toBe(1);
    expect(summary.scores?.count).toBe(2);
    expect(summary.scores?.mean).toBeCloseTo(0.325);
  });
});

describe('score summaries', () => {
  it('computes quantiles by linear interpolation', () => {
    expect(scoreQuantiles([0.4, 0.1, 0.3, 0.2, 0.5])).toEqual({
      min: 0.1,
      p10: 0.14,
      p25: 0.2,
      p50: 0.3,
      p75: 0.4,
      p90: 0.46,
      max: 0.5,
    });
    expect(scoreQuantiles([])).toBeNull();
  });

  it('bins scores in fixed 0.05 bins over [-1, 1], the last bin closed', () => {
    const histogram = scoreHistogram([-1, -0.96, 0, 0.04999, 0.05, 0.999, 1]);
    expect(histogram.edges).toHaveLength(41);
    expect(histogram.edges[20]).toBe(0);
    expect(histogram.counts).toHaveLength(40);
    expect(histogram.counts[0]).toBe(2);
    expect(histogram.counts[20]).toBe(2);
    expect(histogram.counts[21]).toBe(1);
    expect(histogram.counts[39]).toBe(2);
    expect(histogram.counts.reduce((a, b) => a + b)).toBe(7);
  });
});

describe('the dataset list', () => {
  const manifest = (id: string, model: string, synthetic: boolean, explained: number) =>
    buildManifest(
      { id, title: id, model, synthetic, source: '.', createdAt: '', fileKinds: [] },
      [
        {
          layer: 0,
          neurons: 10,
          explained,
          withRecords: 0,
          scores: null,
          index: 'index/layer-0.a.json',
          indexBytes: 0,
          indexGzipBytes: 0,
        },
      ],
      [],
    ) satisfies DatasetManifest;

  it('defaults to the real GPT-2 XL dataset, listing real datasets first', () => {
    const list = buildDatasetList([
      manifest('demo', 'gpt2-xl', true, 900),
      manifest('small', 'gpt2-small', false, 3000),
      manifest('xl', 'gpt2-xl', false, 100),
    ]);
    expect(list.default).toBe('xl');
    expect(list.datasets.map((d) => d.id)).toEqual(['small', 'xl', 'demo']);
  });

  it('defaults to the demo when it is all there is', () => {
    expect(buildDatasetList([manifest('demo', 'gpt2-xl', true, 9)]).default).toBe('demo');
    expect(buildDatasetList([])).toEqual({ default: '', datasets: [] });
  });
});

describe('the size of a full layer index', () => {
  it('stays under 300 KB gzipped for 6,400 neurons with full-precision scores', () => {
    const dir = realDataDir();
    const texts = dir
      ? readFileSync(`${dir}/paper-explanations.csv`, 'utf8')
          .split(/\r?\n/)
          .slice(1, 6401)
          .map((line) => line.split(',').slice(2, -1).join(','))
      : Array.from({ length: 6400 }, (_, i) => ` words about topic ${i} and related phrases`);
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) as number;
    const builder = new LayerIndexBuilder(0);
    for (let neuron = 0; neuron < 6400; neuron += 1) {
      builder.addExplanation(
        neuron,
        results(neuron, [texts[neuron % texts.length] ?? '', random() * 1.2 - 0.2]),
      );
      builder.addRecord(neuron, record(neuron, [[random() * 10]]));
    }
    const gzipped = gzipSync(JSON.stringify(builder.build())).length;
    expect(gzipped).toBeLessThan(300_000);
  });
});

describe('topNeurons', () => {
  it('ranks explained neurons by score, ties by layer then neuron', () => {
    const a = new LayerIndexBuilder(1);
    a.addExplanation(5, results(5, [' x', 0.5]));
    a.addExplanation(2, results(2, [' y', 0.9]));
    a.addExplanation(3, results(3, [' z', null]));
    const b = new LayerIndexBuilder(0);
    b.addExplanation(7, results(7, [' w', 0.5]));
    expect(topNeurons([a.build(), b.build()], 3)).toEqual([
      { layer: 1, neuron: 2, score: 0.9, explanation: ' y' },
      { layer: 0, neuron: 7, score: 0.5, explanation: ' w' },
      { layer: 1, neuron: 5, score: 0.5, explanation: ' x' },
    ]);
  });
});
