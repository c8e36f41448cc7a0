/** The models and job of a batch as the batch tests and benchmarks run them. */
import type { BatchSpec } from '../../src/core/batch/task.ts';
import type { ModelSettings } from '../../src/node/batch/models.ts';

/** Re-score the published explanations by simulation, as the demo was scored. */
export const RESCORE_PUBLISHED: BatchSpec = {
  explain: 'published',
  explanations: 'best',
  scorers: ['simulation'],
  seed: 1,
};

/** Every model the offline baseline: no call is made (the URL is never asked). */
export const BASELINE_MODELS: ModelSettings = {
  simulator: 'baseline',
  simulatorModel: 'unused',
  explainer: 'baseline',
  explainerModel: 'unused',
  judge: 'baseline',
  judgeModel: 'unused',
  baseURL: 'http://127.0.0.1:1/v1',
  apiKey: undefined,
  maxCalls: 8,
  maxRetries: 0,
  timeoutMs: 2000,
};

/** Every model the OpenAI-compatible test server at `baseURL` (its test-* model names). */
export function testServerModels(
  baseURL: string,
  overrides: Partial<ModelSettings> = {},
): ModelSettings {
  return {
    simulator: 'openai',
    simulatorModel: 'test-simulator',
    explainer: 'openai',
    explainerModel: 'test-explainer',
    judge: 'openai',
    judgeModel: 'test-judge',
    baseURL,
    apiKey: 'sk-test',
    maxCalls: 16,
    maxRetries: 2,
    // Long enough for a loaded machine: a retried call would be one more than estimated.
    timeoutMs: 30_000,
    ...overrides,
  };
}
