import { describe, expect, it } from 'vitest';
import { layerIndex, tableOf, type TestNeuron } from './fixtures.ts';
import { explanationKey, layerColumns, NeuronTable, packedText, packTexts } from './table.ts';

const neurons: TestNeuron[] = [
  { layer: 0, neuron: 0, score: 0.5, explanation: ' dates', maxActivation: 3, hasRecords: 1 },
  { layer: 0, neuron: 2, score: null, explanation: null, maxActivation: 1, hasRecords: 1 },
  { layer: 1, neuron: 1, score: -0.1, explanation: '"Quoted" words' },
  { layer: 1, neuron: 3, score: 0.5, explanation: 'apples' },
  { layer: 2, neuron: 0, score: 0.9, explanation: 'Bananas' },
];

const names = (table: NeuronTable, rows: Int32Array) =>
  Array.from(rows, (row) => `${table.layerOf[row]}:${table.neuronOf[row]}`);

describe('NeuronTable', () => {
  const table = tableOf(neurons, 3, 4);

  it('numbers rows by layer then neuron and lists only indexed neurons', () => {
    expect(table.size).toBe(12);
    expect(table.rowOf(1, 3)).toBe(7);
    expect(table.rowOf(1, 4)).toBe(-1);
    expect(table.rowOf(9, 0)).toBe(-1);
    expect(table.listedCount).toBe(5);
    expect(table.listed[table.rowOf(0, 1)]).toBe(0);
    expect(table.explanation[table.rowOf(2, 0)]).toBe('Bananas');
    expect(Number.isNaN(table.score[table.rowOf(0, 2)]!)).toBe(true);
  });

  it('orders by score with ties in row order and unscored rows apart', () => {
    const order = table.order('score');
    expect(order.valued).toBe(4);
    expect(names(table, order.rows)).toEqual(['1:1', '0:0', '1:3', '2:0', '0:2']);
  });

  it('orders by neuron, then layer', () => {
    expect(names(table, table.order('neuron').rows)).toEqual(['0:0', '2:0', '1:1', '0:2', '1:3']);
    expect(names(table, table.order('neuron', true).rows)).toEqual([
      '1:3',
      '0:2',
      '1:1',
      '0:0',
      '2:0',
    ]);
  });

  it('orders either way with equal values in row order and missing values last', () => {
    expect(names(table, table.order('score', true).rows)).toEqual([
      '2:0',
      '0:0',
      '1:3',
      '1:1',
      '0:2',
    ]);
    expect(names(table, table.order('layer', true).rows)).toEqual([
      '2:0',
      '1:1',
      '1:3',
      '0:0',
      '0:2',
    ]);
    expect(names(table, table.order('maxActivation', true).rows)).toEqual([
      '0:0',
      '0:2',
      '1:1',
      '1:3',
      '2:0',
    ]);
    const explanation = table.order('explanation', true);
    expect(names(table, explanation.rows)).toEqual(['1:1', '0:0', '2:0', '1:3', '0:2']);
  });

  it('orders by max activation, neurons without one last', () => {
    const order = table.order('maxActivation');
    expect(order.valued).toBe(2);
    expect(names(table, order.rows)).toEqual(['0:2', '0:0', '1:1', '1:3', '2:0']);
  });

  it('orders explanations ignoring case and leading spaces and quotes', () => {
    const order = table.order('explanation');
    expect(names(table, order.rows.subarray(0, order.valued))).toEqual([
      '1:3',
      '2:0',
      '0:0',
      '1:1',
    ]);
    expect(explanationKey(' "Quoted" words')).toBe('quoted" words');
    expect(explanationKey('\u200bwords with a zero-width space')).toBe(
      'words with a zero-width space',
    );
  });

  it('gives the same descending order whether or not the ascending one was computed first', () => {
    for (const column of ['layer', 'neuron', 'score', 'maxActivation'] as const) {
      const direct = tableOf(neurons, 3, 4);
      const derived = tableOf(neurons, 3, 4);
      derived.order(column);
      expect(names(derived, derived.order(column, true).rows)).toEqual(
        names(direct, direct.order(column, true).rows),
      );
    }
  });

  it('brings orders up to date as layers load, as a full sort would order them', () => {
    const random = (() => {
      let seed = 7;
      return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    })();
    const many: TestNeuron[] = [];
    for (let layer = 0; layer < 6; layer++) {
      for (let neuron = 0; neuron < 50; neuron++) {
        if (random() < 0.2) continue;
        const r = random();
        many.push({
          layer,
          neuron,
          score: r < 0.1 ? null : Math.round(random() * 20) / 10 - 1,
          explanation: 'x',
          maxActivation: r > 0.9 ? null : random() * 5,
        });
      }
    }
    const growing = new NeuronTable(
      Array.from({ length: 6 }, (_, layer) => ({ layer, neurons: 50 })),
    );
    const columns = ['layer', 'neuron', 'score', 'maxActivation'] as const;
    for (const layer of [3, 0, 5, 1, 4, 2]) {
      growing.addLayer(layerColumns(layerIndex(layer, many)));
      for (const column of columns) growing.order(column, layer % 2 === 0);
    }
    const full = tableOf(many, 6, 50);
    for (const column of columns) {
      for (const descending of [false, true]) {
        expect(
          names(growing, growing.order(column, descending).rows),
          `${column} ${descending}`,
        ).toEqual(names(full, full.order(column, descending).rows));
        expect(growing.order(column, descending).valued).toBe(
          full.order(column, descending).valued,
        );
      }
    }
  });

  it('takes an order computed elsewhere when it covers every listed row', () => {
    const other = tableOf(neurons, 3, 4);
    const full = tableOf(neurons, 3, 4).order('explanation');
    const extra = Int32Array.from([...full.rows.subarray(0, 2), 11, ...full.rows.subarray(2)]);
    expect(other.provideOrder('explanation', { rows: extra, valued: full.valued + 1 })).toBe(true);
    expect(other.hasOrder('explanation')).toBe(true);
    expect(names(other, other.order('explanation').rows)).toEqual(names(table, full.rows));
    expect(other.order('explanation').valued).toBe(full.valued);
    const fresh = tableOf(neurons, 3, 4);
    expect(fresh.provideOrder('explanation', { rows: full.rows.subarray(1), valued: 3 })).toBe(
      false,
    );
    expect(fresh.hasOrder('explanation')).toBe(false);
  });

  it('recomputes orders after a layer loads', () => {
    const growing = new NeuronTable([
      { layer: 0, neurons: 2 },
      { layer: 1, neurons: 2 },
    ]);
    growing.addLayer(
      layerColumns(layerIndex(1, [{ layer: 1, neuron: 0, score: 0.2, explanation: 'b' }])),
    );
    expect(names(growing, growing.order('score').rows)).toEqual(['1:0']);
    growing.addLayer(
      layerColumns(layerIndex(0, [{ layer: 0, neuron: 1, score: 0.1, explanation: 'a' }])),
    );
    expect(names(growing, growing.order('score').rows)).toEqual(['0:1', '1:0']);
    expect([...growing.loadedLayers].sort()).toEqual([0, 1]);
  });

  it('rejects a layer index that does not fit the dataset', () => {
    const small = new NeuronTable([{ layer: 0, neurons: 2 }]);
    expect(() =>
      small.addLayer(
        layerColumns(layerIndex(0, [{ layer: 0, neuron: 5, score: 1, explanation: 'x' }])),
      ),
    ).toThrow(/Layer 0 lists neuron 5; the layer has 2/);
    expect(() => small.addLayer(layerColumns(layerIndex(3, [])))).toThrow(/no layer 3/);
    const broken = { ...layerIndex(0, []), scores: [1] };
    expect(() => layerColumns(broken, 'index/layer-0.json')).toThrow(
      /index\/layer-0.json: scores has 1 entries for 0 neurons/,
    );
  });
});

