import { describe, expect, it } from 'vitest';
import { NeuronTable, layerColumns } from '../browse/table.ts';
import type { LayerIndex } from '../dataset/types.ts';
import { joinTables } from './join.ts';
import { layerMeans, scatter, differenceSummary } from './stats.ts';
import {
  compareRows,
  compareViewParams,
  DEFAULT_COMPARE_VIEW,
  NO_COMPARE_FILTERS,
  parseCompareView,
  parseRange,
  type CompareView,
} from './view.ts';

function table(layers: { layer: number; size: number; scores: Record<number, number | null> }[]) {
  const t = new NeuronTable(layers.map(({ layer, size }) => ({ layer, neurons: size })));
  for (const { layer, scores } of layers) {
    const neurons = Object.keys(scores).map(Number);
    const index = {
      layer,
      neurons,
      scores: neurons.map((n) => scores[n] ?? null),
      explanations: neurons.map((n) => `layer ${layer} neuron ${n}`),
      maxActivations: neurons.map(() => 1),
      hasRecords: neurons.map(() => 1),
    } as unknown as LayerIndex;
    t.addLayer(layerColumns(index));
  }
  return t;
}

// A: layers 0 and 1 of 4 neurons; B: a batch over layer 1 only, and one neuron A lacks.
const a = table([
  { layer: 0, size: 4, scores: { 0: 0.5, 1: 0.2, 2: 0.9, 3: null } },
  { layer: 1, size: 4, scores: { 0: 0.1, 1: 0.6, 2: 0.3 } },
]);
const b = table([{ layer: 1, size: 4, scores: { 0: 0.4, 1: 0.3, 2: null, 3: 0.7 } }]);

describe('joinTables', () => {
  it('pairs neurons by address, with both scores and B − A', () => {
    const c = joinTables(a, b);
    expect(c.count).toBe(3);
    expect([...c.layer]).toEqual([1, 1, 1]);
    expect([...c.neuron]).toEqual([0, 1, 2]);
    expect([...c.scoreA]).toEqual([0.1, 0.6, 0.3]);
    expect(c.scoreB[0]).toBe(0.4);
    expect(Number.isNaN(c.scoreB[2])).toBe(true);
    expect(c.difference[0]).toBeCloseTo(0.3, 12);
    expect(c.difference[1]).toBeCloseTo(-0.3, 12);
    expect(Number.isNaN(c.difference[2])).toBe(true);
    // A's layer 0 (4 neurons) is not in B; B's 1:3 is not in A.
    expect(c.onlyA).toBe(4);
    expect(c.onlyB).toBe(1);
    expect(c.rowA[0]).toBe(a.rowOf(1, 0));
    expect(c.rowB[2]).toBe(b.rowOf(1, 2));
  });
});

describe('compareRows', () => {
  // Same layout on both sides, so every neuron pairs.
  const left = table([
    { layer: 2, size: 6, scores: { 0: 0.5, 1: 0.5, 2: 0.8, 3: 0.1, 4: 0.4, 5: null } },
  ]);
  const right = table([
    { layer: 2, size: 6, scores: { 0: 0.2, 1: 0.6, 2: 0.1, 3: 0.1, 4: 0.45, 5: 0.3 } },
  ]);
  const c = joinTables(left, right);
  const view = (change: Partial<CompareView>): CompareView => ({
    ...DEFAULT_COMPARE_VIEW,
    ...change,
  });
  const neurons = (rows: Int32Array) => [...rows].map((i) => c.neuron[i]);

  it('sorts by difference, largest loss first by default, no difference last', () => {
    expect(neurons(compareRows(c, DEFAULT_COMPARE_VIEW))).toEqual([2, 0, 3, 4, 1, 5]);
    expect(
      neurons(compareRows(c, view({ sort: { key: 'difference', descending: true } }))),
    ).toEqual([1, 4, 3, 0, 2, 5]);
  });

  it('sorts by either score, ties in address order, missing last both ways', () => {
    expect(neurons(compareRows(c, view({ sort: { key: 'score', descending: true } })))).toEqual([
      2, 0, 1, 4, 3, 5,
    ]);
    expect(neurons(compareRows(c, view({ sort: { key: 'score', descending: false } })))).toEqual([
      3, 4, 0, 1, 2, 5,
    ]);
    expect(neurons(compareRows(c, view({ sort: { key: 'vsscore', descending: true } })))).toEqual([
      1, 4, 5, 0, 2, 3,
    ]);
    expect(neurons(compareRows(c, view({ sort: { key: 'neuron', descending: true } })))).toEqual([
      5, 4, 3, 2, 1, 0,
    ]);
  });

  it('filters "where B is worse by 0.2" and by either score and by words', () => {
    const worse = view({ filters: { ...NO_COMPARE_FILTERS, difference: [null, -0.2] } });
    expect(neurons(compareRows(c, worse))).toEqual([2, 0]);
    const scoreB = view({ filters: { ...NO_COMPARE_FILTERS, scoreB: [0.3, null] } });
    expect(neurons(compareRows(c, scoreB))).toEqual([4, 1, 5]);
    const words = view({ filters: { ...NO_COMPARE_FILTERS, text: 'NEURON 3' } });
    const explanations = (i: number): [string, string] => [`neuron ${c.neuron[i]}`, 'other'];
    expect(neurons(compareRows(c, words, explanations))).toEqual([3]);
  });

  it('keeps exact order among values equal in float32', () => {
    const x = table([{ layer: 0, size: 3, scores: { 0: 0.5, 1: 0.5, 2: 0.5 } }]);
    const y = table([
      { layer: 0, size: 3, scores: { 0: 0.5 + 3e-9, 1: 0.5 + 1e-9, 2: 0.5 + 2e-9 } },
    ]);
    const cc = joinTables(x, y);
    expect([...compareRows(cc, view({ sort: { key: 'difference', descending: false } }))]).toEqual([
      1, 2, 0,
    ]);
  });
});

