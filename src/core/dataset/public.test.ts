import { describe, expect, it } from 'vitest';
import { publicDatasetFileText, publicSource } from './public.ts';

describe('what clients are told of a source', () => {
  it('names a local folder "." and a URL without credentials', () => {
    expect(publicSource('/home/someone/private/gpt2-xl')).toBe('.');
    expect(publicSource('.')).toBe('.');
    expect(publicSource('C:\\data\\gpt2-xl')).toBe('.');
    expect(publicSource('https://openaipublic.blob.core.windows.net/neuron-explainer/data/')).toBe(
      'https://openaipublic.blob.core.windows.net/neuron-explainer/data/',
    );
    expect(publicSource('https://user:p@ss@mirror.example/data/?a=b@c')).toBe(
      'https://mirror.example/data/?a=b@c',
    );
    expect(publicSource('HTTP://token@mirror.example')).toBe('HTTP://mirror.example');
  });

  it('changes only the source of a file’s text', () => {
    const text = JSON.stringify({ id: 'x', source: '/srv/data', layers: [{ layer: 1 }] });
    expect(JSON.parse(publicDatasetFileText(text))).toEqual({
      id: 'x',
      source: '.',
      layers: [{ layer: 1 }],
    });
  });
});
