import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayBeActivation } from '../../core/simulation/simulation-prompt.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
  type TestServerMode,
} from '../../../tests/support/openai-test-server.ts';
import {
  parseCompletionChoice,
  readCompletionChoice,
  scanCompletionChoice,
  type CompletionChoice,
} from './completion-reader.ts';

/** What the simulator reads of a choice: token, logprob, bytes and alternatives' token, logprob. */
function read(choice: CompletionChoice | null) {
  if (!choice) return choice;
  const pick = <T extends object>(value: T, keys: (keyof T)[]): Record<string, unknown> =>
    Object.fromEntries(keys.filter((key) => key in value).map((key) => [key, value[key]]));
  return {
    ...choice,
    logprobs:
      choice.logprobs?.map((entry) => {
        if (!entry || typeof entry !== 'object') return entry;
        const kept = pick(entry, ['token', 'logprob', 'bytes', 'top_logprobs']);
        if (Array.isArray(entry.top_logprobs)) {
          kept.top_logprobs = entry.top_logprobs.map((alternative) =>
            alternative && typeof alternative === 'object'
              ? pick(alternative, ['token', 'logprob'])
              : alternative,
          );
        }
        return kept;
      }) ?? null,
  };
}

/** The general path's reading (JSON.parse), or its error. */
function parsed(text: string) {
  try {
    return { value: read(parseCompletionChoice(text, mayBeActivation)) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

function readBoth(text: string) {
  try {
    return { value: read(readCompletionChoice(text, mayBeActivation)) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const entry = (token: string, logprob: number, alternatives: [string, number][]) => ({
  token,
  logprob,
  bytes: [...Buffer.from(token)],
  top_logprobs: alternatives.map(([t, l]) => ({
    token: t,
    logprob: l,
    bytes: [...Buffer.from(t)],
  })),
});

/** A small answer in OpenAI's shape: two lines, "a\t3\n\u00e9\"\t10". */
const small = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'a\t3\n\u00e9"\t10', refusal: null, annotations: [] },
      logprobs: {
        content: [
          entry('a', -0.01, [
            ['a', -0.01],
            ['b', -5.5e-3],
          ]),
          entry('\t', 0, [['\t', 0]]),
          entry('3', -0.2, [
            ['3', -0.2],
            ['4', -1.7],
            ['x', -20],
          ]),
          entry('\n', 0, [['\n', 0]]),
          entry('\u00e9"', -1e-7, [['\u00e9"', -1e-7]]),
          entry('\t', 0, [['\t', 0]]),
          entry('10', -0.5, [
            ['10', -0.5],
            ['9', -0.9],
          ]),
        ],
        refusal: null,
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17 },
});

describe('reading a chat completion', () => {
  let upstream: OpenAiTestServer;
  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
  });
  afterAll(() => upstream.close());

  async function answer(mode: TestServerMode, logprobs = true): Promise<string> {
    upstream.configure({ mode });
    const response = await upstream.ask({
      model: 'm',
      messages: [
        {
          role: 'user',
          content:
            'Neuron description: the main thing this neuron does is find the word cat.\n\nTokens (4):\nThe\n cat\n sat\n\u00e9t\u00e9',
        },
      ],
      ...(logprobs && { logprobs: true, top_logprobs: 5 }),
    });
    return response.text();
  }

  const modes: TestServerMode[] = ['correct', 'no-logprobs', 'wrong-tokens', 'zeros'];
  it.each(modes)('reads what JSON.parse reads from a %s answer, in one pass', async (mode) => {
    for (const logprobs of [true, false]) {
      const text = await answer(mode, logprobs);
      const scanned = scanCompletionChoice(text, mayBeActivation);
      expect(scanned).toBeDefined();
      expect(read(scanned!)).toEqual(parsed(text).value);
      // Pretty-printed, as some servers send it.
      const pretty = JSON.stringify(JSON.parse(text), null, 2);
      expect(scanCompletionChoice(pretty, mayBeActivation)).toBeDefined();
      expect(read(readCompletionChoice(pretty, mayBeActivation))).toEqual(parsed(text).value);
    }
  });

  it('drops the alternatives of tokens that are not numbers, keeps the numbers', () => {
    const choice = readCompletionChoice(small, mayBeActivation)!;
    expect(choice.content).toBe('a\t3\n\u00e9"\t10');
    expect(choice.finishReason).toBe('stop');
    expect(choice.logprobs!.map((l) => l.top_logprobs!.length)).toEqual([0, 0, 3, 0, 0, 0, 2]);
    expect(choice.logprobs![4]).toEqual({
      token: '\u00e9"',
      logprob: -1e-7,
      bytes: [195, 169, 34],
      top_logprobs: [],
    });
    expect(choice.logprobs![6]!.top_logprobs).toEqual([
      { token: '10', logprob: -0.5 },
      { token: '9', logprob: -0.9 },
    ]);
  });

  it('reads answers of other shapes through JSON.parse, with the same result', () => {
    const value = JSON.parse(small) as {
      choices: { logprobs: { content: Record<string, unknown>[] } }[];
    };
    // llama.cpp puts the token id first; others leave bytes out or put top_logprobs first.
    const variants = [
      value.choices[0]!.logprobs.content.map((e) => ({ id: 7, ...e })),
      value.choices[0]!.logprobs.content.map(({ bytes: _bytes, ...e }) => e),
      value.choices[0]!.logprobs.content.map(({ top_logprobs, ...e }) => ({ top_logprobs, ...e })),
      value.choices[0]!.logprobs.content.map((e) => ({ ...e, logprob: null })),
      [null, 3, 'x'],
    ];
    for (const content of variants) {
      const text = JSON.stringify({
        ...value,
        choices: [{ ...value.choices[0], logprobs: { content } }],
      });
      expect(readBoth(text)).toEqual(parsed(text));
    }
    for (const text of [
      '{}',
      '{"choices":[]}',
      '{"choices":[null]}',
      '{"choices":[{"message":null}]}',
      '{"choices":[{"message":{"content":null,"refusal":"no"}}]}',
      '{"choices":[{"message":{"content":"x"}},{"message":7}],"choices":[{"message":{"content":"y"}}]}',
      '[1]',
      'null',
    ]) {
      expect(readBoth(text)).toEqual(parsed(text));
    }
  });

  it('fails exactly where JSON.parse fails: every cut and many one-character changes', () => {
    for (let end = 0; end < small.length; end++) {
      const text = small.slice(0, end);
      expect(readBoth(text), `cut at ${end}`).toEqual(parsed(text));
    }
    const replacements = [
      '"',
      '\\',
      ',',
      ':',
      '{',
      '}',
      '[',
      ']',
      '0',
      '-',
      '.',
      'e',
      ' ',
      '\u0001',
      'n',
      'u',
    ];
    let readInOnePass = 0;
    for (let at = 0; at < small.length; at++) {
      for (const character of replacements) {
        const text = small.slice(0, at) + character + small.slice(at + 1);
        expect(readBoth(text), `${JSON.stringify(character)} at ${at}`).toEqual(parsed(text));
        if (scanCompletionChoice(text, mayBeActivation) !== undefined) readInOnePass++;
      }
    }
    // The changes that leave JSON of the usual shape (other digits, spaces) took the fast path.
    expect(readInOnePass).toBeGreaterThan(5000);
    // 19,000 answers read both ways: seconds on a loaded machine.
  }, 30_000);

  it('decodes escapes as JSON.parse does', () => {
    const tokens = ['\\', '"', '/', '\b\f\r', '\u2028', '\ud83d\ude00', 'caf\u00e9', '\\u0041'];
    const escaped = JSON.stringify({
      choices: [
        {
          message: { content: tokens.join('') },
          logprobs: { content: tokens.map((token) => entry(token, -1, [[token, -1]])) },
          finish_reason: 'stop',
        },
      ],
    })
      // Escapes JSON.stringify does not write: \/ and \u for plain characters.
      .replaceAll('caf\u00e9', 'caf\\u00e9')
      .replaceAll('"/"', '"\\/"');
    expect(scanCompletionChoice(escaped, mayBeActivation)).toBeDefined();
    expect(readBoth(escaped)).toEqual(parsed(escaped));
    expect(readCompletionChoice(escaped)!.logprobs!.map((l) => l.token)).toEqual(tokens);
  });
});
