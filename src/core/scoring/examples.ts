/**
 * The examples that detection and fuzzing show a judge: records on which the neuron fires, drawn
 * evenly across the range of their peak activations (so a score is not only about the strongest
 * records), and records on which it stays quiet, drawn from the random samples. Records the
 * explanation was written from (the train split) are never used. Seeded: the same neuron and seed
 * give the same examples.
 */
import type { ActivationRecord, NeuronRecord } from '../format/types.ts';
import { hashString, Random } from '../random/random.ts';

/** A token fires at or above this share of the neuron's largest activation in its records. */
export const FIRING_FRACTION = 0.25;
/** A record is quiet (a non-activating example) when its peak is below this share. */
export const QUIET_FRACTION = 0.1;
/** Activating examples are drawn evenly from this many bins of peak activation. */
export const ACTIVATION_BINS = 5;
/** Examples of each kind (activating, non-activating) by default. */
export const EXAMPLES_PER_KIND = 20;

/** Where an example comes from in the neuron's record file. */
export interface ExampleSource {
  kind: 'top' | 'random' | 'quantile';
  /** Index in its list (for "quantile", in random_sample_by_quantile[quantile]). */
  index: number;
  /** For "quantile": which list of random_sample_by_quantile (0 = lowest activations). */
  quantile?: number;
}

export interface SelectedExample {
  source: ExampleSource;
  record: ActivationRecord;
  /** The truth: the neuron fires on this record. */
  activating: boolean;
  /** The record's largest activation. */
  peak: number;
}

export interface ExampleSelection {
  /** Activating examples first, then non-activating ones. */
  examples: SelectedExample[];
  /** The neuron's largest activation over all its records (train split included). */
  maxActivation: number;
  /** Activation at or above which a token fires (in activation units). */
  firingLevel: number;
  /** Peaks below this make a record quiet. */
  quietLevel: number;
}

/** A stream of random numbers of its own for each use of one seed. */
export function seededStream(seed: number, purpose: string): Random {
  return new Random(hashString(purpose, seed >>> 0));
}

function peakOf(record: ActivationRecord): number {
  let peak = -Infinity;
  for (const value of record.activations) if (value > peak) peak = value;
  return peak;
}

type Candidate = Omit<SelectedExample, 'activating'>;

function candidates(neuron: Pick<NeuronRecord, CandidateFields>): Candidate[] {
  const all: Candidate[] = [];
  const add = (record: ActivationRecord, source: ExampleSource) => {
    if (record.tokens.length > 0) all.push({ source, record, peak: peakOf(record) });
  };
  // Top-activating records of the train split (index mod 4 = 0) wrote the explanation.
  neuron.most_positive_activation_records.forEach((record, index) => {
    if (index % 4 !== 0) add(record, { kind: 'top', index });
  });
  neuron.random_sample.forEach((record, index) => add(record, { kind: 'random', index }));
  (neuron.random_sample_by_quantile ?? []).forEach((list, quantile) =>
    list.forEach((record, index) => add(record, { kind: 'quantile', index, quantile })),
  );
  return all;
}

type CandidateFields =
  'most_positive_activation_records' | 'random_sample' | 'random_sample_by_quantile';

/**
 * Up to `perKind` activating and `perKind` non-activating examples. Activating: peak at or above
 * the firing level, split by peak into ACTIVATION_BINS bins of equal count, drawn from the bins in
 * turn. Non-activating: random-sample records whose peak is below the quiet level. A text seen
 * twice (in two lists) is used once.
 */
export function selectExamples(
  neuron: Pick<NeuronRecord, CandidateFields>,
  options: { seed: number; perKind?: number },
): ExampleSelection {
  const perKind = options.perKind ?? EXAMPLES_PER_KIND;
  // Detection and fuzzing draw the same examples, and a server scores a neuron's (cached) record
  // again and again: a selection is made once per record object, seed and size.
  let known = selections.get(neuron);
  if (!known) selections.set(neuron, (known = new Map()));
  const key = `${options.seed}/${perKind}`;
  let selection = known.get(key);
  if (!selection) known.set(key, (selection = drawExamples(neuron, options.seed, perKind)));
  return selection;
}

const selections = new WeakMap<object, Map<string, ExampleSelection>>();

function drawExamples(
  neuron: Pick<NeuronRecord, CandidateFields>,
  seed: number,
  perKind: number,
): ExampleSelection {
  const all = candidates(neuron);
  const allRecords = [
    ...neuron.most_positive_activation_records,
    ...neuron.random_sample,
    ...(neuron.random_sample_by_quantile ?? []).flat(),
  ];
  const maxActivation = allRecords.reduce((max, record) => Math.max(max, peakOf(record)), 0);
  // A neuron that never rises above 0 has no firing tokens at all.
  const firingLevel = maxActivation > 0 ? FIRING_FRACTION * maxActivation : Infinity;
  const quietLevel = maxActivation > 0 ? QUIET_FRACTION * maxActivation : Infinity;

  const seen = new Set<string>();
  const unique = all.filter((candidate) => {
    const key = candidate.record.tokens.join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const firing = unique
    .filter((candidate) => candidate.peak >= firingLevel)
    .sort((a, b) => b.peak - a.peak);
  const quiet = unique.filter(
    (candidate) => candidate.source.kind !== 'top' && candidate.peak < quietLevel,
  );

  const random = seededStream(seed, 'examples');
  const bins = Array.from({ length: ACTIVATION_BINS }, (_, bin) =>
    random.shuffle(
      firing.slice(
        Math.floor((bin * firing.length) / ACTIVATION_BINS),
        Math.floor(((bin + 1) * firing.length) / ACTIVATION_BINS),
      ),
    ),
  );
  const activating: Candidate[] = [];
  for (let round = 0; activating.length < perKind && activating.length < firing.length; round++) {
    for (const bin of bins) {
      if (activating.length < perKind && round < bin.length) activating.push(bin[round]!);
    }
  }
  const nonActivating = random.shuffle(quiet).slice(0, perKind);
  return {
    examples: [
      ...activating.map((c) => ({ ...c, activating: true })),
      ...nonActivating.map((c) => ({ ...c, activating: false })),
    ],
    maxActivation,
    firingLevel,
    quietLevel,
  };
}

/**
 * Fuzzing's marks: in an activating example, the tokens that fire; in a non-activating one, as
 * many tokens (not blank ones) chosen at random as the activating example in the same place of
 * the list has marked. Token indices, ascending.
 */
export function fuzzingMarks(selection: ExampleSelection, seed: number): number[][] {
  const random = seededStream(seed, 'fuzzing-marks');
  const firing = selection.examples
    .filter((example) => example.activating)
    .map((example) =>
      example.record.activations.flatMap((value, i) => (value >= selection.firingLevel ? [i] : [])),
    );
  let quietIndex = 0;
  let activatingIndex = 0;
  return selection.examples.map((example) => {
    if (example.activating) return firing[activatingIndex++]!;
    const wanted = firing.length > 0 ? firing[quietIndex % firing.length]!.length : 1;
    quietIndex++;
    const open = example.record.tokens.flatMap((token, i) => (token.trim() !== '' ? [i] : []));
    const pool = open.length > 0 ? open : example.record.tokens.map((_, i) => i);
    return random
      .shuffle(pool)
      .slice(0, Math.max(1, Math.min(wanted, pool.length)))
      .sort((a, b) => a - b);
  });
}
