import { describe, expect, it } from 'vitest';
import type { ChatTokenLogprob } from '../simulation/types.ts';
import {
  buildJudgeMessages,
  excerptText,
  JudgeFormatError,
  judgePromptVersion,
  parseJudgeResponse,
} from './judge-prompt.ts';

describe('the judge prompt', () => {
  it('numbers the excerpts, one line each, with fuzzing marks around stretches', () => {
    const messages = buildJudgeMessages('fuzzing', ' the word "cat".', [
      { tokens: ['A', ' cat', ' sat', '.\n', 'Then'], marked: [1, 2] },
      { tokens: ['Dogs', '\tbark'], marked: [0] },
    ]);
    const task = messages.at(-1)!.content;
    expect(task).toContain(
      'Neuron description: the main thing this neuron does is find the word "cat".',
    );
    expect(task).toContain('Excerpts (2):\n1. A« cat sat».\\nThen\n2. «Dogs»\\tbark');
    expect(messages[0]!.content).toMatch(/marked/);
    expect(messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
  });

  it('shows detection excerpts without marks', () => {
    expect(excerptText({ tokens: ['x', ' y'], marked: null })).toBe('x y');
  });

  it('has a version per scorer that names its text', () => {
    expect(judgePromptVersion('detection')).toMatch(/^detection-[0-9a-f]{8}$/);
    expect(judgePromptVersion('fuzzing')).toMatch(/^fuzzing-[0-9a-f]{8}$/);
  });
});

/** Logprobs spelling `content` one character-run per token, with yes/no alternatives. */
function logprobsOf(content: string, pYes: Record<number, number>): ChatTokenLogprob[] {
  const entries: ChatTokenLogprob[] = [];
  let answer = 0;
  for (const piece of content.match(/yes|no|[^yn]+|[yn]/g)!) {
    if (piece === 'yes' || piece === 'no') {
      const p = pYes[answer++] ?? (piece === 'yes' ? 0.9 : 0.1);
      entries.push({
        token: piece,
        logprob: Math.log(piece === 'yes' ? p : 1 - p),
        top_logprobs: [
          { token: 'yes', logprob: Math.log(p) },
          { token: 'no', logprob: Math.log(1 - p) },
          { token: 'maybe', logprob: -12 },
        ],
      });
    } else entries.push({ token: piece, logprob: 0, top_logprobs: [] });
  }
  return entries;
}

describe('reading the judge’s answer', () => {
  it('reads one verdict per excerpt, in any order and with light decoration', () => {
    const verdicts = parseJudgeResponse(4, 'Answers:\n2: no\n1: Yes\n**3**: **yes**\n4. no.\n');
    expect(verdicts.map((v) => v.fits)).toEqual([true, false, true, false]);
    expect(verdicts.every((v) => v.probability === null)).toBe(true);
  });

  it('reads P(yes) against P(no) where each word was written', () => {
    const content = '1: yes\n2: no\n3: yes';
    const verdicts = parseJudgeResponse(
      3,
      content,
      logprobsOf(content, { 0: 0.7, 1: 0.2, 2: 0.55 }),
    );
    expect(verdicts.map((v) => v.probability)).toEqual([
      expect.closeTo(0.7, 12),
      expect.closeTo(0.2, 12),
      expect.closeTo(0.55, 12),
    ]);
  });

  it('leaves the probability out when the logprobs do not spell the answer', () => {
    const verdicts = parseJudgeResponse(1, '1: yes', [{ token: 'something else', logprob: 0 }]);
    expect(verdicts[0]).toEqual({ fits: true, probability: null });
  });

  it.each([
    ['', /empty/],
    ['1: yes\n2: maybe', /line 2: expected yes or no for excerpt 2, found "maybe"/],
    ['1: yes\n1: no\n2: no', /line 2: excerpt 1 is answered twice/],
    ['1: yes', /no answer for excerpt 2 of 2/],
    ['1: yes\n2: no\n3: yes', /line 3: an answer for excerpt 3, but there are 2/],
    ['yes\nno', /no answer in the form "1: yes"/],
  ])('turns %j into a format error, never a verdict', (content, message) => {
    const read = () => parseJudgeResponse(2, content);
    expect(read).toThrow(JudgeFormatError);
    expect(read).toThrow(message);
  });

  it('names a refusal as one', () => {
    try {
      parseJudgeResponse(3, "I'm sorry, but I can't help with judging these excerpts.");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JudgeFormatError);
      expect((error as JudgeFormatError).kind).toBe('refusal');
      expect((error as Error).message).toMatch(/^the judge refused to answer: "I'm sorry/);
    }
  });
});
