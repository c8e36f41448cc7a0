import { gunzipSync } from 'node:zlib';
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
    expect(first.get(key)).toBeUndefined();
    first.put(key, { x: 1 });
    first.close();
    const second = new SimulationCache(dir.path);
    expect(second.get(key)).toEqual({ x: 1 });
    expect(second.lookup(key)?.json).toBe('{"x":1}');
    expect(second.get(cacheKey(['demo', 0, 3, 'dogs']))).toBeUndefined();
    second.close();
  });

  it('gives a hit in its hit form, made from the value as stored, also after reopening', async () => {
    const dir = await temporaryDirectory('ne-cache-');
    cleanups.push(dir.remove);
    const hitForm = (value: unknown) => ({ ...(value as object), hit: true });
    const first = new SimulationCache(dir.path, { hitForm });
    first.put('k', { x: 1 }, '{"x":1}');
    expect(first.lookup('k')?.json).toBe('{"x":1,"hit":true}');
    expect(first.get('k')).toEqual({ x: 1, hit: true });
    first.close();
    const second = new SimulationCache(dir.path, { hitForm });
    expect(second.lookup('k')?.json).toBe('{"x":1,"hit":true}');
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

  it('keeps recently used results in memory within its budget', () => {
    const cache = new SimulationCache(':memory:', { memoryBytes: 16_000 });
    const value = (i: number) => ({ text: `${i}`.padEnd(1000, '.') });
    for (let i = 0; i < 20; i++) cache.put(`k${i}`, value(i));
    cache.flush();
    // All still there (the database has them), whether or not they are in memory.
    for (let i = 0; i < 20; i++) expect(cache.get(`k${i}`)).toEqual(value(i));
    cache.close();
  });

  it('gzips an entry once and keeps the bytes with it in memory', () => {
    const cache = new SimulationCache(':memory:');
    const value = { cached: true, values: Array.from({ length: 500 }, (_, i) => i) };
    const json = JSON.stringify(value);
    cache.put('k', value);
    const first = cache.lookup('k')!.gzipped();
    expect(gunzipSync(first).toString('utf8')).toBe(json);
    expect(cache.lookup('k')!.gzipped()).toBe(first);
    cache.close();
  });

  it('still answers from memory after it is closed (requests finishing at shutdown)', () => {
    const cache = new SimulationCache(':memory:');
    cache.put('k', { x: 1 });
    cache.close();
    expect(cache.get('k')).toEqual({ x: 1 });
    expect(cache.get('other')).toBeUndefined();
    expect(() => cache.put('late', {})).not.toThrow();
  });

  it('drops the oldest entries beyond its limit', () => {
    const cache = new SimulationCache(':memory:', { maxEntries: 100, memoryBytes: 0 });
    for (let i = 0; i < 1000; i++) {
      cache.put(`k${i}`, i);
      if (i % 100 === 99) cache.flush();
    }
    expect(cache.size()).toBe(100);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k999')).toBe(999);
    cache.close();
  });
});
