import { describe, expect, it } from 'vitest';
import {
  buildExplanationMessages,
  normalizeActivations,
  parseExplanationResponse,
} from './explanation-prompt.ts';
import { ExplanationFormatError } from './types.ts';

describe('normalizeActivations', () => {
  it('clips negatives to 0, maps the largest activation over all records to 10, rounds down', () => {
    expect(
      normalizeActivations([
        { tokens: ['a', 'b', 'c'], activations: [-0.17, 1.0, 3.99] },
        { tokens: ['d', 'e'], activations: [4.0, 0.39] },
      ]),
    ).toEqual([
      [0, 2, 9],
      [10, 0],
    ]);
  });

  it('is all 0 when no activation is positive', () => {
    expect(normalizeActivations([{ tokens: ['a', 'b'], activations: [-0.1, 0] }])).toEqual([
      [0, 0],
    ]);
  });
});

describe('buildExplanationMessages', () => {
  it('shows each record as token<TAB>activation lines ending with the sentence to complete', () => {
    const messages = buildExplanationMessages([
      { tokens: [' in', ' March', '\n'], activations: [-0.1, 2.5, 0.3] },
      { tokens: [' May', ' 4'], activations: [1.25, 0] },
    ]);
    const user = messages.at(-1)!.content;
    expect(user).toContain('Excerpt 1:\n in\t0\n March\t10\n\\n\t1');
    expect(user).toContain('Excerpt 2:\n May\t5\n 4\t0');
    expect(user.trimEnd().endsWith('the main thing this neuron does is find ...')).toBe(true);
  });

  it('refuses to explain from no records', () => {
    expect(() => buildExplanationMessages([])).toThrow(/at least one/);
  });
});

describe('parseExplanationResponse', () => {
  it.each([
    ['month names', ' month names'],
    ['  Month names.', ' Month names'],
    ['Explanation: month names', ' month names'],
    ['**Explanation:** month names', ' month names'],
    ['the main thing this neuron does is find month names.', ' month names'],
    ['...month names', ' month names'],
    ['"month names"', ' month names'],
    ['the tokens "March" and "May"', ' the tokens "March" and "May"'],
    ['```\nmonth names\n```', ' month names'],
    ['month names\n\nThe neuron fires on March, April and so on.', ' month names'],
  ])('reads %j as %j', (content, explanation) => {
    expect(parseExplanationResponse(content)).toBe(explanation);
  });

  it.each(['', '   \n', '```\n```', '"".'])('rejects the empty response %j', (content) => {
    expect(() => parseExplanationResponse(content)).toThrow(ExplanationFormatError);
  });

  it('rejects an essay', () => {
    expect(() => parseExplanationResponse('word '.repeat(200))).toThrow(/characters long/);
  });
});
