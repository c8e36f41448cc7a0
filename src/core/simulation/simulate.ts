/**
 * Simulating an explanation on a neuron's records and scoring it, as the paper does: simulate the
 * held-out (valid) records and the calibration records, fit the calibration, score the held-out.
 */
import pLimit from 'p-limit';
import type { NeuronRecord, ScoredSimulation, SequenceSimulation } from '../format/types.ts';
import { scoreSimulations, type SimulatedRecord } from '../scoring/scores.ts';
import {
  calibrationRecords,
  RECORDS_PER_SPLIT,
  scoringRecords,
  type SplitRecord,
} from '../scoring/splits.ts';
import type { Simulator } from './types.ts';

export interface SimulationProgress {
  /** Records simulated so far, and how many there are in all. */
  done: number;
  total: number;
  /** The record just simulated. */
  record: { kind: SplitRecord['kind']; index: number; purpose: 'calibration' | 'scoring' };
}

export interface SimulateOptions {
  signal?: AbortSignal;
  /** Records simulated at once (default 4). */
  concurrency?: number;
}

export interface SimulateAndScoreOptions extends SimulateOptions {
  onProgress?: (progress: SimulationProgress) => void;
  /** Records of each kind (top-activating, random) per split (default 5, as in the paper). */
  perKind?: number;
}

/** A neuron without records to score against. */
export class NoRecordsError extends Error {
  constructor() {
    super('the neuron has no activation records to score an explanation against');
    this.name = 'NoRecordsError';
  }
}

/**
 * Run `task` over the items, `concurrency` at a time, results in the items' order. After the first
 * failure no further task starts, and that failure is thrown once the running ones have settled;
 * the caller's signal reaches every task, to stop them all.
 */
async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  let failure: { error: unknown } | null = null;
  // Each task settles without throwing, so that all have settled before the failure is thrown.
  const results = await pLimit(Math.max(1, concurrency)).map(items, async (item) => {
    if (failure) return undefined;
    try {
      signal?.throwIfAborted();
      return await task(item);
    } catch (error) {
      failure ??= { error };
      return undefined;
    }
  });
  if (failure) throw (failure as { error: unknown }).error;
  return results as R[];
}

function checkSimulation(simulation: SequenceSimulation, tokens: readonly string[]): void {
  if (simulation.expected_activations.length !== tokens.length) {
    throw new RangeError(
      `the simulator returned ${simulation.expected_activations.length} values for ${tokens.length} tokens`,
    );
  }
}

/**
 * Simulate an explanation on a neuron's held-out records (5 top-activating and 5 random from the
 * valid split) and its calibration records, and score it. Progress is reported per record; any
 * failed simulation fails the whole scoring (a score is never made from part of the records).
 */
export async function simulateAndScore(
  simulator: Simulator,
  explanation: string,
  neuronRecord: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  options: SimulateAndScoreOptions = {},
): Promise<ScoredSimulation> {
  const perKind = options.perKind ?? RECORDS_PER_SPLIT;
  const scoring = scoringRecords(neuronRecord, perKind);
  if (scoring.length === 0) throw new NoRecordsError();
  const calibration = calibrationRecords(neuronRecord, perKind);
  const jobs = [
    ...scoring.map((split) => ({ split, purpose: 'scoring' as const })),
    ...calibration.map((split) => ({ split, purpose: 'calibration' as const })),
  ];
  let done = 0;
  const simulations = await mapConcurrently(
    jobs,
    options.concurrency ?? 4,
    options.signal,
    async ({ split, purpose }) => {
      const simulation = await simulator.simulateRecord(
        explanation,
        split.record.tokens,
        options.signal ? { signal: options.signal } : {},
      );
      checkSimulation(simulation, split.record.tokens);
      done++;
      options.onProgress?.({
        done,
        total: jobs.length,
        record: { kind: split.kind, index: split.index, purpose },
      });
      return simulation;
    },
  );
  const simulated: SimulatedRecord[] = jobs.map(({ split }, i) => ({
    record: split.record,
    simulation: simulations[i]!,
  }));
  return scoreSimulations(simulated.slice(0, scoring.length), simulated.slice(scoring.length));
}

/** Simulate an explanation on texts of the user's own (tokens only, so no score). */
export function simulateTexts(
  simulator: Simulator,
  explanation: string,
  tokenLists: readonly string[][],
  options: SimulateOptions = {},
): Promise<SequenceSimulation[]> {
  return mapConcurrently(tokenLists, options.concurrency ?? 4, options.signal, async (tokens) => {
    const simulation = await simulator.simulateRecord(
      explanation,
      tokens,
      options.signal ? { signal: options.signal } : {},
    );
    checkSimulation(simulation, tokens);
    return simulation;
  });
}
