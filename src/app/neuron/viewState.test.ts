import { describe, expect, it } from 'vitest';
import { carriedViewState, readViewState, writeViewState } from './viewState.ts';

describe('view state in the URL', () => {
  it('reads defaults from an empty query', () => {
    const state = readViewState(new URLSearchParams());
    expect(state.explanation).toBe(1);
    expect(state.view).toBeNull();
    expect([...state.expanded]).toEqual([]);
  });

  it('reads what a copied link holds and ignores junk', () => {
    const state = readViewState(
      new URLSearchParams('explanation=2&view=overlay&expand=random,top,nonsense'),
    );
    expect(state).toEqual({
      explanation: 2,
      view: 'overlay',
      expanded: new Set(['random', 'top']),
    });
    expect(readViewState(new URLSearchParams('explanation=-1&view=3d')).explanation).toBe(1);
    expect(readViewState(new URLSearchParams('explanation=0')).explanation).toBe(1);
    expect(readViewState(new URLSearchParams('view=3d')).view).toBeNull();
  });

  it('numbers the explanation as the page labels it: explanation=2 is "explanation 2"', () => {
    expect(writeViewState(new URLSearchParams(), { explanation: 2 }).toString()).toBe(
      'explanation=2',
    );
    expect(writeViewState(new URLSearchParams(), { explanation: 1 }).toString()).toBe('');
  });

  it('round-trips and leaves defaults and other params alone', () => {
    const written = writeViewState(new URLSearchParams('q=keep'), {
      explanation: 2,
      view: 'side-by-side',
      expanded: new Set(['random', 'q1', 'top']),
    });
    expect(written.toString()).toBe(
      'q=keep&explanation=2&view=side-by-side&expand=top%2Cq1%2Crandom',
    );
    expect(readViewState(written).expanded).toEqual(new Set(['top', 'q1', 'random']));
    const reset = writeViewState(written, { explanation: 1, expanded: new Set() });
    expect(reset.toString()).toBe('q=keep&view=side-by-side');
  });

  it('carries display choices, not the explanation, to the next neuron', () => {
    const carried = carriedViewState(new URLSearchParams('explanation=1&view=overlay&expand=top'));
    expect(carried.toString()).toBe('view=overlay&expand=top');
  });
});
