import { describe, expect, it } from 'vitest';
import { encode, decode } from 'gpt-tokenizer/encoding/r50k_base';
import { escapeToken } from './tokens.ts';
import {
  buildSimulationMessages,
  EXPLANATION_PREFIX,
  mayBeActivation,
  parseSimulationResponse,
} from './simulation-prompt.ts';
import { SimulationFormatError, type ChatTokenLogprob } from './types.ts';

const tokens = ['The', ' rain', ' fell', ' in', ' March', '.\n', '\t', 'x'];

function response(values: (number | string)[], list = tokens): string {
  return list.map((t, i) => `${escapeToken(t)}\t${values[i]}`).join('\n');
}

function formatError(run: () => unknown): SimulationFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SimulationFormatError);
    return error as SimulationFormatError;
  }
  throw new Error('expected a SimulationFormatError');
}

describe('buildSimulationMessages', () => {
  it('asks for one line per token after the explanation, tokens escaped', () => {
    const messages = buildSimulationMessages(' words about the weather', tokens);
    expect(messages[0]!.role).toBe('system');
    const last = messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toContain(`${EXPLANATION_PREFIX} words about the weather.`);
    const listed = last.content.split('\n').slice(-tokens.length);
    expect(listed).toEqual(tokens.map(escapeToken));
    expect(last.content).toContain(`Tokens (${tokens.length}):`);
  });

  it('ends the description with one period', () => {
    const messages = buildSimulationMessages(' movies and characters.', tokens);
    expect(messages.at(-1)!.content).toContain('find movies and characters.\n');
  });

  it('shows the answer format once, in a worked example the parser accepts', () => {
    const messages = buildSimulationMessages(' anything', tokens);
    const exampleTokens = messages[1]!.content
      .split('\n')
      .slice(3)
      .map((line) => line);
    const parsed = parseSimulationResponse(
      exampleTokens.map((t) => t.replace('\\n', '\n')),
      messages[2]!.content,
    );
    expect(parsed.expected_activations.some((v) => v > 0)).toBe(true);
  });
});

