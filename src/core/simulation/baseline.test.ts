import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realDataDir } from '../../../tests/real-data.ts';
import { parseNeuronRecord, parseNeuronSimulationResults } from '../format/parse.ts';
import { simulateAndScore } from './simulate.ts';
import { decode, encode } from 'gpt-tokenizer/encoding/r50k_base';
import type { ActivationRecord } from '../format/types.ts';
import { correlationScore } from '../scoring/scores.ts';
import {
  baselineExplain,
  baselineExplainer,
  baselineSimulate,
  baselineSimulator,
  compileExplanation,
  stem,
  tokenViews,
} from './baseline.ts';
import { CATEGORIES } from './lexicons.ts';

const tokenize = (text: string) => encode(text).map((id) => decode([id]));

/** Tokens rated at least `level` by the baseline. */
function rated(explanation: string, text: string, level = 5): string[] {
  const tokens = tokenize(text);
  const simulation = baselineSimulate(explanation, tokens);
  return tokens.filter((_, i) => simulation.expected_activations[i]! >= level);
}

describe('tokenViews and stem', () => {
  it('joins the pieces of a word split by GPT-2', () => {
    const views = tokenViews([' thunder', 'storm', 's', ' hit', ',', ' Sept', 'ember']);
    expect(views.map((v) => v.word)).toEqual([
      'thunderstorms',
      'thunderstorms',
      'thunderstorms',
      'hit',
      ',',
      'september',
      'september',
    ]);
  });

  it.each([
    ['storms', 'storm'],
    ['raining', 'rain'],
    ['cities', 'city'],
    ['matches', 'match'],
    ['running', 'run'],
    ['boxes', 'box'],
    ['glass', 'glass'],
  ])('stems %s to %s', (word, stemmed) => expect(stem(word)).toBe(stemmed));
});

