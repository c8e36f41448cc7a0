import { describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../format/types.ts';
import {
  calibrationRecords,
  scoringRecords,
  splitRandomRecords,
  splitTopRecords,
  trainRecords,
} from './splits.ts';

const records = (prefix: string, n: number): ActivationRecord[] =>
  Array.from({ length: n }, (_, i) => ({ tokens: [`${prefix}${i}`], activations: [i] }));
const names = (list: ActivationRecord[]) => list.map((r) => r.tokens[0]);

describe('record splits', () => {
  it('deals top-activating records round-robin into train, calibration, valid, test', () => {
    const splits = splitTopRecords(records('top', 10));
    expect(names(splits.train)).toEqual(['top0', 'top4', 'top8']);
    expect(names(splits.calibration)).toEqual(['top1', 'top5', 'top9']);
    expect(names(splits.valid)).toEqual(['top2', 'top6']);
    expect(names(splits.test)).toEqual(['top3', 'top7']);
  });

  it('deals random records into calibration, valid, test', () => {
    const splits = splitRandomRecords(records('random', 7));
    expect(names(splits.calibration)).toEqual(['random0', 'random3', 'random6']);
    expect(names(splits.valid)).toEqual(['random1', 'random4']);
    expect(names(splits.test)).toEqual(['random2', 'random5']);
  });

  it('scores 5 top then 5 random valid records, as the published files hold them', () => {
    const held = scoringRecords({
      most_positive_activation_records: records('top', 50),
      random_sample: records('random', 50),
    });
    expect(held.map((r) => `${r.kind}:${r.index}`)).toEqual([
      'top:2',
      'top:6',
      'top:10',
      'top:14',
      'top:18',
      'random:1',
      'random:4',
      'random:7',
      'random:10',
      'random:13',
    ]);
    const calibration = calibrationRecords({
      most_positive_activation_records: records('top', 50),
      random_sample: records('random', 50),
    });
    expect(calibration.map((r) => `${r.kind}:${r.index}`)).toEqual([
      'top:1',
      'top:5',
      'top:9',
      'top:13',
      'top:17',
      'random:0',
      'random:3',
      'random:6',
      'random:9',
      'random:12',
    ]);
    expect(names(trainRecords({ most_positive_activation_records: records('top', 50) }))).toEqual([
      'top0',
      'top4',
      'top8',
      'top12',
      'top16',
    ]);
  });

  it('takes fewer when a neuron has fewer records (the 4-record partial files)', () => {
    const neuron = { most_positive_activation_records: records('top', 4), random_sample: [] };
    expect(scoringRecords(neuron).map((r) => r.index)).toEqual([2]);
    expect(calibrationRecords(neuron).map((r) => r.index)).toEqual([1]);
    expect(scoringRecords({ most_positive_activation_records: [], random_sample: [] })).toEqual([]);
  });
});
