import { describe, expect, it } from 'vitest';
import { parseLayerIndex } from '../dataset/parse.ts';
import { LAYER_INDEX_FORMAT } from '../dataset/types.ts';
import { readLayerColumns } from './read.ts';
import { layerColumns } from './table.ts';

const index = {
  format: LAYER_INDEX_FORMAT,
  layer: 3,
  neurons: [0, 4, 9],
  scores: [0.5, null, -0.1],
  explanations: [' cats', null, ' dogs'],
  maxActivations: [null, 2.5, 1],
  hasRecords: [0, 1, 1],
};

const errorOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('readLayerColumns', () => {
  it('reads what the parser reads, as columns', () => {
    const text = JSON.stringify(index);
    expect(readLayerColumns(text, 'l3.json')).toEqual(
      layerColumns(parseLayerIndex(text, { path: 'l3.json' })),
    );
  });

  it.each([
    ['a wrong format', { ...index, format: 'other' }],
    ['neurons out of order', { ...index, neurons: [0, 9, 4] }],
    ['a negative neuron', { ...index, neurons: [-1, 4, 9] }],
    ['a column of the wrong length', { ...index, scores: [0.5, null] }],
    ['a score that is text', { ...index, scores: [0.5, '0.2', -0.1] }],
    ['an explanation that is a number', { ...index, explanations: [' cats', 7, ' dogs'] }],
    ['hasRecords other than 0 or 1', { ...index, hasRecords: [0, 2, 1] }],
    ['a missing column', { ...index, maxActivations: undefined }],
    ['a score outside [-1, 1]', { ...index, scores: [0.5, null, 3] }],
    [
      'an explanation past the limit',
      { ...index, explanations: [' cats', null, 'x'.repeat(5000)] },
    ],
    ['a layer past the last allowed', { ...index, layer: 70_000 }],
  ])('rejects %s with the parser’s error, naming file and field', (_, damaged) => {
    const text = JSON.stringify(damaged);
    const expected = errorOf(() => parseLayerIndex(text, { path: 'l3.json' }));
    expect(expected).toMatch(/^l3\.json: /);
    expect(errorOf(() => readLayerColumns(text, 'l3.json'))).toBe(expected);
  });

  it('rejects broken JSON with the parser’s error', () => {
    const text = JSON.stringify(index).slice(0, 40);
    const message = errorOf(() => readLayerColumns(text, 'l3.json'));
    expect(message).toMatch(/^l3\.json: /);
    expect(message).toBe(errorOf(() => parseLayerIndex(text, { path: 'l3.json' })));
  });
});
