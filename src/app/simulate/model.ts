/**
 * What the simulate panel derives from requests, results and errors, as pure functions: labels,
 * error titles, the user's texts, and the sequences ready to draw on the neuron's colour scale.
 */
import type { ApiErrorCode, ProgressEvent, RecordRef } from '../../core/api/index.ts';
import type { SequenceSimulation, ScoredSequenceSimulation } from '../../core/format/types.ts';
import type { RequestErrorCode } from '../data/api.ts';
import {
  activationColorScale,
  type ActivationColorScale,
  type TokenStyle,
} from '../visuals/colorScale.ts';
import type { TooltipSeries } from '../visuals/tokenRegistry.ts';

/** The 0..10 scale simulators answer on, before calibration (and always for the user's texts). */
export const NORMALIZED_MAX = 10;

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

export interface PreparedSequence {
  label: string;
  score: number | null;
  tokens: readonly string[];
  /** Null for the user's texts: there are no real activations. */
  realStyles: readonly TokenStyle[] | null;
  simulatedStyles: readonly TokenStyle[];
  /** True when the simulated values are on the 0..10 scale (uncalibrated). */
  normalized: boolean;
  series: readonly TooltipSeries[];
}

function simulatedSeriesLabel(normalized: boolean): string {
  return normalized ? 'simulated (0–10 scale)' : 'simulated (activation units)';
}

/**
 * Scored sequences ready to draw: real activations on the neuron's scale, simulated ones on the
 * same scale when calibrated to activation units, else on a 0..10 scale of the same colours.
 */
export function prepareScoredSequences(
  records: readonly RecordRef[],
  sequences: readonly ScoredSequenceSimulation[],
  scale: ActivationColorScale,
): PreparedSequence[] {
  const normalizedScale = activationColorScale({ min: 0, max: NORMALIZED_MAX }, scale.theme);
  return sequences.map((sequence, i) => {
    const { simulation } = sequence;
    const normalized = simulation.activation_scale === 'simulated_normalized_activations';
    const record = records[i];
    return {
      label: record ? recordLabel(record) : `Sequence ${i + 1}`,
      score: sequence.ev_correlation_score,
      tokens: simulation.tokens,
      realStyles: sequence.true_activations.map(scale),
      simulatedStyles: simulation.expected_activations.map(normalized ? normalizedScale : scale),
      normalized,
      series: [
        { label: 'real activation', values: sequence.true_activations },
        { label: simulatedSeriesLabel(normalized), values: simulation.expected_activations },
      ],
    };
  });
}

/** The user's texts simulated: no real activations, values on the 0..10 scale. */
export function prepareTextSimulations(
  simulations: readonly SequenceSimulation[],
  normalizedScale: ActivationColorScale,
): PreparedSequence[] {
  return simulations.map((simulation, i) => {
    const normalized = simulation.activation_scale === 'simulated_normalized_activations';
    return {
      label: `Text ${i + 1}`,
      score: null,
      tokens: simulation.tokens,
      realStyles: null,
      simulatedStyles: simulation.expected_activations.map(normalizedScale),
      normalized,
      series: [
        { label: simulatedSeriesLabel(normalized), values: simulation.expected_activations },
      ],
    };
  });
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
