/**
 * "Check the model": a neuron's published records run through the model, and the computed
 * activations set against the recorded ones. They differ a little by design of the release, whose
 * activations came from an implementation with a slightly different GELU; the check reports the
 * differences (median and largest) and says so, rather than hiding them.
 */
import type { NeuronRef } from './runner.ts';
import type { ModelSession } from './session.ts';
import { tokenIdsOfStrings } from './tokens.ts';

// Kept in a module of its own, so that a page can show it without the tokenizer.
export { APPROXIMATE_GELU_NOTE } from './gelu-note.ts';

export interface RecordToCheck {
  tokens: readonly string[];
  activations: readonly number[];
}

export interface NeuronCheck extends NeuronRef {
  /** Records compared (those whose tokens map to GPT-2 token ids). */
  records: number;
  tokens: number;
  medianDifference: number | null;
  maxDifference: number | null;
  /** Where the largest difference is. */
  worst: { record: number; token: number; recorded: number; computed: number } | null;
  /** Records that could not be run, with why (e.g. a token that is not one GPT-2 token). */
  skipped: { record: number; reason: string }[];
  /** Each record's computed activations (null for a skipped record), for drawing beside it. */
  computed: (number[] | null)[];
}

/** Records run together in one pass (attention stays within each). */
const BATCH = 8;

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function checkNeuronRecords(
  session: ModelSession,
  neuron: NeuronRef,
  records: readonly RecordToCheck[],
  {
    signal,
    onProgress,
  }: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<NeuronCheck> {
  const skipped: NeuronCheck['skipped'] = [];
  const computed: (number[] | null)[] = records.map(() => null);
  const runnable: { index: number; ids: number[] }[] = [];
  records.forEach((record, index) => {
    if (record.tokens.length !== record.activations.length) {
      skipped.push({ record: index, reason: 'tokens and activations differ in length' });
      return;
    }
    if (record.tokens.length > session.config.positions) {
      skipped.push({
        record: index,
        reason: `longer than the model's ${session.config.positions} positions`,
      });
      return;
    }
    try {
      runnable.push({ index, ids: tokenIdsOfStrings(record.tokens) });
    } catch (error) {
      skipped.push({ record: index, reason: (error as Error).message });
    }
  });
  for (let start = 0; start < runnable.length; start += BATCH) {
    signal?.throwIfAborted();
    const batch = runnable.slice(start, start + BATCH);
    const runs = await session.runBatch(
      batch.map((r) => r.ids),
      { top: 0, neurons: [neuron], ...(signal ? { signal } : {}) },
    );
    batch.forEach((r, i) => (computed[r.index] = runs[i]!.neurons[0]!.activations));
    onProgress?.(Math.min(start + BATCH, runnable.length), runnable.length);
  }
  const differences: number[] = [];
  let worst: NeuronCheck['worst'] = null;
  computed.forEach((values, record) => {
    if (!values) return;
    values.forEach((value, token) => {
      const recorded = records[record]!.activations[token]!;
      const difference = Math.abs(value - recorded);
      differences.push(difference);
      if (!worst || difference > Math.abs(worst.computed - worst.recorded)) {
        worst = { record, token, recorded, computed: value };
      }
    });
  });
  differences.sort((a, b) => a - b);
  return {
    ...neuron,
    records: runnable.length,
    tokens: differences.length,
    medianDifference: differences.length ? median(differences) : null,
    maxDifference: differences.length ? differences.at(-1)! : null,
    worst,
    skipped,
    computed,
  };
}
