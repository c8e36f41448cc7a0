import { describe, expect, it } from 'vitest';
import { explainedNeurons, layerIndexEntry } from './layerIndex.ts';
import { layerIndexFixtures } from '../neuron/fixtures.ts';

describe('layer index lookups', () => {
  const index = layerIndexFixtures[0]!;
  it('finds a neuron’s row', () => {
    expect(layerIndexEntry(index, 3)).toEqual({
      neuron: 3,
      score: 0.81,
      explanation: ' the word "film"',
      maxActivation: null,
      hasRecords: false,
    });
    expect(layerIndexEntry(index, 4)?.hasRecords).toBe(true);
    expect(layerIndexEntry(index, 5)).toBeNull();
  });
  it('lists the explained neurons', () => {
    expect(explainedNeurons(index)).toEqual([3]);
  });
});
