import { describe, expect, it } from 'vitest';
import {
  maxOverText,
  neuronAlongText,
  neuronOfOrdinal,
  ordinalOf,
  tokenActivations,
  topOrdinals,
  type ActivationGrid,
} from './rank.ts';

/** 2 layers, 3 tokens, 4 neurons: value = layer * 100 + token * 10 + neuron, but for a few. */
function grid(): ActivationGrid {
  const layers = [0, 1].map((layer) =>
    Float32Array.from({ length: 12 }, (_, i) => layer * 100 + Math.floor(i / 4) * 10 + (i % 4)),
  );
  layers[0]![4 + 2] = 500; // layer 0, token 1, neuron 2
  layers[1]![0 + 3] = -5; // layer 1, token 0, neuron 3
  return { tokens: 3, neurons: 4, layers };
}

describe('activations over a text', () => {
  it("finds each neuron's largest activation and where", () => {
    const { max, at } = maxOverText(grid());
    expect(Array.from(max)).toEqual([20, 21, 500, 23, 120, 121, 122, 123]);
    expect(Array.from(at)).toEqual([2, 2, 1, 2, 2, 2, 2, 2]);
  });

  it("reads a token's neurons over all layers and a neuron along the text", () => {
    expect(Array.from(tokenActivations(grid(), 0))).toEqual([0, 1, 2, 3, 100, 101, 102, -5]);
    expect(neuronAlongText(grid(), 1, 3)).toEqual([-5, 113, 123]);
    expect(neuronAlongText(grid(), 2, 0)).toEqual([]);
    expect(neuronOfOrdinal(grid(), ordinalOf(grid(), 1, 2))).toEqual({ layer: 1, neuron: 2 });
  });

  it('ranks the neurons a filter lets through, ties by ordinal', () => {
    const values = Float32Array.from([5, 9, 9, 1, NaN, 7]);
    expect(Array.from(topOrdinals(values, null, 3))).toEqual([1, 2, 5]);
    expect(Array.from(topOrdinals(values, Uint8Array.from([1, 0, 1, 1, 1, 0]), 10))).toEqual([
      2, 0, 3,
    ]);
    expect(Array.from(topOrdinals(values, null, 2, false))).toEqual([3, 0]);
  });

  it('gives the same first K from the cut-off path as from a full sort', () => {
    const values = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 10);
    const full = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
    expect(Array.from(topOrdinals(values, null, 20))).toEqual(full.slice(0, 20));
  });
});
