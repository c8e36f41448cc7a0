import { describe, expect, it } from 'vitest';
import { tableOf, type TestNeuron } from './fixtures.ts';
import type { NeuronTable } from './table.ts';
import { filterMask, NO_FILTERS, rankHits, viewRows, type Filters } from './view.ts';

const neurons: TestNeuron[] = [
  { layer: 0, neuron: 0, score: 0.5, explanation: 'a', hasRecords: 1 },
  { layer: 0, neuron: 1, score: 0.2, explanation: 'b' },
  { layer: 1, neuron: 0, score: null, explanation: 'c', hasRecords: 1 },
  { layer: 1, neuron: 1, score: 0.8, explanation: 'd' },
  { layer: 2, neuron: 0, score: -0.3, explanation: 'e', hasRecords: 1 },
  { layer: 2, neuron: 1, score: 0.5, explanation: 'f' },
];
const table = tableOf(neurons, 3, 2);
const names = (t: NeuronTable, rows: Int32Array) =>
  Array.from(rows, (row) => `${t.layerOf[row]}:${t.neuronOf[row]}`);
const view = (
  filters: Filters,
  key: 'score' | 'layer' | 'relevance' = 'score',
  descending = true,
  ranked: Int32Array | null = null,
) => names(table, viewRows(table, filterMask(table, filters), { key, descending }, ranked));

describe('filters and views', () => {
  it('sorts by score either way with unscored rows last', () => {
    expect(view(NO_FILTERS)).toEqual(['1:1', '0:0', '2:1', '0:1', '2:0', '1:0']);
    expect(view(NO_FILTERS, 'score', false)).toEqual(['2:0', '0:1', '0:0', '2:1', '1:1', '1:0']);
  });

  it('filters by inclusive layer range', () => {
    expect(view({ ...NO_FILTERS, layers: [1, 2] }, 'layer', false)).toEqual([
      '1:0',
      '1:1',
      '2:0',
      '2:1',
    ]);
    expect(view({ ...NO_FILTERS, layers: [2, 1] }, 'layer', false)).toEqual([]);
  });

  it('filters by inclusive score range, leaving out unscored neurons', () => {
    expect(view({ ...NO_FILTERS, score: { low: 0.2, high: 0.5, highIncluded: true } })).toEqual([
      '0:0',
      '2:1',
      '0:1',
    ]);
  });

  it('filters by whether records exist', () => {
    expect(view({ ...NO_FILTERS, records: 'with' }, 'layer', false)).toEqual(['0:0', '1:0', '2:0']);
    expect(view({ ...NO_FILTERS, records: 'without' }, 'layer', false)).toEqual([
      '0:1',
      '1:1',
      '2:1',
    ]);
  });

  it('combines filters', () => {
    expect(
      view({ layers: [0, 1], score: { low: 0, high: 1, highIncluded: true }, records: 'with' }),
    ).toEqual(['0:0']);
  });

  it('can leave one filter out (for a chart of that dimension)', () => {
    const mask = filterMask(
      table,
      { layers: [0, 0], score: { low: 0.6, high: 1, highIncluded: true }, records: 'any' },
      { score: false },
    );
    expect(Array.from(mask)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('ranks hits by relevance, then higher score, then row, dropping unlisted rows', () => {
    const row = (l: number, n: number) => table.rowOf(l, n);
    const hits = {
      rows: Int32Array.of(row(0, 1), row(2, 1), row(0, 0), row(1, 0), row(1, 1), 999),
      relevance: Float32Array.of(1, 1, 1, 1, 2, 5),
    };
    const ranked = rankHits(table, hits);
    expect(names(table, ranked)).toEqual(['1:1', '0:0', '2:1', '0:1', '1:0']);
    expect(view(NO_FILTERS, 'relevance', true, ranked)).toEqual([
      '1:1',
      '0:0',
      '2:1',
      '0:1',
      '1:0',
    ]);
    expect(view({ ...NO_FILTERS, layers: [0, 0] }, 'relevance', true, ranked)).toEqual([
      '0:0',
      '0:1',
    ]);
    // Sorting search hits by a column keeps only the hits.
    expect(view(NO_FILTERS, 'score', false, ranked)).toEqual(['0:1', '0:0', '2:1', '1:1', '1:0']);
  });

  it('counts relevance within a step of the best as equal, so score decides', () => {
    const row = (l: number, n: number) => table.rowOf(l, n);
    const hits = {
      rows: Int32Array.of(row(0, 1), row(1, 1), row(0, 0)),
      relevance: Float32Array.of(10, 9.7, 5),
    };
    expect(names(table, rankHits(table, hits))).toEqual(['1:1', '0:1', '0:0']);
  });

  it('ranks many hits as it ranks few (one pass over the score order instead of a sort)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const many: TestNeuron[] = [];
    for (let layer = 0; layer < 4; layer++) {
      for (let neuron = 0; neuron < 50; neuron++) {
        // Rounded scores make ties; some neurons unscored, some not listed at all.
        if (random() < 0.1) continue;
        const score = random() < 0.1 ? null : Math.round(random() * 20) / 20;
        many.push({ layer, neuron, score, explanation: 'x' });
      }
    }
    const big = tableOf(many, 4, 50);
    const rows: number[] = [];
    const relevance: number[] = [];
    for (let row = 0; row < big.size + 3; row++) {
      if (random() < 0.4) continue;
      rows.push(row);
      relevance.push(Math.round(random() * 8) / 2);
    }
    const hits = { rows: Int32Array.from(rows), relevance: Float32Array.from(relevance) };
    const sorted = rankHits(big, hits, Infinity);
    expect(sorted.length).toBeGreaterThan(80);
    expect(Array.from(rankHits(big, hits, 0))).toEqual(Array.from(sorted));
    // Sorting the hits by comparing their scores (while the score order is not at hand) and
    // by their places in it agree.
    expect(big.hasPositions('score', true)).toBe(false);
    big.positions('score', true);
    expect(Array.from(rankHits(big, hits, Infinity))).toEqual(Array.from(sorted));
  });

  it('sorts by score when asked for relevance without a search', () => {
    expect(view(NO_FILTERS, 'relevance')).toEqual(view(NO_FILTERS, 'score'));
  });
});
