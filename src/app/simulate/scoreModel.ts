/**
 * How scores, intervals and bases are put into words on the panel, as pure functions: the basis
 * of each score, the weak-basis warning, and the notice that two scores rest on different bases.
 */
import type { ScoreResult } from '../../core/api/score.ts';
import type { ScoredExplanation } from '../../core/format/types.ts';
import {
  basisDifferences,
  SAMPLING_WORDS,
  WEAK_BASIS_RECORDS,
  type ComparableBasis,
  type ScoreBasis,
  type ScorerName,
} from '../../core/scoring/basis.ts';
import type { ExampleSource } from '../../core/scoring/examples.ts';
import { formatCount, formatScore } from '../visuals/tokens.ts';

export const SCORER_LABELS: Record<ScorerName, { name: string; what: string }> = {
  simulation: {
    name: 'Simulation',
    what: 'a simulator predicts the activation at every token from the explanation alone; scored by correlation with the real activations (the paper’s score)',
  },
  detection: {
    name: 'Detection',
    what: 'a judge picks, from a shuffled mix, the excerpts the explanation fits; scored by balanced accuracy against where the neuron really fires',
  },
  fuzzing: {
    name: 'Fuzzing',
    what: 'a judge says whether the marked tokens of each excerpt fit the explanation (the firing tokens, or as many random ones); scored by balanced accuracy',
  },
};

/** "0.30 to 0.63", or "n/a" without an interval. */
export function formatInterval(interval: readonly [number, number] | null): string {
  return interval ? `${formatScore(interval[0])} to ${formatScore(interval[1])}` : 'n/a';
}

const plural = (n: number, unit: string) => `${formatCount(n)} ${unit}${n === 1 ? '' : 's'}`;

/** The basis in one line: what the score rests on, who made it and how, the seed. */
export function basisSummary(basis: ScoreBasis): string {
  const what =
    basis.scorer === 'simulation'
      ? `${plural(basis.records, 'record')} (${basis.record_kinds.top} top-activating, ${basis.record_kinds.random} random; ${basis.calibration_records} more to calibrate)`
      : `${plural(basis.records, 'example')} (${basis.activating} where the neuron fires, ${basis.non_activating} where it is quiet)`;
  const how =
    basis.provider === 'baseline'
      ? `${basis.role === 'judge' ? 'judged' : 'simulated'} by the baseline ${basis.role} (offline word matching, not a language model)`
      : `${basis.role === 'judge' ? 'judged' : 'simulated'} by ${basis.model} from ${SAMPLING_WORDS[basis.sampling]}, prompt ${basis.prompt_version ?? 'n/a'}`;
  return `${what}, ${plural(basis.tokens, 'token')}; ${how}; seed ${basis.seed}`;
}

/** The warning of a score on fewer than WEAK_BASIS_RECORDS records; null when not weak. */
export function weakBasisWarning(basis: ScoreBasis): string | null {
  if (!basis.weak) return null;
  const unit = basis.scorer === 'simulation' ? 'record' : 'example';
  return `Weak basis: this score rests on ${plural(basis.records, unit)} (fewer than ${WEAK_BASIS_RECORDS}); one ${unit} more or less could change it a lot.`;
}

/** How the interval was made, for a tooltip or a note. */
export function intervalNote(basis: ScoreBasis): string {
  const { bootstrap } = basis;
  if (bootstrap.resamples === 0) {
    return 'No interval: with one record of each kind, every resample is the same.';
  }
  return `${Math.round(bootstrap.level * 100)}% interval: percentile bootstrap, ${formatCount(bootstrap.resamples)} resamples of the ${basis.scorer === 'simulation' ? 'records' : 'examples'} (within each ${bootstrap.strata}), seed ${basis.seed}.`;
}

/** A score's basis as compared with another's. */
export function comparableOf(basis: ScoreBasis): ComparableBasis {
  return {
    records: basis.records,
    tokens: basis.tokens,
    model: basis.provider === 'baseline' ? 'the offline baseline' : basis.model,
    sampling: basis.sampling,
  };
}

/**
 * The published score's basis, from what the file holds: its scored sequences, and who made it
 * (the demo's own baseline for a synthetic dataset; the release's simulator for real data).
 */
export function publishedBasis(published: ScoredExplanation, synthetic: boolean): ComparableBasis {
  const sequences = published.scored_simulation.scored_sequence_simulations;
  return {
    records: sequences.length > 0 ? sequences.length : null,
    tokens:
      sequences.length > 0
        ? sequences.reduce((sum, s) => sum + s.true_activations.length, 0)
        : null,
    model: synthetic ? 'the offline baseline' : 'the release’s simulator (GPT-4, per the paper)',
    sampling: synthetic ? 'offline' : 'logprobs',
  };
}

/** "Different bases, not comparable: ..." when the two bases differ; null when they match. */
export function comparabilityNotice(ours: ComparableBasis, theirs: ComparableBasis): string | null {
  const differences = basisDifferences(ours, theirs);
  if (differences.length === 0) return null;
  return `Different bases, not comparable as equals: this score against the published one rests on ${differences.join('; ')}.`;
}

/** "Top-activating record 3", "Random record 14", "Quantile 5 record 2" (1-based). */
export function exampleLabel(source: ExampleSource): string {
  switch (source.kind) {
    case 'top':
      return `Top-activating record ${source.index + 1}`;
    case 'random':
      return `Random record ${source.index + 1}`;
    case 'quantile':
      return `Quantile ${(source.quantile ?? 0) + 1} record ${source.index + 1}`;
  }
}

/** The headline number of each scorer, for the rounds table and announcements. */
export function headline(result: ScoreResult, scorer: ScorerName): number | null | undefined {
  if (scorer === 'simulation') return result.scores.simulation?.ev_correlation_score;
  return result.scores[scorer]?.balanced_accuracy;
}

export function headlineInterval(
  result: ScoreResult,
  scorer: ScorerName,
): readonly [number, number] | null | undefined {
  return result.scores[scorer]?.interval;
}

/** "Done: correlation 0.43, detection 0.90, fuzzing 0.75." */
export function doneAnnouncement(result: ScoreResult): string {
  const parts: string[] = [];
  if (result.scores.simulation) {
    parts.push(`correlation ${formatScore(result.scores.simulation.ev_correlation_score)}`);
  }
  for (const scorer of ['detection', 'fuzzing'] as const) {
    const score = result.scores[scorer];
    if (score) parts.push(`${scorer} balanced accuracy ${formatScore(score.balanced_accuracy)}`);
  }
  return `Done: ${parts.join(', ')}${result.cached ? ', from the server’s cache' : ''}.`;
}
