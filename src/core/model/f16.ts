/**
 * IEEE half precision (F16) to and from single precision, on the bits: weights of large models
 * are kept as F16 (half the memory) and widened where they are used. No Float16Array in Node 20.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Every half's single-precision value: a 256 KB table, made on first use. */
let table: Float32Array | null = null;

function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa ? NaN : Infinity;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[h] = sign * value;
  }
  return table;
}

/** Widens `halves` into `out` (same length). */
export function f16ToF32(
  halves: Uint16Array,
  out: Float32Array = new Float32Array(halves.length),
): Float32Array {
  const t = halfTable();
  for (let i = 0; i < halves.length; i++) out[i] = t[halves[i]!]!;
  return out;
}

/** One float's half bits, rounded to nearest even (overflow to infinity, as numpy does). */
export function f32ToF16Bits(value: number): number {
  f32[0] = value;
  return halfFromBits(u32[0]!);
}

function halfFromBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (rest > halfway || (rest === halfway && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa moves into the exponent, which is the right rounding.
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** Narrows `floats` into `out` (same length), rounding to nearest even. */
export function f32ToF16(
  floats: Float32Array,
  out: Uint16Array = new Uint16Array(floats.length),
): Uint16Array {
  const bits = new Uint32Array(floats.buffer, floats.byteOffset, floats.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromBits(bits[i]!);
  return out;
}
