/**
 * The paper's record splits. Top-activating records are dealt round-robin into train, calibration,
 * valid and test (record index mod 4); random records into calibration, valid and test (index
 * mod 3). Explanations are written from train, simulations calibrated on calibration, and the
 * published scores computed on valid: 5 top-activating and 5 random records.
 */
import type { ActivationRecord, NeuronRecord } from '../format/types.ts';

export interface TopRecordSplits {
  train: ActivationRecord[];
  calibration: ActivationRecord[];
  valid: ActivationRecord[];
  test: ActivationRecord[];
}

export interface RandomRecordSplits {
  calibration: ActivationRecord[];
  valid: ActivationRecord[];
  test: ActivationRecord[];
}

/** Records of each kind per split in the paper's scoring. */
export const RECORDS_PER_SPLIT = 5;

function deal<K extends string>(
  records: readonly ActivationRecord[],
  splits: readonly K[],
): Record<K, ActivationRecord[]> {
  const dealt = Object.fromEntries(splits.map((split) => [split, []])) as unknown as Record<
    K,
    ActivationRecord[]
  >;
  records.forEach((record, index) => dealt[splits[index % splits.length]!].push(record));
  return dealt;
}

export function splitTopRecords(records: readonly ActivationRecord[]): TopRecordSplits {
  return deal(records, ['train', 'calibration', 'valid', 'test']);
}

export function splitRandomRecords(records: readonly ActivationRecord[]): RandomRecordSplits {
  return deal(records, ['calibration', 'valid', 'test']);
}

/** A record chosen for simulation, with where it came from (for progress and display). */
export interface SplitRecord {
  kind: 'top' | 'random';
  /** Index in `most_positive_activation_records` or `random_sample`. */
  index: number;
  record: ActivationRecord;
}

function pick(
  records: readonly ActivationRecord[],
  kind: SplitRecord['kind'],
  stride: number,
  offset: number,
  count: number,
): SplitRecord[] {
  const picked: SplitRecord[] = [];
  for (let index = offset; index < records.length && picked.length < count; index += stride) {
    picked.push({ kind, index, record: records[index]! });
  }
  return picked;
}

/**
 * The held-out scoring set: the first 5 top-activating and first 5 random records of the valid
 * split (fewer when the neuron has fewer), top-activating first, as in the published files.
 */
export function scoringRecords(
  neuronRecord: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  perKind = RECORDS_PER_SPLIT,
): SplitRecord[] {
  return [
    ...pick(neuronRecord.most_positive_activation_records, 'top', 4, 2, perKind),
    ...pick(neuronRecord.random_sample, 'random', 3, 1, perKind),
  ];
}

/** The calibration set: up to 5 top-activating and 5 random records of the calibration split. */
export function calibrationRecords(
  neuronRecord: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  perKind = RECORDS_PER_SPLIT,
): SplitRecord[] {
  return [
    ...pick(neuronRecord.most_positive_activation_records, 'top', 4, 1, perKind),
    ...pick(neuronRecord.random_sample, 'random', 3, 0, perKind),
  ];
}

/** Up to 5 top-activating records of the train split: what an explainer is shown. */
export function trainRecords(
  neuronRecord: Pick<NeuronRecord, 'most_positive_activation_records'>,
  count = RECORDS_PER_SPLIT,
): ActivationRecord[] {
  return pick(neuronRecord.most_positive_activation_records, 'top', 4, 0, count).map(
    ({ record }) => record,
  );
}

/**
 * Up to 5 top-activating and 5 random records of the test split: neither written from nor scored
 * on, so a revision of an explanation may look at them without its score seeing them too.
 */
export function testRecords(
  neuronRecord: Pick<NeuronRecord, 'most_positive_activation_records' | 'random_sample'>,
  perKind = RECORDS_PER_SPLIT,
): SplitRecord[] {
  return [
    ...pick(neuronRecord.most_positive_activation_records, 'top', 4, 3, perKind),
    ...pick(neuronRecord.random_sample, 'random', 3, 2, perKind),
  ];
}
