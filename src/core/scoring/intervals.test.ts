/**
 * Detection/fuzzing scores and bootstrap intervals against reference values computed with numpy
 * and hand formulas (tests/fixtures/scoring/generate_intervals.py), with the same seeded draws.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from '../random/random.ts';
import { bootstrapInterval, pooledCorrelation } from './bootstrap.ts';
import {
  balancedAccuracy,
  classificationScores,
  resampledBalancedAccuracy,
  type Judged,
} from './metrics.ts';
import { correlationScore } from './scores.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

type Expected = Record<string, number | null>;
interface Fixture {
  prng: { seed: number; first: number[]; ints_seed: number; ints_of_10: number[] };
  resamples: number;
  level: number;
  classification: {
    name: string;
    positive: boolean[];
    predicted: boolean[];
    probability: (number | null)[];
    expected: Expected;
  }[];
  judged_intervals: {
    name: string;
    positive: boolean[];
    predicted: boolean[];
    seed: number;
    expected: { interval: [number, number] | null; defined: number };
  }[];
  simulation_intervals: {
    name: string;
    records: { real: number[]; simulated: number[] }[];
    kinds: ('top' | 'random')[];
    seed: number;
    expected: { correlation: number | null; interval: [number, number] | null; defined: number };
  }[];
}

const fixture = JSON.parse(
  readFileSync(join(root, 'tests/fixtures/scoring/intervals.json'), 'utf8'),
) as Fixture;

function expectClose(actual: number | null, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

function expectInterval(actual: [number, number] | null, expected: [number, number] | null) {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(actual![0]).toBeCloseTo(expected[0], 9);
  expect(actual![1]).toBeCloseTo(expected[1], 9);
}

describe('the seeded generator is the one the Python reference implements', () => {
  it('gives the same numbers', () => {
    const random = new Random(fixture.prng.seed);
    for (const value of fixture.prng.first) expect(random.next()).toBe(value);
    const draws = new Random(fixture.prng.ints_seed);
    expect(fixture.prng.ints_of_10.map(() => draws.int(10))).toEqual(fixture.prng.ints_of_10);
  });
});

describe('classification scores against hand formulas in numpy', () => {
  it.each(fixture.classification.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const judged: Judged[] = c.positive.map((positive, i) => ({
      positive,
      predicted: c.predicted[i]!,
      probability: c.probability[i] ?? null,
    }));
    const scores = classificationScores(judged);
    for (const [key, value] of Object.entries(c.expected)) {
      expectClose(scores[key as keyof typeof scores], value);
    }
  });
});

describe('bootstrap intervals against numpy with the same draws', () => {
  it.each(fixture.judged_intervals.map((c) => [c.name, c] as const))(
    'balanced accuracy: %s',
    (_name, c) => {
      const judged: Judged[] = c.positive.map((positive, i) => ({
        positive,
        predicted: c.predicted[i]!,
        probability: null,
      }));
      const strata = [true, false].map((kind) =>
        c.positive.flatMap((positive, i) => (positive === kind ? [i] : [])),
      );
      const options = { seed: c.seed, resamples: fixture.resamples, level: fixture.level };
      const result = bootstrapInterval(
        strata,
        (indices) => balancedAccuracy(indices.map((i) => judged[i]!)),
        options,
      );
      expectInterval(result.interval, c.expected.interval);
      expect(result.defined).toBe(c.expected.defined);
      // The scorers' own statistic, which counts without building anything, gives the same.
      const correct = judged.map((j) => j.positive === j.predicted);
      const quick = bootstrapInterval(
        strata,
        resampledBalancedAccuracy(correct, strata[0]!.length),
        options,
      );
      expectInterval(quick.interval, c.expected.interval);
    },
  );

  it.each(fixture.simulation_intervals.map((c) => [c.name, c] as const))(
    'pooled correlation: %s',
    (_name, c) => {
      const real = c.records.map((r) => r.real);
      const simulated = c.records.map((r) => r.simulated);
      expectClose(correlationScore(real.flat(), simulated.flat()), c.expected.correlation);
      const statistic = pooledCorrelation(real, simulated);
      expectClose(statistic(c.records.map((_, i) => i)), c.expected.correlation);
      const strata = (['top', 'random'] as const).map((kind) =>
        c.kinds.flatMap((k, i) => (k === kind ? [i] : [])),
      );
      const result = bootstrapInterval(strata, statistic, {
        seed: c.seed,
        resamples: fixture.resamples,
        level: fixture.level,
      });
      expectInterval(result.interval, c.expected.interval);
      expect(result.defined).toBe(c.expected.defined);
    },
  );
});
