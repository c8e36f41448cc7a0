import { describe, expect, it } from 'vitest';
import { floatKey, radixOrder, radixSort, refineTies } from './radix.ts';
import { Random } from '../random/random.ts';

describe('floatKey', () => {
  it('orders keys as the numbers they stand for', () => {
    const values = [-Infinity, -1e9, -1, -0.5, -1e-9, 0, 1e-9, 0.25, 0.5, 1, 7e30, Infinity];
    const keys = values.map(floatKey);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThan(keys[i - 1]!);
  });
});

describe('radixOrder', () => {
  it('sorts rows by key, keeping equal keys in their given order', () => {
    const rows = Int32Array.of(10, 11, 12, 13, 14, 15);
    const keys = Uint32Array.of(5, 0xffffffff, 5, 0, 70000, 3);
    expect(Array.from(radixOrder(rows, keys))).toEqual([13, 15, 10, 12, 14, 11]);
  });

  it('agrees with a comparison sort on random keys', () => {
    const n = 5000;
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const random = new Random(0x5eed);
    const keys = Uint32Array.from({ length: n }, () => Math.floor(random.next() * 2 ** 32));
    const expected = Array.from(rows).sort((a, b) => keys[a]! - keys[b]! || a - b);
    expect(Array.from(radixOrder(rows, keys))).toEqual(expected);
  });

  it('handles no rows', () => {
    expect(radixOrder(new Int32Array(0), new Uint32Array(0))).toHaveLength(0);
  });
});

describe('refineTies', () => {
  it('orders values that float32 cannot tell apart, keeping exact ties in place', () => {
    const values = Float64Array.of(0.1 + 1e-12, 0.1, 0.1 + 1e-12, 0.1, 0.05);
    const rows = Int32Array.of(0, 1, 2, 3, 4);
    const keys = Uint32Array.from(values, floatKey);
    const sorted = radixSort(rows, keys);
    expect(Array.from(sorted.rows)).toEqual([4, 0, 1, 2, 3]);
    refineTies(sorted.rows, sorted.keys, values);
    expect(Array.from(sorted.rows)).toEqual([4, 1, 3, 0, 2]);
    const down = radixSort(
      rows,
      Uint32Array.from(keys, (key) => ~key >>> 0),
    );
    refineTies(down.rows, down.keys, values, true);
    expect(Array.from(down.rows)).toEqual([0, 2, 1, 3, 4]);
  });
});
