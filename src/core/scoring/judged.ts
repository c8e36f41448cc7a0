/**
 * Detection and fuzzing (after EleutherAI's delphi): a judge reads the explanation and a shuffled
 * batch of examples, some on which the neuron fires and some on which it stays quiet, and says
 * which fit. Detection shows the examples as they are; fuzzing marks tokens (the firing ones in
 * activating examples, as many random ones in the others) and asks whether the marks fit. The
 * judge's answers are scored against the truth as a classification, with a bootstrap interval of
 * the balanced accuracy over examples.
 */
import type { NeuronRecord } from '../format/types.ts';
import { mapConcurrently } from '../simulation/simulate.ts';
import type { ModelKind } from '../simulation/types.ts';
import { isWeak, samplingOf, SCORING_SEED, type ScoreBasis } from './basis.ts';
import { bootstrapInterval, BOOTSTRAP_RESAMPLES, INTERVAL_LEVEL } from './bootstrap.ts';
import {
  EXAMPLES_PER_KIND,
  fuzzingMarks,
  seededStream,
  selectExamples,
  type ExampleSelection,
  type ExampleSource,
} from './examples.ts';
import {
  judgePromptVersion,
  type JudgedScorer,
  type JudgeExcerpt,
  type JudgeVerdict,
} from './judge-prompt.ts';
import {
  classificationScores,
  resampledBalancedAccuracy,
  type ClassificationScores,
  type Judged,
} from './metrics.ts';

export interface JudgeOptions {
  signal?: AbortSignal;
  /** Who asked (a client address): a server shares its LLM capacity fairly between clients. */
  client?: string;
}

/** Says, for each excerpt of a batch, whether it (detection) or its marks (fuzzing) fit. */
export interface Judge {
  id: ModelKind;
  /** Shown beside results, e.g. "baseline" or "gpt-4o-mini". */
  model: string;
  judge(
    scorer: JudgedScorer,
    explanation: string,
    excerpts: readonly JudgeExcerpt[],
    options?: JudgeOptions,
  ): Promise<JudgeVerdict[]>;
}

/** Excerpts per judge call: 40 examples in 4 calls. */
export const JUDGE_BATCH_SIZE = 10;

export interface JudgedExample {
  source: ExampleSource;
  tokens: string[];
  activations: number[];
  /** The truth: the neuron fires on this record (fuzzing: the marks are its firing tokens). */
  activating: boolean;
  /** Fuzzing: the marked token indices; null for detection. */
  marked: number[] | null;
  verdict: JudgeVerdict;
  /** The verdict matches the truth. */
  correct: boolean;
}

export interface JudgedScore extends ClassificationScores {
  scorer: JudgedScorer;
  /** 95% bootstrap interval of the balanced accuracy. */
  interval: [number, number] | null;
  basis: ScoreBasis;
  /** Why the balanced accuracy is not defined, when it is not; else null. */
  note: string | null;
  /** In the order selected: activating examples first. */
  examples: JudgedExample[];
  /** Activation at or above which a token fires, and below which a record's peak is quiet (null
   * for a neuron that never rises above 0). */
  firing_level: number | null;
  quiet_level: number | null;
}

export interface JudgedProgress {
  /** Examples judged so far, of `total`. */
  done: number;
  total: number;
}

export interface ScoreByJudgeOptions {
  seed?: number;
  /** Examples of each kind (activating, non-activating). */
  perKind?: number;
  batchSize?: number;
  /** Judge calls at once. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Who asked, for the judge's calls. */
  client?: string;
  onProgress?: (progress: JudgedProgress) => void;
}

/** A neuron with no examples to judge at all. */
export class NoExamplesError extends Error {
  constructor() {
    super(
      'the neuron has no records to draw examples from (besides those that wrote the explanation)',
    );
    this.name = 'NoExamplesError';
  }
}

/** What a judged scorer asks, before any call: the examples, their excerpts, the batches. */
export interface JudgingPlan {
  selection: ExampleSelection;
  /** Fuzzing's marked token indices per example; null for detection. */
  marks: number[][] | null;
  excerpts: JudgeExcerpt[];
  /** Example indices per judge call, shuffled so that no batch is all of one kind. */
  batches: number[][];
}

/**
 * The examples of a neuron a judged scorer shows, and how they are cut into calls: a function of
 * the records, the seed and the sizes alone (a batch job's dry run counts the same calls).
 */
