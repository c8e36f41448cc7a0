/**
 * `POST /api/simulate` and `POST /api/explain`: requests, results and streamed events, validated
 * with these schemas by the server (both ways) and by the app.
 */
import { z } from 'zod';
import type { ScoredSequenceSimulation, SequenceSimulation } from '../format/types.ts';
import { ApiErrorBodySchema } from './errors.ts';
import { ProviderIdSchema } from './health.ts';
import { MAX_EXPLANATION_CHARS, MAX_TEXTS } from './limits.ts';

/** Longest text before tokenizing; the real limit is MAX_TEXT_TOKENS, checked by the server. */
export const MAX_TEXT_CHARS = 4000;

export const DatasetIdSchema = z
  .string({ error: 'dataset: expected a dataset id' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'dataset: not a dataset id' });

const index = (name: string) =>
  z
    .number({ error: `${name}: expected a whole number` })
    .int({ error: `${name}: expected a whole number` })
    .min(0, { error: `${name}: must be 0 or more` })
    .max(1_000_000, { error: `${name}: too large` });

export const ExplanationSchema = z
  .string({ error: 'explanation: expected text' })
  .trim()
  .min(1, { error: 'explanation: must not be empty' })
  .max(MAX_EXPLANATION_CHARS, {
    error: `explanation: must be at most ${MAX_EXPLANATION_CHARS} characters`,
  });

const TextSchema = z
  .string({ error: 'texts: each text must be a string' })
  .refine((text) => text.trim() !== '', { error: 'texts: a text must not be empty' })
  .refine((text) => text.length <= MAX_TEXT_CHARS, {
    error: `texts: a text must be at most ${MAX_TEXT_CHARS} characters`,
  });

const NeuronRequestSchema = z.strictObject({
  dataset: DatasetIdSchema,
  layer: index('layer'),
  neuron: index('neuron'),
});

export const SimulateRequestSchema = NeuronRequestSchema.extend({
  explanation: ExplanationSchema,
  /** The user's own sentences to simulate instead of the neuron's held-out records (no score). */
  texts: z
    .array(TextSchema, { error: 'texts: expected a list of texts' })
    .min(1, { error: 'texts: give at least one text, or leave texts out' })
    .max(MAX_TEXTS, { error: `texts: at most ${MAX_TEXTS} texts` })
    .optional(),
});
export type SimulateRequest = z.input<typeof SimulateRequestSchema>;

/** A simulate request as the server reads it: validated, explanation trimmed. */
export type NormalizedSimulateRequest = Readonly<
  Omit<SimulateRequest, 'texts'> & { texts?: readonly string[] }
>;

export const ExplainRequestSchema = NeuronRequestSchema;
export type ExplainRequest = z.input<typeof ExplainRequestSchema>;

const finite = z.number();

export const SequenceSimulationSchema: z.ZodType<SequenceSimulation> = z.object({
  tokens: z.array(z.string()),
  expected_activations: z.array(finite),
  activation_scale: z.enum(['neuron_activations', 'simulated_normalized_activations']),
  distribution_values: z.array(z.array(finite)),
  distribution_probabilities: z.array(z.array(finite)),
  get uncalibrated_simulation() {
    return SequenceSimulationSchema.nullable();
  },
});

export const ScoredSequenceSimulationSchema: z.ZodType<ScoredSequenceSimulation> = z.object({
  simulation: SequenceSimulationSchema,
  true_activations: z.array(finite),
  ev_correlation_score: finite.nullable(),
  rsquared_score: finite.nullable(),
  absolute_dev_explained_score: finite.nullable(),
});

/** Which of the neuron's records a scored sequence is (as in `collated-activations`). */
export const RecordRefSchema = z.object({
  kind: z.enum(['top', 'random']),
  /** Index in most_positive_activation_records (top) or random_sample (random). */
  index: z.number().int().min(0),
});
export type RecordRef = z.infer<typeof RecordRefSchema>;

const ResultMetaSchema = z.object({
  dataset: z.string(),
  layer: z.number().int(),
  neuron: z.number().int(),
  explanation: z.string(),
  simulator: ProviderIdSchema,
  model: z.string(),
  /** True when the whole result came from the server's cache. */
  cached: z.boolean(),
});

/** The neuron's held-out records simulated and scored: the published ScoredSimulation, plus meta. */
export const RecordsSimulationResultSchema = ResultMetaSchema.extend({
  mode: z.literal('records'),
  /** One per scored sequence, in the same order. */
  records: z.array(RecordRefSchema),
  scored_sequence_simulations: z.array(ScoredSequenceSimulationSchema),
  ev_correlation_score: finite.nullable(),
  rsquared_score: finite.nullable(),
  absolute_dev_explained_score: finite.nullable(),
});
export type RecordsSimulationResult = z.infer<typeof RecordsSimulationResultSchema>;

/** The user's texts simulated: GPT-2 tokens and simulated activations, no score. */
export const TextsSimulationResultSchema = ResultMetaSchema.extend({
  mode: z.literal('texts'),
  simulations: z.array(SequenceSimulationSchema),
});
export type TextsSimulationResult = z.infer<typeof TextsSimulationResultSchema>;

export const SimulationResultSchema = z.discriminatedUnion('mode', [
  RecordsSimulationResultSchema,
  TextsSimulationResultSchema,
]);
export type SimulationResult = z.infer<typeof SimulationResultSchema>;

export const ExplainerInfoSchema = z.object({ id: ProviderIdSchema, model: z.string() });

/** `POST /api/explain`: the new explanation, scored on the held-out records. */
export const ExplainResultSchema = RecordsSimulationResultSchema.extend({
  explainer: ExplainerInfoSchema,
});
export type ExplainResult = z.infer<typeof ExplainResultSchema>;

// Events of a streamed (Accept: text/event-stream) simulate or explain request.

export const ProgressEventSchema = z.object({
  /** Records (or texts) simulated so far, of `total`. */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** The one just finished. */
  record: z.object({
    kind: z.enum(['top', 'random', 'text']),
    index: z.number().int().min(0),
    /** Held-out records are scored; calibration records fit the simulation to activation units. */
    purpose: z.enum(['scoring', 'calibration']).optional(),
  }),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/** Sent by /api/explain once the explanation is written, before it is simulated. */
export const ExplanationEventSchema = z.object({
  explanation: z.string(),
  explainer: ExplainerInfoSchema,
});
export type ExplanationEvent = z.infer<typeof ExplanationEventSchema>;

export const SIMULATION_EVENT_SCHEMAS = {
  progress: ProgressEventSchema,
  explanation: ExplanationEventSchema,
  result: z.union([ExplainResultSchema, SimulationResultSchema]),
  error: ApiErrorBodySchema,
} as const;

export type SimulationEventName = keyof typeof SIMULATION_EVENT_SCHEMAS;

/** One streamed event; `result` and `error` are last. */
export type SimulationEvent = {
  [Name in SimulationEventName]: {
    event: Name;
    data: z.infer<(typeof SIMULATION_EVENT_SCHEMAS)[Name]>;
  };
}[SimulationEventName];

/** The first problem with a request, as the server answers it and the app shows it. */
export interface RequestProblem {
  /** The field's path, e.g. `texts.2`; empty for the body as a whole. */
  field: string;
  /** What is wrong, without the field name that these schemas' messages start with. */
  message: string;
}

export function requestProblem(error: z.ZodError): RequestProblem {
  const issue = error.issues[0];
  return {
    field: issue?.path.join('.') ?? '',
    message: (issue?.message ?? 'invalid request').replace(/^[\w.]+:\s*/, ''),
  };
}
