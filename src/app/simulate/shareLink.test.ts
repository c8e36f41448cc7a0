import { describe, expect, it } from 'vitest';
import { carriedViewState } from '../neuron/viewState.ts';
import { recordLabel, splitTexts, fieldLabel } from './model.ts';
import { readSharedTest, shareUrl, writeSharedTest } from './shareLink.ts';

describe('the share link', () => {
  it('writes and reads the explanation and texts, keeping other params', () => {
    const params = writeSharedTest(new URLSearchParams('view=overlay'), {
      explanations: ['the word "cat" & dogs'],
      texts: ['A cat.', 'Two dogs?'],
      scorers: null,
    });
    expect(params.get('view')).toBe('overlay');
    expect(readSharedTest(new URLSearchParams(params.toString()))).toEqual({
      explanations: ['the word "cat" & dogs'],
      texts: ['A cat.', 'Two dogs?'],
      scorers: null,
    });
    expect(readSharedTest(writeSharedTest(params, null))).toBeNull();
    expect(readSharedTest(new URLSearchParams('test=cats'))).toEqual({
      explanations: ['cats'],
      texts: null,
      scorers: null,
    });
  });

  it('keeps the rounds of an improved explanation in order, and the scorers when not all', () => {
    const params = writeSharedTest(new URLSearchParams(), {
      explanations: ['cats', 'cats and kittens'],
      texts: null,
      scorers: ['fuzzing', 'simulation'],
    });
    expect(params.toString()).toBe('test=cats&test=cats+and+kittens&scorers=simulation%2Cfuzzing');
    expect(readSharedTest(params)).toEqual({
      explanations: ['cats', 'cats and kittens'],
      texts: null,
      scorers: ['simulation', 'fuzzing'],
    });
    // All three, or none known, is the default: not written, read as null.
    expect(
      readSharedTest(new URLSearchParams('test=x&scorers=fuzzing,detection,simulation'))!.scorers,
    ).toBeNull();
    expect(readSharedTest(new URLSearchParams('test=x&scorers=intruder'))!.scorers).toBeNull();
  });

  it('names the dataset and carries nothing but the test', () => {
    expect(
      shareUrl(
        { origin: 'https://example.org', pathname: '/explorer/' },
        'gpt2-xl',
        { layer: 0, neuron: 816 },
        { explanations: ['years'], texts: null, scorers: null },
      ),
    ).toBe('https://example.org/explorer/#/d/gpt2-xl/layers/0/neurons/816?test=years');
  });

  it('is not carried to another neuron', () => {
    const carried = carriedViewState(
      new URLSearchParams('view=overlay&test=cats&text=a&scorers=detection'),
    );
    expect(carried.toString()).toBe('view=overlay');
  });
});

describe('labels', () => {
  it('counts records and texts from 1', () => {
    expect(recordLabel({ kind: 'top', index: 2 })).toBe('Top-activating record 3');
    expect(recordLabel({ kind: 'random', index: 0 })).toBe('Random record 1');
    expect(recordLabel({ kind: 'text', index: 7 })).toBe('Text 8');
    expect(fieldLabel('texts.2')).toBe('text 3');
  });

  it('takes one text per non-blank line', () => {
    expect(splitTexts(' A cat.\n\n  \nTwo dogs. \n')).toEqual(['A cat.', 'Two dogs.']);
  });
});
