/**
 * Stable sorting of row numbers by 32-bit keys (LSD radix, three passes of 11 bits): a few
 * milliseconds for 307,200 rows, where a comparison sort takes over 100 ms.
 */

const float = new Float32Array(1);
const bits = new Uint32Array(float.buffer);

/**
 * A key whose unsigned order is the number's order (by its float32 value; ties within float32
 * precision are separated afterwards by `refineTies`).
 */
export function floatKey(value: number): number {
  float[0] = value;
  const b = bits[0]!;
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/** Rows ordered by ascending key; equal keys keep their order in `rows`. keys[i] belongs to rows[i]. */
export function radixOrder(rows: Int32Array, keys: Uint32Array): Int32Array {
  return radixSort(rows, keys).rows;
}

/** As radixOrder, also giving the keys in their sorted order. */
export function radixSort(
  rows: Int32Array,
  keys: Uint32Array,
): { rows: Int32Array; keys: Uint32Array } {
  const n = rows.length;
  let rowsIn = Int32Array.from(rows);
  let keysIn = Uint32Array.from(keys);
  let rowsOut = new Int32Array(n);
  let keysOut = new Uint32Array(n);
  const counts = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keysIn[i]! >>> shift) & 2047]!++;
    // Every key has the same digit here: this pass would not move anything.
    if (n === 0 || counts[(keysIn[0]! >>> shift) & 2047] === n) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(keysIn[i]! >>> shift) & 2047]!++;
      rowsOut[at] = rowsIn[i]!;
      keysOut[at] = keysIn[i]!;
    }
    [rowsIn, rowsOut] = [rowsOut, rowsIn];
    [keysIn, keysOut] = [keysOut, keysIn];
  }
  return { rows: rowsIn, keys: keysIn };
}

/**
 * Puts rows whose keys tie (equal float32 values) into exact order of `values[row]`, ascending or
 * descending: insertion sort within each run of equal keys (runs are short). Exact ties keep
 * their order. `keys` are the sorted keys that go with `order`.
 */
export function refineTies(
  order: Int32Array,
  keys: Uint32Array,
  values: Float64Array,
  descending = false,
): void {
  const n = order.length;
  let runStart = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && keys[i] === keys[runStart]) continue;
    for (let a = runStart + 1; a < i; a++) {
      const row = order[a]!;
      const value = values[row]!;
      let b = a - 1;
      while (
        b >= runStart &&
        (descending ? values[order[b]!]! < value : values[order[b]!]! > value)
      ) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = row;
    }
    runStart = i;
  }
}
