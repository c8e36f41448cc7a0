import { describe, expect, it } from 'vitest';
import { effectiveSort, parseView, viewParams, type BrowseView } from './viewState.ts';

const parse = (text: string) => parseView(new URLSearchParams(text));

describe('browse view in the URL', () => {
  it('reads every part', () => {
    expect(
      parse('q=%22the+word%22&sort=layer&dir=desc&layers=3-10&score=-0.2..0.5&records=with'),
    ).toEqual({
      query: '"the word"',
      filters: {
        layers: [3, 10],
        score: { low: -0.2, high: 0.5, highIncluded: true },
        records: 'with',
      },
      sort: { key: 'layer', descending: true },
    });
  });

  it('falls back to defaults for what does not parse', () => {
    expect(parse('sort=size&layers=10-3&score=1..0&records=maybe')).toEqual({
      query: '',
      filters: { layers: null, score: null, records: 'any' },
      sort: null,
    });
    expect(parse('layers=x').filters.layers).toBeNull();
    expect(parse('score=0.5').filters.score).toBeNull();
  });

  it("writes a histogram bar's range with its upper edge left out, and reads it back", () => {
    const bar: BrowseView = {
      query: '',
      filters: {
        layers: null,
        score: { low: 0.75, high: 0.8, highIncluded: false },
        records: 'any',
      },
      sort: null,
    };
    const params = viewParams(bar);
    expect(params.get('score')).toBe('0.75..<0.8');
    expect(parseView(params)).toEqual(bar);
    expect(parse('score=0.8..<0.8').filters.score).toBeNull();
  });

  it('reads a single layer and each column default direction', () => {
    expect(parse('layers=7').filters.layers).toEqual([7, 7]);
    expect(parse('sort=score').sort).toEqual({ key: 'score', descending: true });
    expect(parse('sort=neuron').sort).toEqual({ key: 'neuron', descending: false });
  });

  it('writes only what differs from the defaults, and reads it back', () => {
    const view: BrowseView = {
      query: 'time',
      filters: {
        layers: [5, 5],
        score: { low: 0.1 + 0.2, high: 1, highIncluded: true },
        records: 'without',
      },
      sort: { key: 'explanation', descending: true },
    };
    const params = viewParams(view);
    expect(params.toString()).toBe(
      'q=time&sort=explanation&dir=desc&layers=5&score=0.3..1&records=without',
    );
    expect(parseView(params)).toEqual({
      ...view,
      filters: { ...view.filters, score: { low: 0.3, high: 1, highIncluded: true } },
    });
    expect(viewParams(parse('')).toString()).toBe('');
  });

  it('sorts by relevance while searching and by score otherwise, unless the URL says', () => {
    expect(effectiveSort(parse(''), false)).toEqual({ key: 'score', descending: true });
    expect(effectiveSort(parse('q=x'), true)).toEqual({ key: 'relevance', descending: true });
    expect(effectiveSort(parse('sort=relevance'), false)).toEqual({
      key: 'score',
      descending: true,
    });
    expect(effectiveSort(parse('q=x&sort=layer'), true)).toEqual({
      key: 'layer',
      descending: false,
    });
  });
});
