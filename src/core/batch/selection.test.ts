import { describe, expect, it } from 'vitest';
import { parseNeuronList, parseSelection, SelectionError } from './selection.ts';

describe('batch selections', () => {
  it('reads layers, score ranges, searches, files and all', () => {
    expect(parseSelection('all')).toEqual({ kind: 'all' });
    expect(parseSelection('0-5')).toEqual({ kind: 'layers', ranges: [[0, 5]] });
    expect(parseSelection('layers:3, 7,9-11')).toEqual({
      kind: 'layers',
      ranges: [
        [3, 3],
        [7, 7],
        [9, 11],
      ],
    });
    expect(parseSelection('score:0.2..0.5')).toEqual({ kind: 'score', min: 0.2, max: 0.5 });
    expect(parseSelection('score:..0.1')).toEqual({ kind: 'score', min: -Infinity, max: 0.1 });
    expect(parseSelection('score:0.8..')).toEqual({ kind: 'score', min: 0.8, max: Infinity });
    expect(parseSelection('search:related to time')).toEqual({
      kind: 'search',
      query: 'related to time',
    });
    expect(parseSelection('@picked.txt')).toEqual({ kind: 'file', path: 'picked.txt' });
    expect(parseSelection('file:lists/a.txt')).toEqual({ kind: 'file', path: 'lists/a.txt' });
  });

  it('names what is wrong with a selection', () => {
    expect(() => parseSelection('layers:5-3')).toThrow('the range 5-3 is empty');
    expect(() => parseSelection('score:0.5')).toThrow('expected a score range');
    expect(() => parseSelection('score:a..1')).toThrow('"a" is not a number');
    expect(() => parseSelection('score:0.9..0.1')).toThrow('the range is empty');
    expect(() => parseSelection('colour:red')).toThrow('unknown selection "colour"');
    expect(() => parseSelection('search:  ')).toThrow('give words to search for');
    expect(() => parseSelection('everything')).toThrow(SelectionError);
  });

  it('reads a file of neurons, skipping comments and repeats, and names a bad line', () => {
    const text = '# picked by hand\n5/131\n0:816\n\n 2, 7 # a comment\n5/131\n';
    expect(parseNeuronList(text, 'picked.txt')).toEqual([
      { layer: 0, neuron: 816 },
      { layer: 2, neuron: 7 },
      { layer: 5, neuron: 131 },
    ]);
    expect(() => parseNeuronList('1/2\nfive/3\n', 'picked.txt')).toThrow(
      'picked.txt:2: expected a neuron as layer/neuron (e.g. 5/131), not "five/3"',
    );
  });
});