describe('packed texts', () => {
  it('keep each text and each null through a round trip', () => {
    const texts = ['', ' dates', null, 'a', null, '“quoted”'];
    const packed = packTexts(texts);
    expect(texts.map((_, i) => packedText(packed, i))).toEqual(texts);
  });

  it('give a table the same explanations as unpacked texts', () => {
    const layer = layerColumns(layerIndex(1, neurons));
    const plain = new NeuronTable([{ layer: 1, neurons: 4 }]);
    plain.addLayer(layer);
    const packed = new NeuronTable([{ layer: 1, neurons: 4 }]);
    packed.addLayer({ ...layer, explanations: packTexts(layer.explanations) });
    for (let row = 0; row < 4; row++) {
      expect(packed.explanationOf(row)).toBe(plain.explanationOf(row));
    }
    expect(packed.explanationOf(packed.rowOf(1, 1))).toBe('"Quoted" words');
    expect(packed.order('explanation').rows).toEqual(plain.order('explanation').rows);
  });

  it('say which rows have an explanation, packed or not', () => {
    const layer = layerColumns(layerIndex(0, neurons));
    const plain = new NeuronTable([{ layer: 0, neurons: 3 }]);
    plain.addLayer(layer);
    const packed = new NeuronTable([{ layer: 0, neurons: 3 }]);
    packed.addLayer({ ...layer, explanations: packTexts(layer.explanations) });
    for (const table of [plain, packed]) {
      // 0:0 explained, 0:1 not listed, 0:2 listed without an explanation.
      expect([0, 1, 2].map((row) => table.hasExplanation(row))).toEqual([true, false, false]);
    }
  });
});
