/**
 * What a user is told when a scorer fails: the judge's own failures here, every other failure as
 * /api/simulate tells it.
 */
import { JudgeFormatError } from '../../core/scoring/judge-prompt.ts';
import { NoExamplesError } from '../../core/scoring/judged.ts';
import { ExplanationFormatError } from '../../core/simulation/types.ts';
import { ApiError } from '../errors.ts';
import { asApiError } from '../simulation/engine.ts';

export function scoringError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted && error === signal.reason) return error;
  if (error instanceof JudgeFormatError) {
    return new ApiError(
      502,
      'upstream_format',
      error.kind === 'refusal'
        ? `The judge refused to answer (${error.message.replace(/^the judge refused to answer: /, '')}), so there is no score; try again.`
        : `The judge's answer could not be read (${error.message}), so there is no score; try again.`,
      { retryable: true, cause: error },
    );
  }
  if (error instanceof ExplanationFormatError) {
    return new ApiError(
      502,
      'upstream_format',
      `The explainer's revision could not be read (${error.message}); try again.`,
      { retryable: true, cause: error },
    );
  }
  if (error instanceof NoExamplesError) {
    return new ApiError(404, 'not_found', `This neuron has nothing to judge: ${error.message}.`);
  }
  return asApiError(error, signal);
}
