import { describe, expect, it } from 'vitest';
import {
  browsePath,
  datasetFileUrl,
  manifestUrl,
  neuronFileUrl,
  neuronPath,
  parseIndex,
  parseNeuronAddress,
  parseRouteHash,
  routeFromParams,
  textPath,
} from './address.ts';

describe('route paths', () => {
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
    expect(browsePath(null, new URLSearchParams({ q: 'time' }))).toBe('/?q=time');
  });
  it('reads back what it writes', () => {
    for (const dataset of [null, 'demo', 'a b/c']) {
      const path = neuronPath(dataset, { layer: 12, neuron: 6399 }, new URLSearchParams('x=1'));
      expect(parseRouteHash(`#${path}`)).toEqual({
        page: 'neuron',
        dataset,
        address: { layer: 12, neuron: 6399 },
        canonical: true,
      });
      expect(parseRouteHash(`#${browsePath(dataset)}`)).toEqual({ page: 'browse', dataset });
      expect(parseRouteHash(`#${textPath(dataset, new URLSearchParams('t=hi'))}`)).toEqual({
        page: 'text',
        dataset,
      });
    }
  });
  it('Your text paths', () => {
    expect(textPath(null)).toBe('/text');
    expect(textPath('demo', new URLSearchParams({ t: 'It was 7:30' }))).toBe(
      '/d/demo/text?t=It+was+7%3A30',
    );
  });
});

describe('parseRouteHash', () => {
  it('reads leading zeros as the decimal they write, and says the path is not canonical', () => {
    expect(parseRouteHash('#/layers/05/neurons/0131')).toEqual({
      page: 'neuron',
      dataset: null,
      address: { layer: 5, neuron: 131 },
      canonical: false,
    });
  });
  it('keeps a neuron route whose indexes are not numbers, without an address', () => {
    expect(parseRouteHash('#/layers/x/neurons/1')).toMatchObject({ page: 'neuron', address: null });
  });
  it('is null for paths that are no page', () => {
    for (const hash of ['#/nope', '#/layers/1', '#/d/demo/other', '#/layers/1/neurons/2/x'])
      expect(parseRouteHash(hash)).toBeNull();
  });
  it('treats an empty hash as the browse page', () => {
    expect(parseRouteHash('')).toEqual({ page: 'browse', dataset: null });
  });
});

describe('routeFromParams agrees with parseRouteHash', () => {
  it.each([
    ['05', '131'],
    ['5', '131'],
    ['x', '1'],
  ])('layer %s neuron %s', (layer, neuron) => {
    expect(routeFromParams({ layer, neuron })).toEqual(
      parseRouteHash(`#/layers/${layer}/neurons/${neuron}`),
    );
  });
  it('for the Your text patterns', () => {
    expect(routeFromParams({ dataset: 'demo' }, true)).toEqual(parseRouteHash('#/d/demo/text'));
    expect(routeFromParams({}, true)).toEqual(parseRouteHash('#/text?t=x'));
  });
});

describe('parseIndex', () => {
  it('accepts decimal digits, leading zeros meaning what they say', () => {
    expect(parseIndex('0')).toBe(0);
    expect(parseIndex('6399')).toBe(6399);
    expect(parseIndex('05')).toBe(5);
    expect(parseIndex('000')).toBe(0);
    for (const bad of ['-1', '1.0', 'x', '', undefined, '1e3', ' 1', '0x1'])
      expect(parseIndex(bad)).toBeNull();
  });
});

describe('parseNeuronAddress: every form a user may type', () => {
  it.each([
    ['5:131', { layer: 5, neuron: 131 }],
    [' 5/131 ', { layer: 5, neuron: 131 }],
    ['5 : 131', { layer: 5, neuron: 131 }],
    ['5_131', { layer: 5, neuron: 131 }],
    ['5 131', { layer: 5, neuron: 131 }],
    ['05:0131', { layer: 5, neuron: 131 }],
    ['layer 5 neuron 12', { layer: 5, neuron: 12 }],
    ['Layer 5, neuron 12', { layer: 5, neuron: 12 }],
    ['https://x.org/#/layers/12/neurons/7', { layer: 12, neuron: 7 }],
    ['#/d/demo/layers/0/neurons/3?view=overlay', { layer: 0, neuron: 3 }],
    ['https://example.org/neuron-viewer/index.html#/layers/5/neurons/12', { layer: 5, neuron: 12 }],
    ['explanations/5/131.jsonl', null],
  ])('reads %j', (text, expected) => {
    expect(parseNeuronAddress(text)).toEqual(expected);
  });
  it.each([
    '',
    'movies',
    '5',
    '5:',
    ':5',
    '5:131:2',
    'a:b',
    '5:12 words',
    '1.5',
    'players/1/neurons/2',
  ])('rejects %j', (text) => {
    expect(parseNeuronAddress(text)).toBeNull();
  });
});

describe('dataset file URLs', () => {
  it('are relative to the app, the dataset id escaped', () => {
    expect(manifestUrl('demo set')).toBe('datasets/demo%20set/manifest.json');
    expect(datasetFileUrl('gpt2-xl', 'index/layer-1.abc.json')).toBe(
      'datasets/gpt2-xl/index/layer-1.abc.json',
    );
    expect(neuronFileUrl('gpt2-xl', 'explanations', { layer: 5, neuron: 131 })).toBe(
      'datasets/gpt2-xl/explanations/5/131.jsonl',
    );
    expect(neuronFileUrl('gpt2-xl', 'collated-activations', { layer: 1, neuron: 1 })).toBe(
      'datasets/gpt2-xl/collated-activations/1/1.json',
    );
  });
});
