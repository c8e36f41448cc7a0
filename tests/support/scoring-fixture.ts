/**
 * A neuron shaped like the release's for scoring tests and benchmarks: 50 top-activating records
 * that fire on " cat" (at activations from 2 to 5), 50 random records of which 1 in 5 holds a
 * cat, and five per-quantile lists of 20 (the lower three quiet). Deterministic; enough firing
 * and quiet records for 20 + 20 detection and fuzzing examples.
 */
import type { ActivationRecord, NeuronRecord } from '../../src/core/format/types.ts';

const WORDS = [
  ' the',
  ' dog',
  ' ran',
  ' across',
  ' a',
  ' field',
  '.',
  ' It',
  ' was',
  ' late',
  ',',
  ' and',
  ' rain',
  ' fell',
  ' on',
  ' roof',
  ' while',
  ' we',
  ' slept',
  ' house',
];

function record(seed: number, length: number, cats: number, peak: number): ActivationRecord {
  const tokens = Array.from(
    { length },
    (_, i) => WORDS[(seed * 7 + i * 3 + (i >> 2)) % WORDS.length]!,
  );
  const activations = tokens.map((_, i): number => ((seed + i) % 9 === 0 ? 0.02 : -0.03));
  for (let c = 0; c < cats; c++) {
    const at = (seed * 5 + c * 11 + 3) % length;
    tokens[at] = ' cat';
    activations[at] = Math.round(peak * (1 - c * 0.2) * 1000) / 1000;
  }
  // A first token of its own, so that no two records are the same text.
  tokens[0] = ` R${seed}`;
  return { tokens, activations };
}

export function scoringNeuronRecord(layer: number, neuron: number, length = 64): NeuronRecord {
  return {
    neuron_id: { layer_index: layer, neuron_index: neuron },
    most_positive_activation_records: Array.from({ length: 50 }, (_, i) =>
      record(i, length, 1 + (i % 3), 5 - i * 0.06),
    ),
    random_sample: Array.from({ length: 50 }, (_, i) =>
      record(1000 + i, length, i % 5 === 0 ? 1 : 0, 2 + (i % 3)),
    ),
    random_sample_by_quantile: Array.from({ length: 5 }, (_, q) =>
      Array.from({ length: 20 }, (_, i) =>
        record(2000 + q * 100 + i, length, q >= 3 ? 1 : 0, q === 4 ? 3 : 1.5),
      ),
    ),
    quantile_boundaries: [null, 0.01, 0.02, 1, 2.5, null],
    mean: 0.1,
    variance: 0.4,
    skewness: null,
    kurtosis: null,
  };
}
