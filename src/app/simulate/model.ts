/**
 * What the simulate panel derives from requests, results and errors, as pure functions: labels,
 * error titles and the user's texts.
 */
import type { ApiErrorCode, ProgressEvent, RecordRef } from '../../core/api/index.ts';
import type { RequestErrorCode } from '../data/api.ts';

type RecordLike = RecordRef | ProgressEvent['record'];

/** "Top-activating record 3", "Random record 1", "Text 2" (1-based, as people count). */
export function recordLabel(record: RecordLike): string {
  switch (record.kind) {
    case 'top':
      return `Top-activating record ${record.index + 1}`;
    case 'random':
      return `Random record ${record.index + 1}`;
    case 'text':
      return `Text ${record.index + 1}`;
  }
}

/** The user's texts, one per line; blank lines are skipped. */
export function splitTexts(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A heading for each kind of failure: what failed, in words. */
export function errorTitle(code: RequestErrorCode): string {
  switch (code) {
    case 'invalid_request':
      return 'The request was refused';
    case 'not_found':
      return 'Not found on the server';
    case 'payload_too_large':
      return 'The request is too large';
    case 'rate_limited':
      return 'Too many simulations: rate limit reached';
    case 'timeout':
      return 'The simulation took too long (timeout)';
    case 'upstream_error':
      return 'The language model server failed';
    case 'upstream_format':
      return 'The language model answered in the wrong format';
    case 'dataset_file':
      return 'A dataset file is broken';
    case 'unavailable':
      return 'The server is restarting';
    case 'internal':
      return 'The server failed';
    case 'network':
      return 'Could not reach the server';
    case 'protocol':
      return 'The server’s answer could not be read';
  }
}

/** Validation failures are fixed by editing, not by retrying. */
export function needsEdit(code: RequestErrorCode): boolean {
  const editable: readonly ApiErrorCode[] = ['invalid_request', 'payload_too_large'];
  return (editable as readonly string[]).includes(code);
}

/** A field path from the API ("texts.2") in words ("text 3"). */
export function fieldLabel(field: string): string {
  const text = /^texts\.(\d+)$/.exec(field);
  if (text) return `text ${Number(text[1]) + 1}`;
  if (field === 'texts') return 'your texts';
  return field;
}

export interface ProviderDescription {
  /** Short name, e.g. "baseline simulator" or "gpt-4o-mini". */
  name: string;
  /** The name after "by": "the baseline simulator", "gpt-4o-mini". */
  byline: string;
  /** What it is, in a few words. */
  detail: string;
}

/** How a simulator or explainer is named on screen: the offline one always as the baseline. */
export function describeProvider(
  provider: { id: 'baseline' | 'openai'; model: string },
  role: 'simulator' | 'explainer',
): ProviderDescription {
  if (provider.id === 'baseline') {
    return {
      name: `baseline ${role}`,
      byline: `the baseline ${role}`,
      detail:
        role === 'simulator'
          ? 'offline word matching, not a language model'
          : 'offline, from the top-activating tokens; not a language model',
    };
  }
  return {
    name: provider.model,
    byline: provider.model,
    detail: 'through an OpenAI-compatible API',
  };
}

/** Progress in words, for the screen and for screen readers. */
export function progressText(
  progress: { done: number; total: number | null; finished: readonly RecordLike[] },
  unit: 'records' | 'texts',
): string {
  if (progress.total === null) return 'Starting…';
  const last = progress.finished.at(-1);
  const purpose =
    last && 'purpose' in last && last.purpose === 'calibration' ? ', for calibration' : '';
  const latest = last ? ` (latest: ${recordLabel(last).toLowerCase()}${purpose})` : '';
  return `${progress.done} of ${progress.total} ${unit} simulated${latest}`;
}
