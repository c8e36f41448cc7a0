/**
 * Two datasets' scored simulations of one neuron, record by record and token by token. A batch
 * scores the same held-out records as its source (it copies the source's records), so records are
 * paired by their tokens: the per-token difference is B's expected activation minus A's on the
 * same token. A record one side has and the other lacks is counted, not paired.
 */
import { bestExplanationIndex } from '../dataset/build.ts';
import type { NeuronSimulationResults, ScoredExplanation } from '../format/types.ts';

export interface RecordDiff {
  /** The record's position in A's scored simulation, and in B's. */
  indexA: number;
  indexB: number;
  tokens: string[];
  /** Expected (simulated) activations of each side, per token. */
  simulatedA: number[];
  simulatedB: number[];
  /** B − A per token. */
  difference: number[];
  /** The neuron's true activations (A's record), when both sides agree on them; else null. */
  trueActivations: number[] | null;
  /** Each side's correlation with the true activations on this record. */
  scoreA: number | null;
  scoreB: number | null;
  /** Largest |B − A| on the record. */
  largest: number;
}

interface SimulationDiff {
  records: RecordDiff[];
  /** Records only one side scored. */
  onlyA: number;
  onlyB: number;
  /** Mean |B − A| over every paired token; null when no record pairs. */
  meanAbsolute: number | null;
  /** Largest |B − A| over every paired token (0 when none). */
  largest: number;
}

const recordKey = (tokens: readonly string[]) => tokens.join('\u0000');

/** The explanation a page shows first: the best scored (as in browse), or null when none. */
export function bestExplanation(results: NeuronSimulationResults): ScoredExplanation | null {
  const best = bestExplanationIndex(results);
  return best < 0 ? null : results.scored_explanations[best]!;
}

export function diffSimulations(a: ScoredExplanation, b: ScoredExplanation): SimulationDiff {
  const recordsA = a.scored_simulation.scored_sequence_simulations;
  const recordsB = b.scored_simulation.scored_sequence_simulations;
  // Each of B's records may pair once; records with the same tokens pair in order.
  const unpaired = new Map<string, number[]>();
  recordsB.forEach((record, index) => {
    const key = recordKey(record.simulation.tokens);
    const list = unpaired.get(key);
    if (list) list.push(index);
    else unpaired.set(key, [index]);
  });
  const records: RecordDiff[] = [];
  let sum = 0;
  let tokens = 0;
  let largest = 0;
  recordsA.forEach((recordA, indexA) => {
    const key = recordKey(recordA.simulation.tokens);
    const indexB = unpaired.get(key)?.shift();
    if (indexB === undefined) return;
    const recordB = recordsB[indexB]!;
    const simulatedA = recordA.simulation.expected_activations;
    const simulatedB = recordB.simulation.expected_activations;
    const difference = simulatedA.map((value, t) => (simulatedB[t] ?? NaN) - value);
    let recordLargest = 0;
    for (const value of difference) {
      if (value !== value) continue;
      const size = Math.abs(value);
      sum += size;
      tokens++;
      if (size > recordLargest) recordLargest = size;
    }
    if (recordLargest > largest) largest = recordLargest;
    const sameTruth =
      recordA.true_activations.length === recordB.true_activations.length &&
      recordA.true_activations.every((value, t) => value === recordB.true_activations[t]);
    records.push({
      indexA,
      indexB,
      tokens: recordA.simulation.tokens,
      simulatedA,
      simulatedB,
      difference,
      trueActivations: sameTruth ? recordA.true_activations : null,
      scoreA: recordA.ev_correlation_score,
      scoreB: recordB.ev_correlation_score,
      largest: recordLargest,
    });
  });
  return {
    records,
    onlyA: recordsA.length - records.length,
    onlyB: recordsB.length - records.length,
    meanAbsolute: tokens > 0 ? sum / tokens : null,
    largest,
  };
}