describe('parseSimulationResponse', () => {
  it('reads the numbers of a well-formed response', () => {
    const simulation = parseSimulationResponse(tokens, response([0, 8, 1, 0, 10, 0, 0, 2]));
    expect(simulation.tokens).toEqual(tokens);
    expect(simulation.expected_activations).toEqual([0, 8, 1, 0, 10, 0, 0, 2]);
    expect(simulation.activation_scale).toBe('simulated_normalized_activations');
    expect(simulation.distribution_values).toEqual([]);
    expect(simulation.uncalibrated_simulation).toBeNull();
  });

  it('tolerates a code fence, a preamble, CRLF, spaces around tokens and blank lines', () => {
    const body = response([0, 8, 1, 0, 10, 0, 0, 2])
      .split('\n')
      .map((line) => line.replace(' rain', 'rain '))
      .join('\r\n');
    const content = `Here are the activations:\n\n\`\`\`\n${body}\n\`\`\`\n`;
    expect(parseSimulationResponse(tokens, content).expected_activations).toEqual([
      0, 8, 1, 0, 10, 0, 0, 2,
    ]);
  });

  it('accepts decimals and bold numbers, and spaces instead of a tab', () => {
    const content = 'The\t0\n rain\t**7**\n fell 2.5';
    expect(
      parseSimulationResponse(['The', ' rain', ' fell'], content).expected_activations,
    ).toEqual([0, 7, 2.5]);
  });

  it('says which line has the wrong token', () => {
    const lines = response([0, 8, 1, 0, 10, 0, 0, 2]).split('\n');
    lines[4] = ' April\t10';
    const error = formatError(() => parseSimulationResponse(tokens, lines.join('\n')));
    expect(error.line).toBe(5);
    expect(error.message).toBe('line 5: wrong token: expected " March" (token 5), found " April"');
  });

  it('fails on a skipped token rather than shifting the values', () => {
    const lines = response([0, 8, 1, 0, 10, 0, 0, 2]).split('\n');
    lines.splice(2, 1);
    const error = formatError(() => parseSimulationResponse(tokens, lines.join('\n')));
    expect(error.message).toMatch(/^line 3: wrong token: expected " fell"/);
  });

  it('fails on missing lines, and says when the response was cut off', () => {
    const short = response([0, 8, 1]).split('\n').slice(0, 3).join('\n');
    expect(formatError(() => parseSimulationResponse(tokens, short)).message).toBe(
      'missing lines: the response rates 3 of 8 tokens',
    );
    expect(
      formatError(() => parseSimulationResponse(tokens, short, null, { finishReason: 'length' }))
        .message,
    ).toBe('the response was cut off (length limit) after 3 of 8 tokens');
    expect(formatError(() => parseSimulationResponse(tokens, `${short}\n in`)).message).toBe(
      'line 4: the response ends mid-line after 3 of 8 tokens (truncated)',
    );
  });

  it('fails on a value that is not a number from 0 to 10', () => {
    const lines = response([0, 8, 1, 0, 10, 0, 0, 2]).split('\n');
    lines[1] = ' rain\thigh';
    expect(formatError(() => parseSimulationResponse(tokens, lines.join('\n'))).message).toBe(
      'line 2: expected a number from 0 to 10 after the token, found "high"',
    );
    lines[1] = ' rain\t11';
    expect(formatError(() => parseSimulationResponse(tokens, lines.join('\n'))).message).toBe(
      'line 2: activation 11 is outside 0..10',
    );
  });

  it('fails on an empty response and on lines beyond the tokens', () => {
    expect(formatError(() => parseSimulationResponse(tokens, '  \n')).message).toBe(
      'the response is empty',
    );
    const extra = `${response([0, 8, 1, 0, 10, 0, 0, 2])}\n more\t3`;
    expect(formatError(() => parseSimulationResponse(tokens, extra)).message).toMatch(
      /^line 9: more lines than the 8 tokens/,
    );
  });

  it('fails on a line with no value', () => {
    const lines = response([0, 8, 1, 0, 10, 0, 0, 2]).split('\n');
    lines[7] = 'x';
    expect(formatError(() => parseSimulationResponse(tokens, lines.join('\n'))).message).toBe(
      'line 8: no activation after the token (expected token, tab, number)',
    );
  });

  it('round-trips real GPT-2 tokens of awkward text', () => {
    const text =
      'He said: "x\ty = {a: [1, 2]}";\n\n\tif (a\\b) { return; }\r\n  caf\u00e9 \u2014 ok';
    const real = encode(text).map((id) => decode([id]));
    const values = real.map((_, i) => i % 11);
    const simulation = parseSimulationResponse(real, response(values, real));
    expect(simulation.expected_activations).toEqual(values);
  });
});

/** Logprob entries spelling `content`, one per piece, with alternatives for the number pieces. */
function logprobsFor(pieces: string[], alternatives: Record<number, [string, number][]>) {
  return pieces.map((token, i): ChatTokenLogprob => {
    const top = alternatives[i]?.map(([t, p]) => ({ token: t, logprob: Math.log(p) }));
    return { token, logprob: top ? top[0]!.logprob : 0, top_logprobs: top ?? [] };
  });
}