export function planJudging(
  scorer: JudgedScorer,
  neuron: Pick<
    NeuronRecord,
    'most_positive_activation_records' | 'random_sample' | 'random_sample_by_quantile'
  >,
  options: { seed: number; perKind?: number; batchSize?: number },
): JudgingPlan {
  const { seed } = options;
  const selection = selectExamples(neuron, { seed, perKind: options.perKind ?? EXAMPLES_PER_KIND });
  const marks = scorer === 'fuzzing' ? fuzzingMarks(selection, seed) : null;
  const excerpts: JudgeExcerpt[] = selection.examples.map((example, i) => ({
    tokens: example.record.tokens,
    marked: marks ? marks[i]! : null,
  }));
  const order = seededStream(seed, `${scorer}-batches`).shuffle(
    selection.examples.map((_, i) => i),
  );
  const batchSize = options.batchSize ?? JUDGE_BATCH_SIZE;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  return { selection, marks, excerpts, batches };
}

/** Detection or fuzzing of an explanation on a neuron's records. */
export async function scoreByJudge(
  scorer: JudgedScorer,
  judge: Judge,
  explanation: string,
  neuron: Pick<
    NeuronRecord,
    'most_positive_activation_records' | 'random_sample' | 'random_sample_by_quantile'
  >,
  options: ScoreByJudgeOptions = {},
): Promise<JudgedScore> {
  const seed = options.seed ?? SCORING_SEED;
  const { selection, marks, excerpts, batches } = planJudging(scorer, neuron, {
    seed,
    ...(options.perKind !== undefined && { perKind: options.perKind }),
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
  });
  const { examples } = selection;
  if (examples.length === 0) throw new NoExamplesError();
  const verdicts = new Array<JudgeVerdict>(examples.length);
  let done = 0;
  await mapConcurrently(batches, options.concurrency ?? 4, options.signal, async (batch) => {
    const answers = await judge.judge(
      scorer,
      explanation,
      batch.map((i) => excerpts[i]!),
      {
        ...(options.signal && { signal: options.signal }),
        ...(options.client !== undefined && { client: options.client }),
      },
    );
    if (answers.length !== batch.length) {
      throw new RangeError(
        `the judge gave ${answers.length} verdicts for ${batch.length} excerpts`,
      );
    }
    batch.forEach((example, j) => (verdicts[example] = answers[j]!));
    done += batch.length;
    options.onProgress?.({ done, total: examples.length });
  });

  const judged: Judged[] = examples.map((example, i) => ({
    positive: example.activating,
    predicted: verdicts[i]!.fits,
    probability: verdicts[i]!.probability,
  }));
  const scores = classificationScores(judged);
  const activating = examples.flatMap((example, i) => (example.activating ? [i] : []));
  const quiet = examples.flatMap((example, i) => (example.activating ? [] : [i]));
  const bootstrap = bootstrapInterval(
    [activating, quiet],
    resampledBalancedAccuracy(
      judged.map((j) => j.positive === j.predicted),
      activating.length,
    ),
    { seed },
  );
  const count = (kind: ExampleSource['kind']) =>
    examples.filter((example) => example.source.kind === kind).length;
  const basis: ScoreBasis = {
    scorer,
    records: examples.length,
    record_kinds: { top: count('top'), random: count('random'), quantile: count('quantile') },
    tokens: examples.reduce((sum, example) => sum + example.record.tokens.length, 0),
    calibration_records: 0,
    activating: activating.length,
    non_activating: quiet.length,
    role: 'judge',
    provider: judge.id,
    model: judge.model,
    sampling: samplingOf(
      judge.id,
      judged.map((j) => j.probability !== null),
    ),
    prompt_version: judge.id === 'baseline' ? null : judgePromptVersion(scorer),
    seed,
    bootstrap: {
      level: INTERVAL_LEVEL,
      resamples: bootstrap.resamples || BOOTSTRAP_RESAMPLES,
      defined: bootstrap.defined,
      strata: 'firing or quiet',
    },
    weak: isWeak(examples.length),
  };
  return {
    scorer,
    ...scores,
    interval: scores.balanced_accuracy === null ? null : bootstrap.interval,
    basis,
    note:
      activating.length === 0
        ? 'The neuron fires on none of its records (beyond those the explanation was written from), so there is nothing to detect: balanced accuracy is not defined.'
        : quiet.length === 0
          ? 'The neuron has no quiet random-sample records to set against the firing ones, so balanced accuracy (which needs both) is not defined.'
          : null,
    examples: examples.map((example, i) => ({
      source: example.source,
      tokens: example.record.tokens,
      activations: example.record.activations,
      activating: example.activating,
      marked: marks ? marks[i]! : null,
      verdict: verdicts[i]!,
      correct: verdicts[i]!.fits === example.activating,
    })),
    firing_level: Number.isFinite(selection.firingLevel) ? selection.firingLevel : null,
    quiet_level: Number.isFinite(selection.quietLevel) ? selection.quietLevel : null,
  };
}
