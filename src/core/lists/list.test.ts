import { describe, expect, it } from 'vitest';
import { parseNeuronList } from '../batch/selection.ts';
import {
  compactNeurons,
  ListError,
  listParams,
  parseCompactNeurons,
  parseListParams,
  parseNeuronsText,
  selectionFile,
} from './list.ts';

const neurons = [
  { layer: 6, neuron: 1 },
  { layer: 5, neuron: 142 },
  { layer: 5, neuron: 131 },
  { layer: 5, neuron: 140 },
  { layer: 5, neuron: 141 },
  { layer: 5, neuron: 131 },
];
const sorted = [
  { layer: 5, neuron: 131 },
  { layer: 5, neuron: 140 },
  { layer: 5, neuron: 141 },
  { layer: 5, neuron: 142 },
  { layer: 6, neuron: 1 },
];

describe('a list as a batch selection file', () => {
  it('is read back by the batch parser: the same neurons, name and notes as comments', () => {
    const file = selectionFile({
      name: 'Cats',
      notes: 'first line\n\n5/1 is not a neuron here',
      neurons: sorted,
    });
    expect(file).toBe(
      '# Cats\n# first line\n# 5/1 is not a neuron here\n5/131\n5/140\n5/141\n5/142\n6/1\n',
    );
    expect(parseNeuronList(file, 'list.txt')).toEqual(sorted);
  });

  it('reads neurons typed by hand in the same forms, and says which line is wrong', () => {
    expect(parseNeuronsText('6:1\n5/142 # a comment\n\n5,131\n5 140\n5/141\n5/131')).toEqual(
      sorted,
    );
    expect(() => parseNeuronsText('5/131\nfive/3')).toThrow(/Line 2: .*"five\/3"/);
    expect(() => parseNeuronsText('5/131\nfive/3')).toThrow(ListError);
  });
});

describe('the compact form', () => {
  it('writes ranges per layer and reads them back', () => {
    expect(compactNeurons(neurons)).toBe('5:131,140-142;6:1');
    expect(parseCompactNeurons('5:131,140-142;6:1')).toEqual(sorted);
    expect(parseCompactNeurons('')).toEqual([]);
  });

  it('rejects what does not parse, and more neurons than the limit', () => {
    expect(() => parseCompactNeurons('5:131;x')).toThrow(/“x” is not a layer/);
    expect(() => parseCompactNeurons('5:9-3')).toThrow(/range 9-3 in layer 5 is empty/);
    expect(() => parseCompactNeurons('5:0-99', 50)).toThrow(/more than 50 neurons/);
  });

  it('is a link that gives the list back', () => {
    const list = { name: 'Cats & dogs', notes: 'why: "see"', neurons: sorted, dataset: 'gpt2-xl' };
    const params = new URLSearchParams(listParams(list));
    expect(parseListParams(new URLSearchParams(params.toString()))).toEqual(list);
    expect(() => parseListParams(new URLSearchParams('name=x'))).toThrow(/names no neurons/);
  });
});