describe('baselineSimulate', () => {
  it('rates month names for an explanation about months, and nothing else', () => {
    expect(
      rated(' names of months', 'We met in March, may meet again in May, and left in Sept. 2020.'),
    ).toEqual([' March', ' May', ' Sept']);
  });

  it('matches quoted strings and key words, whatever their case and leading space', () => {
    expect(
      rated(' the word "all" and storms', 'All of us saw all the Storm and the storms.'),
    ).toEqual(['All', ' all', ' Storm', ' storms']);
  });

  it('reads a context rule: the word after "the"', () => {
    expect(rated(' words right after "the"', 'The cat sat on the mat by the door.')).toEqual([
      ' cat',
      ' mat',
      ' door',
    ]);
  });

  it('reads closing brackets, numbers and plural nouns', () => {
    expect(rated(' closing brackets and parentheses', 'f(x) = [a, b] and {c}')).toEqual([
      ')',
      ']',
      '}',
    ]);
    expect(rated(' numbers', 'It cost 12 dollars, or twelve, in 1999.')).toEqual([
      ' 12',
      ' twelve',
      ' 1999',
    ]);
    expect(rated(' plural nouns', 'The dogs chased this cat across fields of flowers.')).toEqual([
      ' dogs',
      ' fields',
      ' flowers',
    ]);
  });

  it('rates the first tokens of the text for a position explanation', () => {
    const tokens = tokenize('One two three four five six seven eight nine ten eleven twelve');
    const values = baselineSimulate(
      ' the first few tokens at the start of the text',
      tokens,
    ).expected_activations;
    expect(values[0]).toBe(10);
    expect(values[1]).toBeGreaterThan(values[5]!);
    expect(values.at(-1)).toBeLessThan(0.5);
  });

  it('gives 0..10 values, no distribution, on the simulated scale', () => {
    const simulation = baselineSimulate(
      ' words about the weather',
      tokenize('Rain and wind today.'),
    );
    expect(simulation.activation_scale).toBe('simulated_normalized_activations');
    expect(Math.max(...simulation.expected_activations)).toBeLessThanOrEqual(10);
    expect(Math.min(...simulation.expected_activations)).toBeGreaterThanOrEqual(0);
    expect(simulation.distribution_values).toEqual([]);
  });

  it('reads "words after the" but not "followed by a noun" as a context rule', () => {
    expect(compileExplanation(' "the" followed by a noun').context).toEqual([]);
    expect(compileExplanation(' words after the').context).toEqual([
      { direction: 'after', trigger: 'the' },
    ]);
    expect(compileExplanation(' tokens preceding "(".').context).toEqual([
      { direction: 'before', trigger: '(' },
    ]);
  });

  it('is named baseline and honours an aborted signal', async () => {
    expect(baselineSimulator.id).toBe('baseline');
    expect(baselineSimulator.model).toBe('baseline');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      baselineSimulator.simulateRecord(' x', ['a'], { signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});

/** Records where a planted rule fires (4..8 units) over GELU-like resting values. */
function plantedRecords(
  texts: string[],
  fires: (token: string, previous: string | undefined) => boolean,
): ActivationRecord[] {
  return texts.map((text) => {
    const tokens = tokenize(text);
    return {
      tokens,
      activations: tokens.map((t, i) =>
        fires(t, tokens[i - 1]) ? 4 + (i % 5) : -0.1 + (i % 3) * 0.03,
      ),
    };
  });
}

const TEXTS = [
  'In March the river rose, and by April the fields were wet. The farmers waited until June.',
  'The meeting moved from October to November; in December nobody remembered why (or when).',
  'She was born in May 1990, started school in September, and finished her thesis in January.',
  'The shop opens in February and closes for the summer in July; August is for repairs [sic].',
  'Reports from the north said the snow would stay until the end of March, maybe April.',
];

describe('baselineExplain', () => {
  it('names the kind of token the top activations share, with examples', () => {
    const records = plantedRecords(TEXTS, (t) =>
      /^ (January|February|March|April|May|June|July|August|September|October|November|December)$/.test(
        t,
      ),
    );
    const explanation = baselineExplain(records);
    expect(explanation).toMatch(
      /^ names of months \(like "[A-Z][a-z]+", "[A-Z][a-z]+" and "[A-Z][a-z]+"\)$/,
    );
  });

  it('names a context when the top tokens differ but follow the same word', () => {
    const records = plantedRecords(TEXTS, (_t, previous) => previous === ' the');
    expect(baselineExplain(records)).toBe(' words right after "the"');
  });

  it('falls back to listing the top tokens', () => {
    const records = plantedRecords(TEXTS, (t) => t === ' river' || t === ' shop');
    expect(baselineExplain(records)).toBe(' the tokens "river" and "shop"');
  });

  it('says when a neuron never fires', async () => {
    const records = plantedRecords(TEXTS, () => false);
    expect(await baselineExplainer.explain(records)).toMatch(/never fires/);
    expect(baselineExplainer.id).toBe('baseline');
  });

  it.each([
    [
      'months',
      (t: string) =>
        /^ (March|April|June|October|November|December|May|September|January|February|July|August)$/.test(
          t,
        ),
    ],
    ['closing brackets', (t: string) => /[)\]]/.test(t)],
    ['after the', (_t: string, p: string | undefined) => p?.trim().toLowerCase() === 'the'],
  ])('writes explanations the baseline simulator scores well (%s)', (_name, fires) => {
    const records = plantedRecords(TEXTS, fires);
    const explanation = baselineExplain(records);
    const real = records.flatMap((r) => r.activations);
    const simulated = records.flatMap(
      (r) => baselineSimulate(explanation, r.tokens).expected_activations,
    );
    expect(correlationScore(real, simulated)).toBeGreaterThan(0.8);
  });
});

describe('category phrases', () => {
  it.each(CATEGORIES.map((c) => [c.id, c] as const))(
    'the phrase for %s is read back as that category',
    (_id, category) => {
      expect(compileExplanation(` ${category.phrase}`).categories).toContain(category);
    },
  );
});

const realData = realDataDir();

describe.skipIf(!realData)('the baseline on real GPT-2 XL neurons', () => {
  it.each([
    ['6/3251', 0.9],
    ['13/979', 0.9],
    ['14/417', 0.6],
  ])('scores the published explanation of %s above %d', async (id, floor) => {
    const [layer, neuron] = id.split('/');
    const read = (path: string) => readFileSync(join(realData!, path), 'utf8');
    const record = parseNeuronRecord(read(`collated-activations/${layer}/${neuron}.json`), {
      path: `collated-activations/${id}.json`,
    });
    const published = parseNeuronSimulationResults(read(`explanations/${layer}/${neuron}.jsonl`), {
      path: `explanations/${id}.jsonl`,
    });
    const explanation = published.scored_explanations[0]!.explanation;
    const scored = await simulateAndScore(baselineSimulator, explanation, record);
    expect(scored.ev_correlation_score).toBeGreaterThan(floor);
  });
});