describe('the comparison in the URL', () => {
  it('reads ranges with open ends and rejects what does not parse', () => {
    expect(parseRange('..-0.2')).toEqual([null, -0.2]);
    expect(parseRange('0.5..')).toEqual([0.5, null]);
    expect(parseRange('0.1..0.3')).toEqual([0.1, 0.3]);
    expect(parseRange('0.3..0.1')).toBeNull();
    expect(parseRange('..')).toBeNull();
    expect(parseRange('x..1')).toBeNull();
  });

  it('round-trips a view, writing only what is not default', () => {
    const view: CompareView = {
      filters: {
        layers: [3, 10],
        scoreA: [0.2, null],
        scoreB: null,
        difference: [null, -0.2],
        text: 'cat',
      },
      sort: { key: 'score', descending: false },
    };
    const params = new URLSearchParams(compareViewParams('mine', view));
    expect(params.toString()).toBe(
      'vs=mine&q=cat&layers=3-10&score=0.2..&diff=..-0.2&sort=score&dir=asc',
    );
    expect(parseCompareView(params)).toEqual(view);
    expect(new URLSearchParams(compareViewParams('mine', DEFAULT_COMPARE_VIEW)).toString()).toBe(
      'vs=mine',
    );
    expect(parseCompareView(new URLSearchParams('vs=x&sort=bogus&dir=up'))).toEqual(
      DEFAULT_COMPARE_VIEW,
    );
  });
});

describe('comparison charts', () => {
  it('gives layer means, the difference summary, and points or a grid', () => {
    const c = joinTables(a, b);
    const all = Int32Array.from({ length: c.count }, (_, i) => i);
    const [means] = layerMeans(c, all);
    expect(means!.layer).toBe(1);
    expect(means!.count).toBe(3);
    expect(means!.meanA).toBeCloseTo((0.1 + 0.6 + 0.3) / 3, 12);
    expect(means!.meanB).toBeCloseTo((0.4 + 0.3) / 2, 12);
    expect([means!.better, means!.worse]).toEqual([1, 1]);
    expect(differenceSummary(c, all)).toMatchObject({ compared: 2, better: 1, worse: 1, same: 0 });
    const points = scatter(c, all, [0, 1]);
    expect(points.kind).toBe('points');
    if (points.kind !== 'points') return;
    // The entries with both scores, with their values.
    expect([...points.neuron]).toEqual([c.neuron[0], c.neuron[1]]);
    expect([...points.scoreA]).toEqual([c.scoreA[0], c.scoreA[1]]);
    expect([...points.scoreB]).toEqual([c.scoreB[0], c.scoreB[1]]);
    expect([...points.difference]).toEqual([c.difference[0], c.difference[1]]);
  });

  it('counts many points on a grid, each in its cell', () => {
    const size = 5000;
    const scores = Object.fromEntries(
      Array.from({ length: size }, (_, n) => [n, (n % 10) / 10 + 0.05]),
    );
    const big = table([{ layer: 0, size, scores }]);
    const c = joinTables(big, big);
    const all = Int32Array.from({ length: c.count }, (_, i) => i);
    const grid = scatter(c, all, [0, 1], 10);
    expect(grid.kind).toBe('grid');
    if (grid.kind !== 'grid') return;
    const total = grid.counts.reduce((sum, count) => sum + count, 0);
    expect(total).toBe(size);
    // Every point lies on the diagonal, mid-cell: 500 in each of the ten cells.
    for (let k = 0; k < 10; k++) expect(grid.counts[k * 10 + k]).toBe(500);
  });
});
