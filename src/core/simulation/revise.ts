/**
 * "Improve": the paper's proposed next step. The explanation is simulated on records kept out of
 * scoring (the test split), the records it simulated worst are shown to an explainer beside the
 * simulation, and the explainer writes a revision, which is then scored like any explanation.
 */
import type { ActivationRecord, NeuronRecord } from '../format/types.ts';
import { testRecords, type SplitRecord } from '../scoring/splits.ts';
import { baselineExplain, BASELINE_MODEL } from './baseline.ts';
import { EXPLANATION_PREFIX, MAX_SIMULATED_ACTIVATION } from './simulation-prompt.ts';
import { mapConcurrently, NoRecordsError } from './simulate.ts';
import { escapeToken } from './tokens.ts';
import type { ChatMessage, ModelKind, SimulateRecordOptions, Simulator } from './types.ts';

/** A record the explanation was simulated on: its tokens, real and simulated activations. */
export interface RevisionRecord {
  source: Pick<SplitRecord, 'kind' | 'index'>;
  tokens: string[];
  /** In activation units. */
  real: number[];
  /** On the simulator's 0..10 scale. */
  simulated: number[];
}

/** Writes a revision of an explanation from the records it was simulated worst on. */
export interface Reviser {
  id: ModelKind;
  model: string;
  revise(
    explanation: string,
    worst: readonly RevisionRecord[],
    maxActivation: number,
    options?: SimulateRecordOptions,
  ): Promise<string>;
}

/** Records shown to the reviser. */
export const REVISION_RECORDS = 3;

/** Real activations on the 0..10 scale of the neuron's largest one (negatives as 0). */
function scaled(real: readonly number[], maxActivation: number): number[] {
  return real.map((a) =>
    maxActivation > 0 ? (MAX_SIMULATED_ACTIVATION * Math.max(0, a)) / maxActivation : 0,
  );
}

/** Mean squared gap between the scaled real activations and the simulation. */
function simulationError(record: RevisionRecord, maxActivation: number): number {
  const real = scaled(record.real, maxActivation);
  let sum = 0;
  real.forEach((value, i) => (sum += (value - record.simulated[i]!) ** 2));
  return real.length > 0 ? sum / real.length : 0;
}

/** The `count` records simulated worst, worst first (ties in the records' order). */
export function worstSimulated(
  records: readonly RevisionRecord[],
  maxActivation: number,
  count = REVISION_RECORDS,
): RevisionRecord[] {
  return records
    .map((record, order) => ({ record, order, error: simulationError(record, maxActivation) }))
    .sort((a, b) => b.error - a.error || a.order - b.order)
    .slice(0, count)
    .map(({ record }) => record);
}

const SYSTEM = `You improve descriptions of single neurons inside a language model. A description is a short phrase that completes the sentence "${EXPLANATION_PREFIX} ...".

A simulator that reads nothing but the description predicted the neuron's activation at every token of some excerpts. You see the excerpts it got most wrong, one token per line: the token, a tab, the neuron's real activation, a tab, the activation the simulator predicted from the description. Both are whole numbers from 0 (no response) to 10 (the neuron's strongest response). Tokens are shown with escapes: \\n is a newline, \\t a tab, \\\\ a backslash; a token may start with a space.

Work out what the neuron really responds to where the simulator missed it, and what it does not respond to where the simulator expected it. Then write a better description: one short phrase, a few words long, that would make the simulator's predictions match the real activations on these excerpts and on text like them. Reply with the phrase only, without repeating the start of the sentence.`;

/** Chat messages asking for a revision of `explanation`, shown the records it simulated worst. */
export function buildRevisionMessages(
  explanation: string,
  worst: readonly RevisionRecord[],
  maxActivation: number,
): ChatMessage[] {
  if (worst.length === 0) throw new RangeError('a revision needs at least one simulated record');
  const excerpts = worst
    .map((record, i) => {
      const real = scaled(record.real, maxActivation);
      const lines = record.tokens.map(
        (token, j) =>
          `${escapeToken(token)}\t${Math.round(real[j]!)}\t${Math.round(record.simulated[j]!)}`,
      );
      return `Excerpt ${i + 1} (token, real, predicted):\n${lines.join('\n')}`;
    })
    .join('\n\n');
  const current = `${EXPLANATION_PREFIX} ${explanation.trim().replace(/\.+$/, '')}.`;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Current description: ${current}\n\n${excerpts}\n\n${EXPLANATION_PREFIX} ...`,
    },
  ];
}

/**
 * The offline baseline's revision: the baseline explainer's reading of the worst records on which
 * the neuron fires (what the explanation missed). Unchanged when it missed nothing that fires.
 */
export const baselineReviser: Reviser = {
  id: 'baseline',
  model: BASELINE_MODEL,
  async revise(explanation, worst, maxActivation, options) {
    options?.signal?.throwIfAborted();
    const firing: ActivationRecord[] = worst
      .filter((record) => record.real.some((a) => a >= 0.25 * maxActivation && a > 0))
      .map((record) => ({ tokens: record.tokens, activations: record.real }));
    return firing.length > 0 ? baselineExplain(firing) : explanation;
  },
};

export interface ReviseOptions {
  signal?: AbortSignal;
  /** Who asked (a client address), for the simulator's and reviser's calls. */
  client?: string;
  concurrency?: number;
  /** Records of the test split simulated, reported one by one. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** The neuron's largest activation over its top-activating and random records. */
function maxActivationOf(
  neuron: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
): number {
  let max = 0;
  for (const record of [...neuron.most_positive_activation_records, ...neuron.random_sample]) {
    for (const a of record.activations) if (a > max) max = a;
  }
  return max;
}

/**
 * Simulate `explanation` on the neuron's test-split records, and have `reviser` revise it from the
 * records simulated worst. Returns the revision (trimmed) and the records it was shown.
 */
export async function reviseExplanation(
  simulator: Simulator,
  reviser: Reviser,
  explanation: string,
  neuron: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  options: ReviseOptions = {},
): Promise<{ explanation: string; shown: RevisionRecord[] }> {
  const records = testRecords(neuron);
  if (records.length === 0) throw new NoRecordsError();
  const call = {
    ...(options.signal && { signal: options.signal }),
    ...(options.client !== undefined && { client: options.client }),
  };
  let done = 0;
  const simulated = await mapConcurrently(
    records,
    options.concurrency ?? 4,
    options.signal,
    async (split): Promise<RevisionRecord> => {
      const simulation = await simulator.simulateRecord(explanation, split.record.tokens, call);
      options.onProgress?.({ done: ++done, total: records.length });
      return {
        source: { kind: split.kind, index: split.index },
        tokens: split.record.tokens,
        real: split.record.activations,
        simulated: simulation.expected_activations,
      };
    },
  );
  const maxActivation = maxActivationOf(neuron);
  const shown = worstSimulated(simulated, maxActivation);
  const revised = await reviser.revise(explanation, shown, maxActivation, call);
  return { explanation: revised.trim(), shown };
}
