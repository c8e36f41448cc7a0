import { describe, expect, it } from 'vitest';
import { layerIndex, tableOf } from '../../core/browse/fixtures.ts';
import { layerColumns, NeuronTable } from '../../core/browse/table.ts';
import { explainedNeurons, neuronEntry, pickWeighted, seekNeuron } from './lookup.ts';

// Layer 0 lists 1 (explained) and 3 (records only); layer 1 none; layer 2 lists 0 (both).
const table = tableOf(
  [
    { layer: 0, neuron: 1, score: 0.4, explanation: 'a' },
    { layer: 0, neuron: 3, score: null, explanation: null, hasRecords: 1, maxActivation: 2 },
    { layer: 2, neuron: 0, score: 0.9, explanation: 'b', hasRecords: 1 },
  ],
  3,
  4,
);

describe('neuron lookups in the table', () => {
  it('reads a neuron’s row', () => {
    expect(neuronEntry(table, { layer: 0, neuron: 3 })).toEqual({
      score: null,
      explanation: null,
      maxActivation: 2,
      hasRecords: true,
    });
    expect(neuronEntry(table, { layer: 0, neuron: 2 })).toBeNull();
    expect(explainedNeurons(table, 0)).toEqual([1]);
  });

  it('seeks the next and previous neuron of a kind across layers', () => {
    expect(seekNeuron(table, { layer: 0, neuron: 0 }, 1, 'explained')).toEqual({
      found: { layer: 0, neuron: 1 },
    });
    expect(seekNeuron(table, { layer: 0, neuron: 1 }, 1, 'explained')).toEqual({
      found: { layer: 2, neuron: 0 },
    });
    expect(seekNeuron(table, { layer: 2, neuron: 0 }, -1, 'records')).toEqual({
      found: { layer: 0, neuron: 3 },
    });
    expect(seekNeuron(table, { layer: 2, neuron: 0 }, 1, 'records')).toEqual({ found: null });
  });

  it('asks for a layer it has to look in, and passes over layers said to hold none', () => {
    const partial = new NeuronTable([0, 1, 2].map((layer) => ({ layer, neurons: 4 })));
    partial.addLayer(
      layerColumns(layerIndex(0, [{ layer: 0, neuron: 1, score: 0.4, explanation: 'a' }])),
    );
    expect(seekNeuron(partial, { layer: 0, neuron: 1 }, 1, 'explained')).toEqual({ needs: 1 });
    expect(
      seekNeuron(partial, { layer: 0, neuron: 1 }, 1, 'explained', (layer) => layer !== 1),
    ).toEqual({ needs: 2 });
  });
});

describe('pickWeighted', () => {
  const layers = [
    { layer: 0, explained: 1 },
    { layer: 1, explained: 0 },
    { layer: 2, explained: 3 },
  ];
  const weight = (entry: { explained: number }) => entry.explained;
  it('draws each item as often as its weight, never one of weight 0', () => {
    // The ticket falls in [0, 1) for layer 0 and [1, 4) for layer 2, of a total of 4.
    expect(pickWeighted(layers, weight, () => 0)?.layer).toBe(0);
    expect(pickWeighted(layers, weight, () => 0.24)?.layer).toBe(0);
    expect(pickWeighted(layers, weight, () => 0.25)?.layer).toBe(2);
    expect(pickWeighted(layers, weight, () => 0.999)?.layer).toBe(2);
  });
  it('draws nothing when every weight is 0', () => {
    expect(pickWeighted([layers[1]!], weight, () => 0.5)).toBeUndefined();
    expect(pickWeighted([], weight)).toBeUndefined();
  });
});
