/**
 * 95% intervals of a score by the percentile bootstrap over records: draw the records again with
 * replacement (within each stratum, so that a resample keeps the design's mix of top-activating
 * and random records, or of firing and non-firing examples), score each resample, and take the
 * 2.5th and 97.5th percentiles. The draws come from a seeded mulberry32 generator, so an interval
 * is the same on every run and can be recomputed elsewhere (tests/fixtures/scoring has a Python
 * copy of the generator that checks ours).
 */
import { Random } from '../random/random.ts';

export const BOOTSTRAP_RESAMPLES = 1000;
export const INTERVAL_LEVEL = 0.95;

export interface BootstrapOptions {
  seed: number;
  /** Resamples drawn (default BOOTSTRAP_RESAMPLES). */
  resamples?: number;
  /** Central coverage of the interval (default INTERVAL_LEVEL). */
  level?: number;
}

export interface BootstrapResult {
  /** [low, high]; null when no stratum has 2 items, or under half the resamples have a score. */
  interval: [number, number] | null;
  resamples: number;
  /** Resamples whose statistic was defined (e.g. a correlation needs a side that varies). */
  defined: number;
}

/**
 * The resamples: for each one, for each stratum in order, as many draws (with replacement) from
 * that stratum as it has items. `visit` gets the drawn item indices of each resample in turn (the
 * same array, refilled).
 */
export function forEachResample(
  strata: readonly (readonly number[])[],
  options: { seed: number; resamples: number },
  visit: (indices: readonly number[]) => void,
): void {
  const random = new Random(options.seed);
  const size = strata.reduce((sum, stratum) => sum + stratum.length, 0);
  const indices = new Array<number>(size);
  for (let r = 0; r < options.resamples; r++) {
    let at = 0;
    for (const stratum of strata) {
      for (let i = 0; i < stratum.length; i++) indices[at++] = stratum[random.int(stratum.length)]!;
    }
    visit(indices);
  }
}

/** The q-quantile (0..1) of sorted values, interpolating linearly between neighbours (numpy's default). */
function quantileOfSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** The percentile bootstrap interval of `statistic` over items grouped in strata. */
export function bootstrapInterval(
  strata: readonly (readonly number[])[],
  statistic: (indices: readonly number[]) => number | null,
  options: BootstrapOptions,
): BootstrapResult {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? INTERVAL_LEVEL;
  // A stratum of one item is drawn the same every time; with no larger one nothing varies.
  if (!strata.some((stratum) => stratum.length >= 2)) {
    return { interval: null, resamples: 0, defined: 0 };
  }
  const values: number[] = [];
  forEachResample(strata, { seed: options.seed, resamples }, (indices) => {
    const value = statistic(indices);
    if (value !== null && Number.isFinite(value)) values.push(value);
  });
  if (values.length * 2 < resamples) return { interval: null, resamples, defined: values.length };
  values.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return {
    interval: [quantileOfSorted(values, tail), quantileOfSorted(values, 1 - tail)],
    resamples,
    defined: values.length,
  };
}

/**
 * A pooled Pearson correlation over any multiset of records, from per-record sums: a resample
 * costs one pass over its records rather than over their tokens. `real` and `simulated` hold one
 * list per record.
 */
export function pooledCorrelation(
  real: readonly (readonly number[])[],
  simulated: readonly (readonly number[])[],
): (indices: readonly number[]) => number | null {
  const sums = real.map((x, r) => {
    const y = simulated[r]!;
    if (x.length !== y.length) {
      throw new RangeError(`record ${r}: ${x.length} true activations but ${y.length} simulated`);
    }
    let sx = 0,
      sy = 0,
      sxx = 0,
      syy = 0,
      sxy = 0;
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const a = x[i]!;
      const b = y[i]!;
      sx += a;
      sy += b;
      sxx += a * a;
      syy += b * b;
      sxy += a * b;
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
    }
    return { n: x.length, sx, sy, sxx, syy, sxy, minX, maxX, minY, maxY };
  });
  return (indices) => {
    let n = 0,
      sx = 0,
      sy = 0,
      sxx = 0,
      syy = 0,
      sxy = 0;
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (const index of indices) {
      const s = sums[index]!;
      n += s.n;
      sx += s.sx;
      sy += s.sy;
      sxx += s.sxx;
      syy += s.syy;
      sxy += s.sxy;
      minX = Math.min(minX, s.minX);
      maxX = Math.max(maxX, s.maxX);
      minY = Math.min(minY, s.minY);
      maxY = Math.max(maxY, s.maxY);
    }
    // Constant sides are found exactly (from minima and maxima), not from rounded variances.
    if (n < 2 || minX === maxX || minY === maxY) return null;
    const covariance = sxy - (sx * sy) / n;
    const varianceX = sxx - (sx * sx) / n;
    const varianceY = syy - (sy * sy) / n;
    if (!(varianceX > 0 && varianceY > 0)) return null;
    return Math.max(-1, Math.min(1, covariance / Math.sqrt(varianceX * varianceY)));
  };
}
