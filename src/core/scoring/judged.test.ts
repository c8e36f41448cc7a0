import { describe, expect, it } from 'vitest';
import type { ActivationRecord, NeuronRecord } from '../format/types.ts';
import { baselineJudge } from './baseline-judge.ts';
import { fuzzingMarks, selectExamples } from './examples.ts';
import { JudgeFormatError, type JudgeExcerpt } from './judge-prompt.ts';
import { scoreByJudge, type Judge } from './judged.ts';
import { classificationScores } from './metrics.ts';

const WORDS = [' the', ' a', ' dog', ' ran', ' home', ' and', ' then', ' slept', ' in', ' sun'];

/** A record of 16 tokens; "cat" (if `cats`) at the given places, firing at `peak`. */
function record(seed: number, cats: number[], peak: number): ActivationRecord {
  const tokens = Array.from({ length: 16 }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]!);
  const activations = tokens.map(() => -0.05);
  for (const at of cats) {
    tokens[at] = ' cat';
    activations[at] = peak;
  }
  tokens[0] = `R${seed}`; // every record's text differs
  return { tokens, activations };
}

/** A neuron that fires on " cat": 24 top records, 30 random (quiet), quantile lists of both. */
function catNeuron(): Pick<
  NeuronRecord,
  'most_positive_activation_records' | 'random_sample' | 'random_sample_by_quantile'
> {
  return {
    most_positive_activation_records: Array.from({ length: 24 }, (_, i) =>
      record(i, [3 + (i % 5)], 10 - i * 0.2),
    ),
    random_sample: Array.from({ length: 30 }, (_, i) => record(100 + i, [], 0)),
    random_sample_by_quantile: [
      Array.from({ length: 4 }, (_, i) => record(200 + i, [], 0)),
      Array.from({ length: 4 }, (_, i) => record(300 + i, [5], 3 + i)),
    ],
  };
}

const isCat = (excerpt: JudgeExcerpt) =>
  excerpt.marked === null
    ? excerpt.tokens.includes(' cat')
    : excerpt.marked.every((i) => excerpt.tokens[i] === ' cat');

/** A judge that answers by `answer` and counts its calls. */
function scriptedJudge(answer: (excerpt: JudgeExcerpt, position: number) => boolean) {
  const calls: number[] = [];
  const judge: Judge = {
    id: 'openai',
    model: 'scripted',
    async judge(_scorer, _explanation, excerpts) {
      calls.push(excerpts.length);
      return excerpts.map((excerpt, i) => ({ fits: answer(excerpt, i), probability: null }));
    },
  };
  return { judge, calls };
}

describe('choosing examples', () => {
  it('draws firing records across their peaks and quiet random ones, never the train split', () => {
    const neuron = catNeuron();
    const selection = selectExamples(neuron, { seed: 1 });
    const activating = selection.examples.filter((e) => e.activating);
    const quiet = selection.examples.filter((e) => !e.activating);
    expect(activating).toHaveLength(20);
    expect(quiet).toHaveLength(20);
    expect(selection.maxActivation).toBe(10);
    expect(selection.firingLevel).toBe(2.5);
    for (const example of activating) {
      expect(example.peak).toBeGreaterThanOrEqual(2.5);
      if (example.source.kind === 'top') expect(example.source.index % 4).not.toBe(0);
    }
    for (const example of quiet) expect(example.peak).toBeLessThan(1);
    // Both ends of the range of peaks are represented: the weakest firing records are the
    // quantile list's (peaks 3 to 6), the strongest the top records'.
    expect(activating.some((e) => e.source.kind === 'quantile')).toBe(true);
    expect(activating.some((e) => e.peak > 9)).toBe(true);
    // Seeded.
    expect(selectExamples(neuron, { seed: 1 })).toEqual(selection);
    expect(selectExamples(neuron, { seed: 2 }).examples).not.toEqual(selection.examples);
  });

  it('marks the firing tokens of activating examples and as many random ones elsewhere', () => {
    const selection = selectExamples(catNeuron(), { seed: 1 });
    const marks = fuzzingMarks(selection, 1);
    selection.examples.forEach((example, i) => {
      if (example.activating) {
        expect(marks[i]!.map((t) => example.record.tokens[t])).toEqual([' cat']);
      } else {
        expect(marks[i]).toHaveLength(1);
        expect(example.record.tokens[marks[i]![0]!]!.trim()).not.toBe('');
      }
    });
  });
});

