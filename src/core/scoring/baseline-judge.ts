/**
 * The offline baseline judge: no language model, only the baseline simulator's word matching.
 * Detection: an excerpt fits when the baseline rates some token of it at 5 or more (of 10);
 * fuzzing: the marks fit when the baseline's mean rating of the marked tokens is 5 or more. The
 * rating / 10 stands in for the probability of "yes". A floor any language model should beat.
 */
import { BASELINE_MODEL, baselineSimulate } from '../simulation/baseline.ts';
import type { Judge } from './judged.ts';
import type { JudgeExcerpt, JudgeVerdict } from './judge-prompt.ts';

const FITS_AT = 5;

function baselineVerdict(explanation: string, excerpt: JudgeExcerpt): JudgeVerdict {
  const ratings = baselineSimulate(explanation, [...excerpt.tokens]).expected_activations;
  let rating = 0;
  if (excerpt.marked === null) {
    for (const value of ratings) rating = Math.max(rating, value);
  } else if (excerpt.marked.length > 0) {
    for (const i of excerpt.marked) rating += ratings[i] ?? 0;
    rating /= excerpt.marked.length;
  }
  return { fits: rating >= FITS_AT, probability: rating / 10 };
}

export const baselineJudge: Judge = {
  id: 'baseline',
  model: BASELINE_MODEL,
  async judge(_scorer, explanation, excerpts, options) {
    options?.signal?.throwIfAborted();
    return excerpts.map((excerpt) => baselineVerdict(explanation, excerpt));
  },
};