describe('parseSimulationResponse with top_logprobs', () => {
  const two = ['The', ' rain'];
  const pieces = ['The', '\t', '0', '\n', ' rain', '\t', '7'];
  const content = pieces.join('');

  it('takes the expected value over the numbers among the alternatives', () => {
    const logprobs = logprobsFor(pieces, {
      2: [
        ['0', 0.9],
        ['1', 0.1],
      ],
      6: [
        ['7', 0.5],
        ['10', 0.25],
        ['high', 0.15],
        ['4', 0.1],
      ],
    });
    const simulation = parseSimulationResponse(two, content, logprobs);
    expect(simulation.expected_activations[0]).toBeCloseTo(0.1, 12);
    // "high" is not a number: the rest are renormalised.
    expect(simulation.expected_activations[1]).toBeCloseTo(
      (7 * 0.5 + 10 * 0.25 + 4 * 0.1) / 0.85,
      12,
    );
    expect(simulation.distribution_values).toEqual([
      [0, 1],
      [4, 7, 10],
    ]);
    expect(simulation.distribution_probabilities[1]!.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });

  it('adds up alternatives that spell the same number, and skips what is not 0..10', () => {
    const logprobs = logprobsFor(pieces, {
      2: [['0', 1]],
      6: [
        ['7', 0.5],
        [' 7', 0.1],
        ['12', 0.2],
        ['2.5', 0.1],
        ['08', 0.1],
      ],
    });
    const simulation = parseSimulationResponse(two, content, logprobs);
    expect(simulation.distribution_values[1]).toEqual([7, 8]);
    expect(simulation.expected_activations[1]).toBeCloseTo((7 * 0.6 + 8 * 0.1) / 0.7, 12);
  });

  it('reads alternatives only at tokens mayBeActivation keeps', () => {
    const logprobs = logprobsFor(pieces, {
      0: [
        ['The', 0.9],
        ['5', 0.1],
      ],
      1: [['\t', 1]],
      2: [
        ['0', 0.9],
        ['1', 0.1],
      ],
      4: [
        [' rain', 0.6],
        ['9', 0.4],
      ],
      6: [
        ['7', 0.5],
        ['10', 0.5],
      ],
    });
    expect(pieces.map(mayBeActivation)).toEqual([false, false, true, false, false, false, true]);
    expect(['**7**', ' 10', '\t3', '2.5', '-1'].every(mayBeActivation)).toBe(true);
    expect([' cat', '7a', '**', ''].some(mayBeActivation)).toBe(false);
    const trimmed = logprobs.map((entry) =>
      mayBeActivation(entry.token) ? entry : { ...entry, top_logprobs: [] },
    );
    expect(parseSimulationResponse(two, content, trimmed)).toEqual(
      parseSimulationResponse(two, content, logprobs),
    );
  });

  it('uses the written number where a number spans two tokens', () => {
    const split = ['The', '\t', '1', '0', '\n', ' rain', '\t', '7'];
    const logprobs = logprobsFor(split, {
      2: [
        ['1', 0.6],
        ['9', 0.4],
      ],
      7: [['7', 1]],
    });
    const simulation = parseSimulationResponse(two, split.join(''), logprobs);
    expect(simulation.expected_activations).toEqual([10, 7]);
    expect(simulation.distribution_values).toEqual([[], [7]]);
  });

  it('lines logprobs up by bytes when tokens split a character', () => {
    const accented = ['caf\u00e9', ' rain'];
    const text = 'caf\u00e9\t3\n rain\t5';
    const bytes = (s: string) => [...new TextEncoder().encode(s)];
    const entries: ChatTokenLogprob[] = [
      { token: 'caf', logprob: 0, bytes: bytes('caf') },
      { token: '\ufffd', logprob: 0, bytes: [0xc3] },
      { token: '\ufffd', logprob: 0, bytes: [0xa9] },
      { token: '\t', logprob: 0, bytes: bytes('\t') },
      {
        token: '3',
        logprob: Math.log(0.5),
        bytes: bytes('3'),
        top_logprobs: [
          { token: '3', logprob: Math.log(0.5) },
          { token: '5', logprob: Math.log(0.5) },
        ],
      },
      { token: '\n rain\t', logprob: 0, bytes: bytes('\n rain\t') },
      { token: '5', logprob: 0, bytes: bytes('5'), top_logprobs: [{ token: '5', logprob: 0 }] },
    ];
    expect(parseSimulationResponse(accented, text, entries).expected_activations).toEqual([4, 5]);
  });

  it('ignores logprobs that do not spell the response', () => {
    const logprobs = logprobsFor(['something else'], {});
    const simulation = parseSimulationResponse(two, content, logprobs);
    expect(simulation.expected_activations).toEqual([0, 7]);
    expect(simulation.distribution_values).toEqual([]);
  });
});
