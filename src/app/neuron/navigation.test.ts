import { describe, expect, it } from 'vitest';
import { isTypingTarget, neighbours } from './navigation.ts';

const layers = [
  { layer: 0, neurons: 4 },
  { layer: 1, neurons: 4 },
  { layer: 2, neurons: 2 },
];

describe('neighbours', () => {
  it('moves within a layer', () => {
    expect(neighbours(layers, { layer: 1, neuron: 2 })).toEqual({
      previousNeuron: { layer: 1, neuron: 1 },
      nextNeuron: { layer: 1, neuron: 3 },
      previousLayer: { layer: 0, neuron: 2 },
      nextLayer: { layer: 2, neuron: 1 },
    });
  });
  it('runs on across layer ends and stops at the dataset’s ends', () => {
    expect(neighbours(layers, { layer: 1, neuron: 3 }).nextNeuron).toEqual({ layer: 2, neuron: 0 });
    expect(neighbours(layers, { layer: 1, neuron: 0 }).previousNeuron).toEqual({
      layer: 0,
      neuron: 3,
    });
    const first = neighbours(layers, { layer: 0, neuron: 0 });
    expect(first.previousNeuron).toBeNull();
    expect(first.previousLayer).toBeNull();
    const last = neighbours(layers, { layer: 2, neuron: 1 });
    expect(last.nextNeuron).toBeNull();
    expect(last.nextLayer).toBeNull();
  });
});

describe('isTypingTarget', () => {
  it('spots inputs and selects, not buttons or tokens', () => {
    const input = document.createElement('input');
    const select = document.createElement('select');
    const button = document.createElement('button');
    const span = document.createElement('span');
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(select)).toBe(true);
    expect(isTypingTarget(button)).toBe(false);
    expect(isTypingTarget(span)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
