/**
 * A DATA_DIR with one small dataset for simulation tests, and the scores a test expects, computed
 * here independently of the code under test.
 */
import { manifestFor, catNeuronRecord, temporaryDirectory, writeDataset } from './datasets.ts';

export const DATASET = 'demo';
/** Fires on " cat" (5) and a little on " mat" (1). */
export const CAT_NEURON = { layer: 0, neuron: 3 };
/** Its collated-activations file is malformed. */
export const BROKEN_NEURON = { layer: 0, neuron: 4 };
/** Has no collated-activations file. */
export const BARE_NEURON = { layer: 0, neuron: 5 };

export async function simulationDataDir() {
  const directory = await temporaryDirectory('ne-sim-');
  const broken = catNeuronRecord(0, 4) as unknown as Record<string, unknown>;
  broken.most_positive_activation_records = [{ tokens: [' a', ' b'], activations: [1] }];
  await writeDataset(directory.path, manifestFor(DATASET, [{ layer: 0, neurons: 8 }]), {
    'collated-activations/0/3.json': catNeuronRecord(0, 3),
    'collated-activations/0/4.json': broken,
  });
  return directory;
}

/** Pearson correlation, written out here so that tests do not check the code with itself. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const meanA = a.reduce((s, x) => s + x, 0) / n;
  const meanB = b.reduce((s, x) => s + x, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - meanA) * (b[i]! - meanB);
    aa += (a[i]! - meanA) ** 2;
    bb += (b[i]! - meanB) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The published score of the test server's simulation of the cat neuron: held-out records are top
 * 2, 6, 10, 14, 18 and random 1, 4, 7, 10, 13; the test server rates " cat" 10 (expected value
 * 9.8 with logprobs: 0.8 on 10, 0.2 on 9) and everything else 0 (0.2 with logprobs).
 */
export function expectedCatScore(withLogprobs: boolean): number {
  const record = catNeuronRecord(0, 3);
  const held = [
    ...[2, 6, 10, 14, 18].map((i) => record.most_positive_activation_records[i]!),
    ...[1, 4, 7, 10, 13].map((i) => record.random_sample[i]!),
  ];
  const real = held.flatMap((r) => r.activations);
  const simulated = held.flatMap((r) =>
    r.tokens.map((t) => (t === ' cat' ? (withLogprobs ? 9.8 : 10) : withLogprobs ? 0.2 : 0)),
  );
  return pearson(real, simulated);
}
