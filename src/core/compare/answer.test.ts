import { describe, expect, it } from 'vitest';
import { NeuronTable, layerColumns } from '../browse/table.ts';
import type { LayerIndex } from '../dataset/types.ts';
import { CompareBuilder } from './answer.ts';
import { comparisonColumns } from './export.ts';
import { DEFAULT_COMPARE_VIEW, NO_COMPARE_FILTERS } from './view.ts';

const SIZES = [
  { layer: 0, neurons: 3 },
  { layer: 1, neurons: 3 },
];

function addLayer(table: NeuronTable, layer: number, scores: (number | null)[], words: string) {
  const neurons = scores.map((_, n) => n);
  table.addLayer(
    layerColumns({
      layer,
      neurons,
      scores,
      explanations: neurons.map((n) => `${words} ${layer}:${n}`),
      maxActivations: neurons.map(() => 1),
      hasRecords: neurons.map(() => 0),
    } as unknown as LayerIndex),
  );
}

/** The view's neurons as "layer:neuron difference", read back through the page's tables. */
function shown(a: NeuronTable, b: NeuronTable, rows: { rowA: Int32Array; rowB: Int32Array }) {
  return [...rows.rowA].map((rowA, k) => {
    const rowB = rows.rowB[k]!;
    expect([b.layerOf[rowB], b.neuronOf[rowB]]).toEqual([a.layerOf[rowA], a.neuronOf[rowA]]);
    return `${a.layerOf[rowA]}:${a.neuronOf[rowA]} ${(b.score[rowB]! - a.score[rowA]!).toFixed(2)}`;
  });
}

describe('CompareBuilder (a comparison view worked out in the worker)', () => {
  it('names the view’s neurons as rows of both tables, and joins again as layers land', () => {
    const a = new NeuronTable(SIZES);
    const b = new NeuronTable(SIZES);
    addLayer(a, 0, [0.5, 0.2, 0.9], 'time');
    addLayer(b, 0, [0.1, 0.3, 0.9], 'numbers');
    const builder = new CompareBuilder(a, b);

    const first = builder.answer(DEFAULT_COMPARE_VIEW);
    // Largest loss first.
    expect(shown(a, b, first)).toEqual(['0:0 -0.40', '0:2 0.00', '0:1 0.10']);
    expect(first).toMatchObject({ both: 3, onlyA: 0, onlyB: 0, layersA: 1, layersB: 1 });
    expect(first.summary).toMatchObject({ compared: 3, better: 1, worse: 1, same: 1 });

    // A layer lands in each table: the next answer covers it (a 6-row join, not the old 3).
    addLayer(a, 1, [0.4, null, 0.1], 'time');
    addLayer(b, 1, [0.0, 0.5, 0.2], 'time');
    const second = builder.answer(DEFAULT_COMPARE_VIEW);
    expect(shown(a, b, second)).toEqual([
      '0:0 -0.40',
      '1:0 -0.40',
      '0:2 0.00',
      '0:1 0.10',
      '1:2 0.10',
      '1:1 NaN',
    ]);
    expect(second.layersA).toBe(2);

    // Words in either explanation: "numbers" is in B's layer 0 only.
    const words = builder.answer({
      ...DEFAULT_COMPARE_VIEW,
      filters: { ...NO_COMPARE_FILTERS, text: 'Numbers' },
    });
    expect(shown(a, b, words)).toEqual(['0:0 -0.40', '0:2 0.00', '0:1 0.10']);

    // Charts over the same view: 5 neurons with both scores, two layers.
    const charts = builder.charts(DEFAULT_COMPARE_VIEW);
    expect(charts.scatter.kind).toBe('points');
    if (charts.scatter.kind === 'points') expect(charts.scatter.layer.length).toBe(5);
    expect(charts.means.map((entry) => [entry.layer, entry.count])).toEqual([
      [0, 3],
      [1, 3],
    ]);

    // The export reads the view by place: the same neurons in the same order.
    const columns = comparisonColumns(second, a, b);
    const neuron = columns.find((column) => column.name === 'neuron')!;
    const difference = columns.find((column) => column.name === 'difference')!;
    expect([0, 1, 5].map((k) => neuron.value(k))).toEqual([0, 0, 1]);
    expect(difference.value(0)).toBeCloseTo(-0.4, 12);
    expect(difference.value(5)).toBeNull();
  });
});
