import { describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../format/types.ts';
import { baselineSimulator } from './baseline.ts';
import {
  baselineReviser,
  buildRevisionMessages,
  reviseExplanation,
  worstSimulated,
  type RevisionRecord,
} from './revise.ts';

const revisionRecord = (index: number, real: number[], simulated: number[]): RevisionRecord => ({
  source: { kind: 'top', index },
  tokens: real.map((_, i) => ` t${i}`),
  real,
  simulated,
});

describe('revising an explanation', () => {
  it('picks the records simulated worst, on the 0..10 scale of the neuron’s largest activation', () => {
    const records = [
      revisionRecord(0, [2, 0], [10, 0]), // real 10 at max 2: exact
      revisionRecord(1, [2, 0], [0, 0]), // missed the peak: error 50
      revisionRecord(2, [0, 0], [0, 6]), // fired where the neuron is quiet: error 18
      revisionRecord(3, [-0.1, 1], [0, 5]), // exact once negatives count as 0
    ];
    expect(worstSimulated(records, 2, 2).map((r) => r.source.index)).toEqual([1, 2]);
  });

  it('shows each worst record as token, real, predicted', () => {
    const messages = buildRevisionMessages(' cats.', [revisionRecord(0, [2, 0.4], [0, 9.6])], 2);
    expect(messages[1]!.content).toContain(
      'Current description: the main thing this neuron does is find cats.',
    );
    expect(messages[1]!.content).toContain(
      'Excerpt 1 (token, real, predicted):\n t0\t10\t0\n t1\t2\t10',
    );
  });

  it('the baseline revises from the test records, naming what the explanation missed', async () => {
    const record = (words: string[], firing: string): ActivationRecord => ({
      tokens: words,
      activations: words.map((w) => (w === firing ? 3 : 0)),
    });
    const top = Array.from({ length: 8 }, (_, i) =>
      record([' the', ' cat', ' and', ` dog${i}`, ' ran'], ' cat'),
    );
    const random = Array.from({ length: 6 }, () => record([' it', ' rained'], ''));
    const revised = await reviseExplanation(baselineSimulator, baselineReviser, 'the word "dog"', {
      most_positive_activation_records: top,
      random_sample: random,
    });
    // Test split: top records 3 and 7, random records 2 and 5; the two top ones missed " cat".
    expect(revised.shown.map((r) => `${r.source.kind}:${r.source.index}`).slice(0, 2)).toEqual([
      'top:3',
      'top:7',
    ]);
    expect(revised.explanation).toContain('cat');
  });
});
