/**
 * Ways an OpenAI-compatible server can misbehave, for the test server's `fault` option: each
 * answers a chat completion request wrongly in one way (prose, impossible numbers, broken JSON,
 * logprobs that are not log-probabilities, error statuses whose bodies repeat the API key, cut or
 * trickling or endless bodies, resets). `outcome` is what the proxy must answer a simulation
 * with: never a score, and never any secret the fault echoes.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** A chat completion request's body, as far as the test server reads it. */
export interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  logprobs?: boolean;
  top_logprobs?: number;
  max_tokens?: number;
}

export interface FaultContext {
  body: ChatBody;
  headers: IncomingHttpHeaders;
  response: ServerResponse;
  /** The correct answer, as JSON text. */
  correct(): string;
  /** Adds to the count of body bytes the server has handed to the socket. */
  sent(bytes: number): void;
}

export interface Fault {
  name: string;
  /** What the server does wrong. */
  what: string;
  /** The API error a simulation gets: the code, and the statuses it may come with. */
  outcome: {
    code: 'upstream_error' | 'upstream_format';
    status: readonly number[];
    /** False when asking again cannot help (the server refused the request): not retried. */
    retryable?: boolean;
  };
  respond(context: FaultContext): void | Promise<void>;
}

const FORMAT = { code: 'upstream_format', status: [502] } as const;
const UPSTREAM = { code: 'upstream_error', status: [502] } as const;
const TIMEOUT = { code: 'upstream_error', status: [504] } as const;
const RATE = { code: 'upstream_error', status: [503] } as const;
const REFUSED = { code: 'upstream_error', status: [502], retryable: false } as const;

/** The Authorization header the client sent, as some servers repeat it. */
const authorization = (context: FaultContext) => String(context.headers.authorization ?? '');
/** The key itself (after "Bearer "). */
const key = (context: FaultContext) => authorization(context).replace(/^Bearer\s+/i, '');

