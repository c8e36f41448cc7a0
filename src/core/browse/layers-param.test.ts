import { describe, expect, it } from 'vitest';
import { layersParam, parseLayersParam } from './layers-param.ts';

describe('the layers= parameter', () => {
  it('reads one layer or an inclusive range, and writes them back the same', () => {
    expect(parseLayersParam('5')).toEqual([5, 5]);
    expect(parseLayersParam('3-10')).toEqual([3, 10]);
    expect(layersParam([5, 5])).toBe('5');
    expect(layersParam([3, 10])).toBe('3-10');
  });

  it('reads a missing, malformed or backward range as none', () => {
    for (const text of [null, '', 'x', '3-', '-3', '10-3', '1.5', '12345']) {
      expect(parseLayersParam(text), String(text)).toBeNull();
    }
  });
});
