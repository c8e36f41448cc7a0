import { describe, expect, it } from 'vitest';
import { browsePath, neuronPath, parseIndex, parseNeuronAddress } from './paths.ts';

describe('neuronPath', () => {
  it('writes the release form for the default dataset', () => {
    expect(neuronPath(null, { layer: 5, neuron: 131 })).toBe('/layers/5/neurons/131');
  });
  it('qualifies other datasets and keeps view state', () => {
    const search = new URLSearchParams({ view: 'overlay' });
    expect(neuronPath('demo set', { layer: 0, neuron: 1 }, search)).toBe(
      '/d/demo%20set/layers/0/neurons/1?view=overlay',
    );
  });
  it('browse paths', () => {
    expect(browsePath(null)).toBe('/');
    expect(browsePath('demo')).toBe('/d/demo');
  });
});

describe('parseIndex', () => {
  it('accepts plain non-negative integers only', () => {
    expect(parseIndex('0')).toBe(0);
    expect(parseIndex('6399')).toBe(6399);
    for (const bad of ['-1', '05', '1.0', 'x', '', undefined, '1e3'])
      expect(parseIndex(bad)).toBeNull();
  });
});

describe('parseNeuronAddress', () => {
  it.each([
    ['5:131', { layer: 5, neuron: 131 }],
    [' 5/131 ', { layer: 5, neuron: 131 }],
    ['5 : 131', { layer: 5, neuron: 131 }],
    ['https://x.org/#/layers/12/neurons/7', { layer: 12, neuron: 7 }],
    ['#/d/demo/layers/0/neurons/3?view=overlay', { layer: 0, neuron: 3 }],
  ])('reads %j', (text, expected) => {
    expect(parseNeuronAddress(text)).toEqual(expected);
  });
  it.each(['', 'movies', '5:', ':5', '5:131:2', 'a:b'])('rejects %j', (text) => {
    expect(parseNeuronAddress(text)).toBeNull();
  });
});
