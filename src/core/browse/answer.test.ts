import { describe, expect, it } from 'vitest';
import { ViewBuilder, type ViewRequest } from './answer.ts';
import { layerIndex, type TestNeuron } from './fixtures.ts';
import { SearchableDataset } from './search.ts';
import { binEdges } from './stats.ts';
import { layerColumns, type NeuronTable } from './table.ts';
import { NO_FILTERS } from './view.ts';

const neurons: TestNeuron[] = [
  { layer: 0, neuron: 0, score: 0.5, explanation: 'the letter s' },
  { layer: 0, neuron: 1, score: 0.2, explanation: 'numbers and dates' },
  { layer: 1, neuron: 0, score: null, explanation: 'the word time' },
  { layer: 1, neuron: 1, score: 0.8, explanation: 'time of day' },
  { layer: 2, neuron: 0, score: -0.3, explanation: 'times and numbers', hasRecords: 1 },
  { layer: 2, neuron: 1, score: 0.6, explanation: 'python code' },
];

function dataset(layers: number[]): SearchableDataset {
  const data = new SearchableDataset([0, 1, 2].map((layer) => ({ layer, neurons: 2 })));
  for (const layer of layers) data.addLayer(layerColumns(layerIndex(layer, neurons)));
  return data;
}
const names = (table: NeuronTable, rows: Int32Array) =>
  Array.from(rows, (row) => `${table.layerOf[row]}:${table.neuronOf[row]}`);
const edges = binEdges(-1, 1, 0.5);
const request = (change: Partial<ViewRequest>): ViewRequest => ({
  query: '',
  filters: NO_FILTERS,
  sort: { key: 'score', descending: true },
  ...change,
});

describe('browse views worked out in one place', () => {
  it('lists every neuron by score without a search, and the matches by relevance with one', () => {
    const data = dataset([0, 1, 2]);
    const views = new ViewBuilder(data);
    const all = views.answer(request({}));
    expect(all.searching).toBe(false);
    expect(names(data.table, all.rows)).toEqual(['1:1', '2:1', '0:0', '0:1', '2:0', '1:0']);
    expect(all.layers).toBe(3);

    const time = views.answer(
      request({ query: 'time', sort: { key: 'relevance', descending: true } }),
    );
    expect(time.searching).toBe(true);
    // "time" is a whole word in two explanations and a prefix of "times" in one.
    expect(names(data.table, time.rows).sort()).toEqual(['1:0', '1:1', '2:0']);
    expect(names(data.table, time.rows).at(-1)).toBe('2:0');
  });

  it('filters and sorts the matches, each chart leaving out its own filter', () => {
    const data = dataset([0, 1, 2]);
    const views = new ViewBuilder(data);
    const numbers = request({
      query: 'numbers',
      filters: { layers: [2, 2], score: { low: 0, high: 1, highIncluded: true }, records: 'any' },
      sort: { key: 'layer', descending: false },
    });
    // 0:1 and 2:0 match; the layer filter leaves 2:0, whose score fails the score filter.
    expect(names(data.table, views.answer(numbers).rows)).toEqual([]);
    // The histogram ignores the score filter (2:0 at -0.3), the layer chart the layer filter (0:1).
    const charts = views.charts(numbers, edges);
    expect(charts.histogram.counts).toEqual([0, 1, 0, 0]);
    expect(charts.perLayer.map((layer) => layer.count)).toEqual([1, 0, 0]);
    // Without the search, every neuron passing the other filters counts (layer 2: -0.3, 0.6).
    const all = views.charts({ ...numbers, query: '' }, edges);
    expect(all.histogram.counts).toEqual([0, 1, 0, 1]);
    expect(all.perLayer.map((layer) => layer.count)).toEqual([2, 1, 1]);
  });

  it('answers over the layers loaded so far, and again once more have loaded', () => {
    const data = dataset([1]);
    const views = new ViewBuilder(data);
    const early = views.answer(request({ query: 'time' }));
    expect(names(data.table, early.rows)).toEqual(['1:1', '1:0']);
    expect(early.layers).toBe(1);
    data.addLayer(layerColumns(layerIndex(2, neurons)));
    const later = views.answer(request({ query: 'time' }));
    expect(names(data.table, later.rows)).toEqual(['1:1', '2:0', '1:0']);
    expect(views.charts(request({ query: 'time' }), edges).perLayer.map((l) => l.layer)).toEqual([
      1, 2,
    ]);
    expect(later.version).toBeGreaterThan(early.version);
  });

  it('gives each answer rows of its own', () => {
    const views = new ViewBuilder(dataset([0, 1, 2]));
    const first = views.answer(request({}));
    const second = views.answer(request({}));
    expect(second.rows).not.toBe(first.rows);
    expect(Array.from(second.rows)).toEqual(Array.from(first.rows));
  });
});
