import { describe, expect, it } from 'vitest';
import { tableOf, type TestNeuron } from './fixtures.ts';
import { binEdges, binRange, layerScores, quantileSorted, scoreHistogram } from './stats.ts';
import { filterMask, NO_FILTERS } from './view.ts';

const neurons: TestNeuron[] = [
  ...[0.1, 0.2, 0.3, 0.4, 0.5].map((score, neuron) => ({
    layer: 0,
    neuron,
    score,
    explanation: 'x',
  })),
  { layer: 1, neuron: 0, score: -0.25, explanation: 'y' },
  { layer: 1, neuron: 1, score: null, explanation: 'z' },
  { layer: 1, neuron: 2, score: 1, explanation: 'w' },
];
const table = tableOf(neurons, 3, 5);

describe('overview statistics', () => {
  it('interpolates quantiles between closest ranks', () => {
    const values = Float64Array.of(1, 2, 3, 4);
    expect(quantileSorted(values, 0)).toBe(1);
    expect(quantileSorted(values, 0.5)).toBe(2.5);
    expect(quantileSorted(values, 1)).toBe(4);
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });

  it('makes equal-width bins without float drift', () => {
    expect(binEdges(-0.2, 0.2, 0.1)).toEqual([-0.2, -0.1, 0, 0.1, 0.2]);
  });

  it('counts the selection per bin, the top edge in the last bin', () => {
    const selection = { mask: filterMask(table, NO_FILTERS), hits: null };
    const histogram = scoreHistogram(table, selection, binEdges(-0.5, 1, 0.25));
    expect(histogram.counts).toEqual([0, 1, 2, 2, 1, 1]);
    expect(histogram.unscored).toBe(1);
  });

  it('filters a bar to exactly the neurons the bar counts, scores on its edges included once', () => {
    // Two-decimal scores, as in the real data: many sit exactly on the 0.05 edges.
    const scores = Array.from({ length: 201 }, (_, i) => Math.round((i / 100 - 1) * 100) / 100);
    const many = tableOf(
      scores.map((score, neuron) => ({ layer: 0, neuron, score, explanation: 'x' })),
      1,
      scores.length,
    );
    const edges = binEdges(-1, 1, 0.05);
    const all = { mask: filterMask(many, NO_FILTERS), hits: null };
    const { counts } = scoreHistogram(many, all, edges);
    counts.forEach((count, i) => {
      const mask = filterMask(many, { ...NO_FILTERS, score: binRange(edges, i) });
      expect(
        mask.reduce((sum, v) => sum + v, 0),
        `bar ${i}`,
      ).toBe(count);
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(scores.length);
    // The bar "0.75 to 0.80" holds 0.75..0.79; 0.80 is the next bar's.
    const bar = edges.indexOf(0.75);
    expect(counts[bar]).toBe(5);
  });

  it('reads quantiles from fine bins to within 1/400 of the exact ones', () => {
    const random = (() => {
      let seed = 3;
      return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    })();
    const scores = Array.from({ length: 2000 }, () => Math.tanh(random() * 2 - 0.8));
    const big = tableOf(
      scores.map((score, neuron) => ({ layer: 0, neuron, score, explanation: 'x' })),
      1,
      2000,
    );
    const [stats] = layerScores(big, { mask: filterMask(big, NO_FILTERS), hits: null });
    const sorted = Float64Array.from(scores).sort();
    for (const [p, key] of [
      [0.1, 'p10'],
      [0.25, 'p25'],
      [0.5, 'p50'],
      [0.75, 'p75'],
      [0.9, 'p90'],
    ] as const) {
      expect(Math.abs(stats!.quantiles![key] - quantileSorted(sorted, p))).toBeLessThan(1 / 400);
    }
    expect(stats!.quantiles!.min).toBe(sorted[0]);
    expect(stats!.quantiles!.max).toBe(sorted[sorted.length - 1]);
  });

  it('summarises each loaded layer, honouring search hits', () => {
    const hits = Int32Array.from([0, 1, 2], (n) => table.rowOf(0, n));
    const stats = layerScores(table, { mask: filterMask(table, NO_FILTERS), hits });
    expect(stats.map((s) => s.count)).toEqual([3, 0, 0]);
    expect(stats[0]!.quantiles).toMatchObject({ min: 0.1, max: 0.3 });
    expect(stats[0]!.quantiles!.p50).toBeCloseTo(0.2, 2);
    expect(stats[1]!.quantiles).toBeNull();
    const all = layerScores(table, { mask: filterMask(table, NO_FILTERS), hits: null });
    expect(all[1]).toMatchObject({ count: 2, quantiles: { min: -0.25, max: 1 } });
  });

  it('counts many hits alike whether given as a list or also as a membership mask', () => {
    const hits = Int32Array.from([0, 2, 4, 5, 6, 7], (n) => n);
    const members = new Uint8Array(table.size);
    for (const row of hits) members[row] = 1;
    const mask = filterMask(table, {
      ...NO_FILTERS,
      records: 'any',
      score: { low: -1, high: 0.45, highIncluded: true },
    });
    const edges = binEdges(-0.5, 1, 0.25);
    expect(scoreHistogram(table, { mask, hits, members }, edges)).toEqual(
      scoreHistogram(table, { mask, hits }, edges),
    );
    expect(layerScores(table, { mask, hits, members })).toEqual(layerScores(table, { mask, hits }));
    // The mask leaves out 0:4 (0.5) and 1:2 (1).
    expect(scoreHistogram(table, { mask, hits, members }, edges).counts).toEqual([
      0, 1, 1, 1, 0, 0,
    ]);
  });
});