interface Choice {
  index: number;
  message: { role: string; content: unknown; refusal?: unknown };
  logprobs: { content: unknown[] | null } | null;
  finish_reason: string;
}
interface Entry {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

function parsed(context: FaultContext): { choices: Choice[] } & Record<string, unknown> {
  return JSON.parse(context.correct()) as { choices: Choice[] };
}

function send(
  context: FaultContext,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  context.response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  context.response.end(body);
  context.sent(Buffer.byteLength(body));
}

const sendJson = (context: FaultContext, status: number, value: unknown, headers = {}) =>
  send(context, status, JSON.stringify(value), headers);

/** The correct answer with its content (lines) changed; logprobs dropped, as they would not fit. */
function withLines(context: FaultContext, change: (lines: string[]) => string[]): void {
  const answer = parsed(context);
  const choice = answer.choices[0]!;
  choice.message.content = change(String(choice.message.content).split('\n')).join('\n');
  choice.logprobs = null;
  sendJson(context, 200, answer);
}

/** The correct answer with its first choice changed. */
function withChoice(context: FaultContext, change: (choice: Choice) => void): void {
  const answer = parsed(context);
  change(answer.choices[0]!);
  sendJson(context, 200, answer);
}

/** The logprobs entry of the first written number of a choice. */
function firstNumber(choice: Choice): Entry {
  const entries = choice.logprobs?.content as Entry[] | undefined;
  const number = entries?.find((entry) => /^\d+$/.test(entry.token));
  if (!number) throw new Error('the fault needs an answer with logprobs');
  return number;
}

/** The correct answer with the logprobs entry of its first written number changed. */
function atFirstNumber(context: FaultContext, change: (entry: Entry) => void): void {
  withChoice(context, (choice) => change(firstNumber(choice)));
}

/**
 * The correct answer with the logprob of its first written number as raw text, such as 1e999,
 * which JSON.stringify cannot write.
 */
function rawAtFirstNumber(context: FaultContext, raw: string): void {
  const marker = -123.456789;
  const answer = parsed(context);
  firstNumber(answer.choices[0]!).logprob = marker;
  send(context, 200, JSON.stringify(answer).replace(String(marker), raw));
}

/** The correct answer as text with one JSON value replaced by raw text (not JSON's own). */
function withRawValue(context: FaultContext, raw: string): void {
  let replaced = false;
  const text = context.correct().replace(/"logprob":(-?[\d.e-]+)/, () => {
    replaced = true;
    return `"logprob":${raw}`;
  });
  if (!replaced) throw new Error('the fault needs an answer with logprobs');
  send(context, 200, text);
}

/** Writes `total` bytes of a JSON answer padded with a long string, in chunks, until cut off. */
async function endless(context: FaultContext, total: number, announce: boolean): Promise<void> {
  const { response } = context;
  response.writeHead(200, {
    'content-type': 'application/json',
    ...(announce && { 'content-length': String(total) }),
  });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const head = Buffer.from('{"padding":"');
  response.write(head);
  context.sent(head.length);
  for (let written = head.length; written < total - 2 && !response.destroyed;) {
    const ok = response.write(chunk);
    written += chunk.length;
    context.sent(chunk.length);
    if (!ok) {
      await new Promise<void>((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
    }
  }
  if (!response.destroyed) response.end('"}');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const UPSTREAM_FAULTS: readonly Fault[] = [
  // The text is not the format asked for.
  {
    name: 'prose',
    what: 'answers with a sentence instead of one line per token',
    outcome: FORMAT,
    respond: (c) => withLines(c, () => ['This neuron seems to respond to mentions of cats.']),
  },
  {
    name: 'out-of-range',
    what: 'rates tokens 11 to 99',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.map((l, i) => l.replace(/\d+$/, `${11 + i}`))),
  },
  {
    name: 'negative-values',
    what: 'rates tokens -3',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.map((l) => l.replace(/\d+$/, '-3'))),
  },
  {
    name: 'nan-values',
    what: 'writes NaN as a value',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.map((l) => l.replace(/\d+$/, 'NaN'))),
  },
  {
    name: 'words-as-values',
    what: 'writes "high" and "low" instead of numbers',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.map((l) => l.replace(/\d+$/, 'high'))),
  },
  {
    name: 'huge-values',
    what: 'writes a 400-digit number',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.map((l) => l.replace(/\d+$/, '9'.repeat(400)))),
  },
  {
    name: 'reordered-tokens',
    what: 'writes the tokens back in another order',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => [...lines].reverse()),
  },
  {
    name: 'missing-lines',
    what: 'stops after half the tokens, saying it is done',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.slice(0, Math.ceil(lines.length / 2))),
  },
  {
    name: 'extra-lines',
    what: 'adds tokens that were not asked for',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => [...lines, 'extra\t3', 'more\t4']),
  },
  {
    name: 'duplicated-lines',
    what: 'writes every line twice',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => lines.flatMap((l) => [l, l])),
  },
  {
    name: 'long-line',
    what: 'writes a 200 KB line',
    outcome: FORMAT,
    respond: (c) => withLines(c, (lines) => [`${'x'.repeat(200 * 1024)}\t5`, ...lines.slice(1)]),
  },
  {
    name: 'content-echoing-key',
    what: 'answers with prose that repeats the API key',
    outcome: FORMAT,
    respond: (c) => withLines(c, () => [`${key(c)}\t5`, `Your key is ${key(c)}.`]),
  },
  {
    name: 'invalid-utf8',
    what: 'sends bytes that are not UTF-8 in the text',
    outcome: FORMAT,
    respond: (c) => {
      const text = JSON.stringify({
        ...parsed(c),
        choices: [{ ...parsed(c).choices[0], logprobs: null }],
      });
      const at = text.indexOf('"content":"') + '"content":"'.length;
      const bytes = Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from(text.slice(at)),
      ]);
      send(c, 200, bytes);
    },
  },
  {
    name: 'cut-content',
    what: 'stops half-way through the text (finish_reason length)',
    outcome: FORMAT,
    respond: (c) =>
      withChoice(c, (choice) => {
        const text = String(choice.message.content);
        choice.message.content = text.slice(0, Math.floor(text.length / 2));
        choice.logprobs = null;
        choice.finish_reason = 'length';
      }),
  },
  // No usable text at all.
  {
    name: 'empty-content',
    what: 'answers with empty text',
    outcome: UPSTREAM,
    respond: (c) => withChoice(c, (choice) => (choice.message.content = '')),
  },
  {
    name: 'null-content',
    what: 'answers with no text and no refusal',
    outcome: UPSTREAM,
    respond: (c) => withChoice(c, (choice) => (choice.message.content = null)),
  },
  {
    name: 'content-not-text',
    what: 'answers with a number as its text',
    outcome: UPSTREAM,
    respond: (c) => withChoice(c, (choice) => (choice.message.content = 42)),
  },
  {
    name: 'refusal-echoing-key',
    what: 'refuses, repeating the API key',
    outcome: UPSTREAM,
    respond: (c) =>
      withChoice(c, (choice) => {
        choice.message.content = null;
        choice.message.refusal = `I cannot do that with key ${key(c)}.`;
      }),
  },
  {
    name: 'no-choices',
    what: 'answers with an empty list of choices',
    outcome: UPSTREAM,
    respond: (c) => sendJson(c, 200, { ...parsed(c), choices: [] }),
  },
  {
    name: 'choices-not-list',
    what: 'answers with choices that are not a list',
    outcome: UPSTREAM,
    respond: (c) => sendJson(c, 200, { ...parsed(c), choices: 'none' }),
  },
  {
    name: 'not-an-object',
    what: 'answers with a JSON list instead of an object',
    outcome: UPSTREAM,
    respond: (c) => sendJson(c, 200, [parsed(c)]),
  },
  {
    name: 'error-body-200',
    what: 'answers 200 with an error body repeating the API key',
    outcome: UPSTREAM,
    respond: (c) =>
      sendJson(c, 200, {
        error: { message: `Incorrect API key provided: ${key(c)}`, type: 'invalid_request_error' },
      }),
  },
  {
    name: 'html-200',
    what: 'answers 200 with an HTML page',
    outcome: UPSTREAM,
    respond: (c) =>
      send(c, 200, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' }),
  },
  {
    name: 'empty-200',
    what: 'answers 200 with an empty body',
    outcome: UPSTREAM,
    respond: (c) => send(c, 200, ''),
  },
  {
    name: 'event-stream',
    what: 'answers with a stream of server-sent events (as if asked to stream)',
    outcome: UPSTREAM,
    respond: (c) =>
      send(c, 200, `data: ${c.correct()}\n\ndata: [DONE]\n\n`, {
        'content-type': 'text/event-stream',
      }),
  },
  {
    name: 'truncated-json',
    what: 'stops the JSON half-way, then ends the response',
    outcome: UPSTREAM,
    respond: (c) => {
      const text = c.correct();
      send(c, 200, text.slice(0, Math.floor(text.length / 2)));
    },
  },
  {
    name: 'deep-nesting',
    what: 'answers with JSON nested 100,000 deep',
    outcome: UPSTREAM,
    respond: (c) => send(c, 200, `{"choices":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  },
  // Logprobs that are not log-probabilities.
  {
    name: 'nan-logprob',
    what: 'writes NaN as a logprob (as Python does), which is not JSON',
    outcome: UPSTREAM,
    respond: (c) => withRawValue(c, 'NaN'),
  },
  {
    name: 'nan-logprob-text',
    what: 'gives a logprob as the text "NaN"',
    outcome: FORMAT,
    respond: (c) => withRawValue(c, '"NaN"'),
  },
  {
    name: 'infinite-logprob',
    what: 'gives a logprob of 1e999 (Infinity)',
    outcome: FORMAT,
    respond: (c) => rawAtFirstNumber(c, '1e999'),
  },
  {
    name: 'minus-infinite-logprob',
    what: 'gives a logprob of -1e999',
    outcome: FORMAT,
    respond: (c) => withRawValue(c, '-1e999'),
  },
  {
    name: 'logprob-800',
    what: 'gives a logprob of 800',
    outcome: FORMAT,
    respond: (c) => atFirstNumber(c, (e) => (e.logprob = 800)),
  },
  {
    name: 'positive-logprob',
    what: 'gives the written number a logprob of 0.5',
    outcome: FORMAT,
    respond: (c) =>
      atFirstNumber(c, (e) => {
        e.logprob = 0.5;
        e.top_logprobs[0]!.logprob = 0.5;
      }),
  },
  {
    name: 'positive-alternative',
    what: 'gives an alternative of a number a logprob of 3',
    outcome: FORMAT,
    respond: (c) => atFirstNumber(c, (e) => (e.top_logprobs.at(-1)!.logprob = 3)),
  },
  {
    name: 'null-logprob',
    what: 'gives a logprob of null',
    outcome: FORMAT,
    respond: (c) => withRawValue(c, 'null'),
  },
  {
    name: 'token-not-text',
    what: 'gives a logprobs entry whose token is a number',
    outcome: FORMAT,
    respond: (c) =>
      withChoice(c, (choice) => {
        (choice.logprobs!.content![0] as { token: unknown }).token = 5;
      }),
  },
  {
    name: 'entry-not-object',
    what: 'gives logprobs entries that are numbers',
    outcome: FORMAT,
    respond: (c) => withChoice(c, (choice) => (choice.logprobs = { content: [1, 2, 3] })),
  },
  {
    name: 'logprobs-content-not-list',
    what: 'gives logprobs.content as text',
    outcome: FORMAT,
    respond: (c) => withChoice(c, (choice) => (choice.logprobs = { content: 'none' as never })),
  },
  {
    name: 'logprobs-not-object',
    what: 'gives logprobs as a number',
    outcome: FORMAT,
    respond: (c) => withChoice(c, (choice) => (choice.logprobs = 7 as never)),
  },
  {
    name: 'alternatives-not-list',
    what: "gives a number's top_logprobs as an object",
    outcome: FORMAT,
    respond: (c) => atFirstNumber(c, (e) => (e.top_logprobs = {} as never)),
  },
  {
    name: 'bytes-not-bytes',
    what: 'gives bytes outside 0..255',
    outcome: FORMAT,
    respond: (c) => atFirstNumber(c, (e) => (e.bytes = [-1, 300])),
  },
  {
    name: 'alternatives-above-one',
    what: "gives a number's alternatives probabilities that add up to about 5",
    outcome: FORMAT,
    respond: (c) =>
      atFirstNumber(c, (e) => {
        e.top_logprobs = e.top_logprobs.map((alternative) => ({ ...alternative, logprob: -0.01 }));
        e.logprob = -0.01;
      }),
  },
  {
    name: 'contradicting-logprobs',
    what: 'makes another number far more likely than the one written',
    outcome: FORMAT,
    respond: (c) =>
      atFirstNumber(c, (e) => {
        const other = e.token === '0' ? '10' : '0';
        e.logprob = -5;
        e.top_logprobs = [
          { token: other, logprob: -0.01, bytes: [...Buffer.from(other)] },
          { token: e.token, logprob: -5, bytes: [...Buffer.from(e.token)] },
        ];
      }),
  },
  {
    name: 'disagreeing-logprobs',
    what: 'gives the written number one logprob, and another among its alternatives',
    outcome: FORMAT,
    respond: (c) =>
      atFirstNumber(c, (e) => {
        e.logprob = -0.2;
        e.top_logprobs = [{ token: e.token, logprob: -3, bytes: [...Buffer.from(e.token)] }];
      }),
  },
  // Error statuses, some repeating the key or the Authorization header.
  {
    name: '401-echoing-key',
    what: 'refuses the key with 401, repeating it',
    outcome: REFUSED,
    respond: (c) =>
      sendJson(c, 401, {
        error: {
          message: `Incorrect API key provided: ${key(c)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
  },
  {
    name: '403-echoing-authorization',
    what: 'answers 403, repeating the Authorization header',
    outcome: REFUSED,
    respond: (c) =>
      sendJson(c, 403, {
        error: { message: `Forbidden. Authorization: ${authorization(c)}`, type: 'forbidden' },
      }),
  },
  {
    name: '400-echoing-key',
    what: 'rejects the request with 400, repeating the key',
    outcome: REFUSED,
    respond: (c) =>
      sendJson(c, 400, { error: { message: `Bad request from api_key=${key(c)}`, type: 'x' } }),
  },
  {
    name: '404-echoing-key',
    what: 'answers 404 for the model, repeating the key',
    outcome: REFUSED,
    respond: (c) =>
      sendJson(c, 404, { error: { message: `Model not found for key ${key(c)}`, type: 'x' } }),
  },
  {
    name: '500-echoing-key',
    what: 'fails with 500, repeating the key',
    outcome: UPSTREAM,
    respond: (c) =>
      sendJson(c, 500, { error: { message: `Internal error handling ${key(c)}`, type: 'x' } }),
  },
  {
    name: '503-html-echoing-key',
    what: 'fails with a 503 HTML page that repeats the key',
    outcome: UPSTREAM,
    respond: (c) =>
      send(c, 503, `<html><body>Service unavailable (${authorization(c)})</body></html>`, {
        'content-type': 'text/html',
      }),
  },
  {
    name: '429-echoing-key',
    what: 'rate-limits with 429, repeating the key',
    outcome: RATE,
    respond: (c) =>
      sendJson(
        c,
        429,
        { error: { message: `Rate limit reached for ${key(c)}`, type: 'requests' } },
        { 'retry-after': '0' },
      ),
  },
  {
    name: 'huge-error-message',
    what: 'fails with 400 and a 300 KB message',
    outcome: REFUSED,
    respond: (c) => sendJson(c, 400, { error: { message: 'e'.repeat(300_000), type: 'x' } }),
  },
  {
    name: 'redirect',
    what: 'redirects to another server',
    outcome: REFUSED,
    respond: (c) => send(c, 302, '', { location: 'http://127.0.0.1:9/v1/chat/completions' }),
  },
  // Connections that break, stall or never end.
  {
    name: 'reset',
    what: 'resets the connection before answering',
    outcome: UPSTREAM,
    respond: (c) => c.response.socket?.destroy(),
  },
  {
    name: 'reset-mid-body',
    what: 'resets the connection half-way through the answer',
    outcome: UPSTREAM,
    respond: (c) => {
      const text = c.correct();
      c.response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(text.length),
      });
      c.response.write(text.slice(0, Math.floor(text.length / 2)));
      c.sent(Math.floor(text.length / 2));
      setTimeout(() => c.response.socket?.destroy(), 10);
    },
  },
  {
    name: 'short-body',
    what: 'announces a longer body than it sends, then closes',
    outcome: UPSTREAM,
    respond: (c) => {
      const text = c.correct();
      c.response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(text.length * 2),
      });
      c.response.write(text);
      setTimeout(() => c.response.socket?.end(), 10);
    },
  },
  {
    name: 'never-answers',
    what: 'never answers',
    outcome: TIMEOUT,
    respond: () => undefined,
  },
  {
    name: 'headers-then-stall',
    what: 'sends the headers, then nothing',
    outcome: TIMEOUT,
    respond: (c) => {
      c.response.writeHead(200, { 'content-type': 'application/json' });
      c.response.flushHeaders();
    },
  },
  {
    name: 'trickle',
    what: 'sends the answer a few bytes at a time, slower than the timeout allows',
    outcome: TIMEOUT,
    respond: async (c) => {
      const text = c.correct();
      c.response.writeHead(200, { 'content-type': 'application/json' });
      for (let at = 0; at < text.length && !c.response.destroyed; at += 4) {
        c.response.write(text.slice(at, at + 4));
        await sleep(20);
      }
      if (!c.response.destroyed) c.response.end();
    },
  },
  {
    name: 'huge-body',
    what: 'sends a 64 MB answer',
    outcome: UPSTREAM,
    respond: (c) => endless(c, 64 * 1024 * 1024, false),
  },
  {
    name: 'huge-announced-body',
    what: 'announces a 500 MB answer',
    outcome: UPSTREAM,
    respond: (c) => endless(c, 500 * 1024 * 1024, true),
  },
];

export type UpstreamFaultName = string;

export function faultNamed(name: UpstreamFaultName): Fault {
  const fault = UPSTREAM_FAULTS.find((f) => f.name === name);
  if (!fault) throw new Error(`no upstream fault named ${name}`);
  return fault;
}
