/**
 * What a score rests on. Every score carries its basis, so that a reader can tell a score on ten
 * records from one on a single record, a language model's from the offline baseline's, an expected
 * value over log-probabilities from a sampled number; and two scores on different bases are
 * flagged rather than compared as equals.
 */

export const SCORER_NAMES = ['simulation', 'detection', 'fuzzing'] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

/** A score on fewer records than this is weak: one record more or less can swing it widely. */
export const WEAK_BASIS_RECORDS = 5;

/** The seed every scorer uses unless told otherwise: example draws, batches, marks, bootstrap. */
export const SCORING_SEED = 20230509;

/**
 * How the predictions were read: the expected value (or probability) over the model's top
 * log-probabilities, the number or word it sampled, a mix of the two, or no model at all.
 */
export type Sampling = 'logprobs' | 'sampled' | 'mixed' | 'offline';

export interface ScoreBasis {
  scorer: ScorerName;
  /** Records the score rests on (for detection and fuzzing, the examples judged). */
  records: number;
  /** ...of which top-activating, random-sample and per-quantile random-sample records. */
  record_kinds: { top: number; random: number; quantile: number };
  /** Tokens in those records. */
  tokens: number;
  /** Simulation: records simulated only to calibrate to activation units (not scored). */
  calibration_records: number;
  /** Detection and fuzzing: examples on which the neuron fires, and quiet ones. */
  activating: number;
  non_activating: number;
  /** Who made the predictions: the simulator (simulation) or the judge. */
  role: 'simulator' | 'judge';
  provider: 'baseline' | 'openai';
  model: string;
  sampling: Sampling;
  /** Names the prompt's text (changes when it does); null for the offline baseline. */
  prompt_version: string | null;
  seed: number;
  /** The interval: percentile bootstrap over records, within strata. */
  bootstrap: {
    level: number;
    resamples: number;
    /** Resamples with a defined score. */
    defined: number;
    strata: 'record kind' | 'firing or quiet';
  };
  /** Fewer than WEAK_BASIS_RECORDS records. */
  weak: boolean;
}

export function isWeak(records: number): boolean {
  return records < WEAK_BASIS_RECORDS;
}

/** Sampling of a set of predictions, from whether each had log-probabilities. */
export function samplingOf(
  provider: 'baseline' | 'openai',
  withLogprobs: readonly boolean[],
): Sampling {
  if (provider === 'baseline') return 'offline';
  const some = withLogprobs.some(Boolean);
  const all = withLogprobs.length > 0 && withLogprobs.every(Boolean);
  return all ? 'logprobs' : some ? 'mixed' : 'sampled';
}

/** What is compared when two scores are shown side by side. */
export interface ComparableBasis {
  records: number | null;
  tokens: number | null;
  /** The simulator or judge, as it is named on screen. */
  model: string;
  sampling: Sampling | 'unknown';
}

/**
 * How two bases differ, one phrase each (empty when they match): records, tokens, model,
 * sampling. Scores on different bases are not to be compared as equals.
 */
export function basisDifferences(a: ComparableBasis, b: ComparableBasis): string[] {
  const differences: string[] = [];
  const count = (n: number | null, unit: string) =>
    n === null ? `an unknown number of ${unit}s` : `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (a.records !== b.records) {
    differences.push(`${count(a.records, 'record')} against ${count(b.records, 'record')}`);
  } else if (a.tokens !== b.tokens) {
    differences.push(`${count(a.tokens, 'token')} against ${count(b.tokens, 'token')}`);
  }
  if (a.model !== b.model) differences.push(`${a.model} against ${b.model}`);
  if (a.sampling !== b.sampling) {
    differences.push(`${SAMPLING_WORDS[a.sampling]} against ${SAMPLING_WORDS[b.sampling]}`);
  }
  return differences;
}

export const SAMPLING_WORDS: Record<Sampling | 'unknown', string> = {
  logprobs: 'expected values over log-probabilities',
  sampled: 'sampled answers',
  mixed: 'partly log-probabilities, partly sampled answers',
  offline: 'offline word matching',
  unknown: 'an unstated method',
};