describe('detection and fuzzing', () => {
  it.each(['detection', 'fuzzing'] as const)(
    '%s: a judge that is always right scores 1, in 4 calls of 10',
    async (scorer) => {
      const { judge, calls } = scriptedJudge(isCat);
      const score = await scoreByJudge(scorer, judge, 'the word "cat"', catNeuron(), { seed: 3 });
      expect(calls).toEqual([10, 10, 10, 10]);
      expect(score.balanced_accuracy).toBe(1);
      expect(score.f1).toBe(1);
      expect(score.interval).toEqual([1, 1]);
      expect(score.examples.every((e) => e.correct)).toBe(true);
      expect(score.basis).toMatchObject({
        scorer,
        records: 40,
        activating: 20,
        non_activating: 20,
        role: 'judge',
        provider: 'openai',
        model: 'scripted',
        sampling: 'sampled',
        seed: 3,
        weak: false,
      });
      expect(score.basis.prompt_version).toMatch(new RegExp(`^${scorer}-`));
      expect(score.basis.tokens).toBe(40 * 16);
      expect(score.note).toBeNull();
    },
  );

  it('a judge that is always wrong scores 0; one right half the time, as its answers say', async () => {
    const wrong = await scoreByJudge(
      'detection',
      scriptedJudge((e) => !isCat(e)).judge,
      'x',
      catNeuron(),
    );
    expect(wrong.balanced_accuracy).toBe(0);
    expect(wrong.f1).toBe(0);

    const half = await scoreByJudge(
      'detection',
      scriptedJudge((e, position) => (position % 2 === 0 ? isCat(e) : !isCat(e))).judge,
      'x',
      catNeuron(),
    );
    const expected = classificationScores(
      half.examples.map((e) => ({
        positive: e.activating,
        predicted: e.verdict.fits,
        probability: null,
      })),
    );
    expect(half.balanced_accuracy).toBe(expected.balanced_accuracy);
    expect(half.examples.filter((e) => e.correct)).toHaveLength(20);
    expect(half.interval![0]).toBeLessThan(0.5);
    expect(half.interval![1]).toBeGreaterThan(0.5);
  });

  it('a wrong-format answer fails the score; nothing is made of the other batches', async () => {
    let call = 0;
    const judge: Judge = {
      id: 'openai',
      model: 'broken',
      async judge(_scorer, _explanation, excerpts) {
        if (call++ === 2) throw new JudgeFormatError('expected yes or no', { line: 3 });
        return excerpts.map(() => ({ fits: true, probability: null }));
      },
    };
    await expect(scoreByJudge('fuzzing', judge, 'x', catNeuron())).rejects.toThrow(
      JudgeFormatError,
    );
  });

  it('a partial neuron (4 top records, no random ones) is weak and has no balanced accuracy', async () => {
    const neuron = {
      most_positive_activation_records: catNeuron().most_positive_activation_records.slice(0, 4),
      random_sample: [],
      random_sample_by_quantile: null,
    };
    const score = await scoreByJudge('detection', baselineJudge, 'the word "cat"', neuron);
    expect(score.examples.map((e) => e.source)).toEqual(
      [1, 2, 3].map((index) => expect.objectContaining({ kind: 'top', index })),
    );
    expect(score.balanced_accuracy).toBeNull();
    expect(score.interval).toBeNull();
    expect(score.note).toMatch(/no quiet random-sample records/);
    expect(score.recall).toBe(1);
    expect(score.basis).toMatchObject({
      records: 3,
      weak: true,
      sampling: 'offline',
      prompt_version: null,
    });
  });
});

describe('the offline baseline judge', () => {
  it('finds the named word, and gives its ratings as probabilities', async () => {
    const score = await scoreByJudge('detection', baselineJudge, 'the word "cat"', catNeuron());
    expect(score.balanced_accuracy).toBe(1);
    expect(score.auprc).toBe(1);
    expect(score.basis.model).toBe('baseline');
    const off = await scoreByJudge('fuzzing', baselineJudge, 'the word "sun"', catNeuron());
    expect(off.balanced_accuracy).toBeLessThan(0.75);
  });
});
