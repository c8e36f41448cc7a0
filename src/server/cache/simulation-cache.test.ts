import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../../tests/support/datasets.ts';
import { cacheKey, SimulationCache } from './simulation-cache.ts';

describe('SimulationCache', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  it('keeps entries across reopening the file', async () => {
    const dir = await temporaryDirectory('ne-cache-');
    cleanups.push(dir.remove);
    const key = cacheKey(['demo', 0, 3, 'cats']);
    const first = new SimulationCache(dir.path);
    expect(first.get('results', key)).toBeUndefined();
    first.put('results', key, '{"x":1}');
    first.close();
    const second = new SimulationCache(dir.path);
    expect(second.get('results', key)).toBe('{"x":1}');
    expect(second.get('records', key)).toBeUndefined();
    second.close();
  });

  it('keys differ whenever any part differs', () => {
    const base = ['demo', 0, 3, 'cats', 'hash', 'openai', 'gpt'];
    const keys = new Set(
      base.map((_, i) => cacheKey(base.map((part, j) => (i === j ? `${String(part)}!` : part)))),
    );
    expect(keys.size).toBe(base.length);
    expect(cacheKey(base)).toBe(cacheKey([...base]));
  });

  it('drops the oldest entries beyond its limit', () => {
    const cache = new SimulationCache(':memory:', { maxEntries: 100 });
    for (let i = 0; i < 1000; i++) cache.put('records', `k${i}`, String(i));
    expect(cache.get('records', 'k0')).toBeUndefined();
    expect(cache.get('records', 'k999')).toBe('999');
    cache.close();
  });
});
