/**
 * `POST /api/score` and `POST /api/improve`: an explanation scored by any of the three scorers
 * (simulation, detection, fuzzing), each score with its interval and basis; and "improve", which
 * revises an explanation from the records it simulated worst and scores the revision the same way.
 * Validated with these schemas by the server (both ways), the app and the CLI's tests.
 */
import { z } from 'zod';
import { SCORER_NAMES, type ScorerName } from '../scoring/basis.ts';
import { ApiErrorBodySchema } from './errors.ts';
import { ProviderIdSchema } from './health.ts';
import {
  ExplainerInfoSchema,
  ExplanationEventSchema,
  ExplainRequestSchema,
  ExplanationSchema,
  RecordRefSchema,
  ScoredSequenceSimulationSchema,
} from './simulate.ts';

export const ScorerNameSchema = z.enum(SCORER_NAMES, {
  error: `scorers: each must be one of ${SCORER_NAMES.join(', ')}`,
});

// A neuron (as /api/explain takes it), the explanation, and the scorers.
export const ScoreRequestSchema = ExplainRequestSchema.extend({
  explanation: ExplanationSchema,
  /** Which scorers to run (default: all three), in any order; each at most once. */
  scorers: z
    .array(ScorerNameSchema, { error: 'scorers: expected a list of scorer names' })
    .min(1, { error: 'scorers: name at least one scorer, or leave scorers out' })
    .refine((names) => new Set(names).size === names.length, {
      error: 'scorers: a scorer is named twice',
    })
    .optional(),
});
export type ScoreRequest = z.input<typeof ScoreRequestSchema>;

/** The scorers of a request, in the canonical order. */
export function requestedScorers(scorers: readonly ScorerName[] | undefined): ScorerName[] {
  return SCORER_NAMES.filter((name) => scorers === undefined || scorers.includes(name));
}

/** "Improve" takes a score request: revise `explanation`, score the revision with `scorers`. */
export type ImproveRequest = ScoreRequest;

const finite = z.number();
const interval = z.tuple([finite, finite]).nullable();

export const ScoreBasisSchema = z.object({
  scorer: z.enum(SCORER_NAMES),
  records: z.number().int().min(0),
  record_kinds: z.object({ top: z.number(), random: z.number(), quantile: z.number() }),
  tokens: z.number().int().min(0),
  calibration_records: z.number().int().min(0),
  activating: z.number().int().min(0),
  non_activating: z.number().int().min(0),
  role: z.enum(['simulator', 'judge']),
  provider: ProviderIdSchema,
  model: z.string(),
  sampling: z.enum(['logprobs', 'sampled', 'mixed', 'offline']),
  prompt_version: z.string().nullable(),
  seed: z.number().int(),
  bootstrap: z.object({
    level: finite,
    resamples: z.number().int(),
    defined: z.number().int(),
    strata: z.enum(['record kind', 'firing or quiet']),
  }),
  weak: z.boolean(),
});

/** The simulation scorer: the paper's three scores, the correlation's interval, the records. */
export const SimulationScoreResultSchema = z.object({
  scorer: z.literal('simulation'),
  ev_correlation_score: finite.nullable(),
  rsquared_score: finite.nullable(),
  absolute_dev_explained_score: finite.nullable(),
  interval,
  basis: ScoreBasisSchema,
  /** True when this scorer's result came from the server's cache. */
  cached: z.boolean(),
  records: z.array(RecordRefSchema),
  scored_sequence_simulations: z.array(ScoredSequenceSimulationSchema),
});
export type SimulationScoreResult = z.infer<typeof SimulationScoreResultSchema>;

export const ExampleSourceSchema = z.object({
  kind: z.enum(['top', 'random', 'quantile']),
  index: z.number().int().min(0),
  quantile: z.number().int().min(0).optional(),
});

export const JudgedExampleSchema = z.object({
  source: ExampleSourceSchema,
  tokens: z.array(z.string()),
  activations: z.array(finite),
  activating: z.boolean(),
  marked: z.array(z.number().int().min(0)).nullable(),
  verdict: z.object({ fits: z.boolean(), probability: finite.nullable() }),
  correct: z.boolean(),
});

/** Detection or fuzzing: classification scores, the balanced accuracy's interval, each example. */
export const JudgedScoreResultSchema = z.object({
  scorer: z.enum(['detection', 'fuzzing']),
  accuracy: finite.nullable(),
  balanced_accuracy: finite.nullable(),
  precision: finite.nullable(),
  recall: finite.nullable(),
  f1: finite.nullable(),
  auprc: finite.nullable(),
  interval,
  basis: ScoreBasisSchema,
  note: z.string().nullable(),
  examples: z.array(JudgedExampleSchema),
  firing_level: finite.nullable(),
  quiet_level: finite.nullable(),
  cached: z.boolean(),
});
export type JudgedScoreResult = z.infer<typeof JudgedScoreResultSchema>;

export const ScoresSchema = z.object({
  simulation: SimulationScoreResultSchema.optional(),
  detection: JudgedScoreResultSchema.optional(),
  fuzzing: JudgedScoreResultSchema.optional(),
});
export type Scores = z.infer<typeof ScoresSchema>;

/** What improve adds: the explanation revised, who revised it, and what it was shown. */
export const RevisionSchema = z.object({
  from: z.string(),
  reviser: ExplainerInfoSchema,
  shown: z.array(RecordRefSchema),
});

export const ScoreResultSchema = z.object({
  dataset: z.string(),
  layer: z.number().int(),
  neuron: z.number().int(),
  explanation: z.string(),
  /** True when every score came from the server's cache. */
  cached: z.boolean(),
  scores: ScoresSchema,
  /** Only from /api/improve. */
  revision: RevisionSchema.optional(),
});
export type ScoreResult = z.infer<typeof ScoreResultSchema>;

/** Progress of one scorer (or of simulating the records a revision is written from). */
export const ScoreProgressEventSchema = z.object({
  scorer: z.enum([...SCORER_NAMES, 'revision']),
  /** Records simulated (simulation, revision) or examples judged (detection, fuzzing). */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type ScoreProgressEvent = z.infer<typeof ScoreProgressEventSchema>;

export const SCORE_EVENT_SCHEMAS = {
  progress: ScoreProgressEventSchema,
  /** /api/improve: the revision, once written, before it is scored. */
  explanation: ExplanationEventSchema,
  result: ScoreResultSchema,
  error: ApiErrorBodySchema,
} as const;
