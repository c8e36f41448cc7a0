/**
 * A local OpenAI-compatible server for tests and benchmarks. It answers POST /v1/chat/completions
 * as real servers do (JSON bodies, logprobs when asked, error bodies, Retry-After), simulating a
 * neuron that fires on the words its explanation names. Each test picks how it behaves:
 *
 *   correct            every token copied back with its activation; logprobs when asked
 *   no-logprobs        the same, but never any logprobs (as many local servers)
 *   reject-logprobs    400 when logprobs are asked for; correct without them
 *   rate-limit         429 with Retry-After
 *   server-error       500
 *   timeout            never answers
 *   wrong-tokens       copies the tokens wrongly
 *   zeros              every activation 0
 *   truncated-json     the response body stops half-way
 *   truncated-content  the text stops half-way (finish_reason "length")
 *
 * `fault` (one of UPSTREAM_FAULTS, tests/support/upstream-faults.ts) replaces the mode with one of
 * 61 ways of misbehaving. `failFirst: n` applies the mode or fault to the first n calls only, then
 * answers correctly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenInRange } from './ports.ts';
import { faultNamed, type ChatBody, type UpstreamFaultName } from './upstream-faults.ts';

export type TestServerMode =
  | 'correct'
  | 'no-logprobs'
  | 'reject-logprobs'
  | 'rate-limit'
  | 'server-error'
  | 'timeout'
  | 'wrong-tokens'
  | 'zeros'
  | 'truncated-json'
  | 'truncated-content';

export interface TestServerOptions {
  mode: TestServerMode;
  /** A way of misbehaving (see upstream-faults.ts), instead of `mode`. */
  fault?: UpstreamFaultName;
  /** Apply `mode` to this many calls, then answer correctly; undefined: every call. */
  failFirst?: number;
  /** Delay before answering, in ms (0: at once). */
  latencyMs: number;
  /** Retry-After header of 429 and 500 answers (seconds); undefined: none. */
  retryAfter?: string;
  /** What the explainer answers. */
  explanation: string;
  /** Probability given to the written number at each token, the rest to its neighbour. */
  confidence: number;
  /** Most top_logprobs alternatives given per token (real servers give as many as asked). */
  maxAlternatives: number;
}

const DEFAULTS: TestServerOptions = {
  mode: 'correct',
  latencyMs: 0,
  explanation: 'the word "cat"',
  confidence: 0.8,
  maxAlternatives: 20,
};

export interface OpenAiTestServer {
  /** Base URL to give the client, ending in /v1. */
  baseURL: string;
  port: number;
  /** Every chat completion request body received, in order. */
  requests: ChatBody[];
  /** Most calls in flight at once since the last reset. */
  maxInFlight: number;
  /** Milliseconds during which at least one call was in flight, since the last reset. */
  busyMs(): number;
  /** Body bytes a fault has handed to its sockets since the last reset. */
  faultBytesSent: number;
  configure(options: Partial<TestServerOptions>): void;
  reset(options?: Partial<TestServerOptions>): void;
  /** A chat completion request sent straight to the server (no client): its raw response. */
  ask(body: ChatBody): Promise<Response>;
  close(): Promise<void>;
}

/** A chat client's options for this server in tests: short timeout and backoff, 4 in flight. */
export function testChatOptions(server: OpenAiTestServer) {
  return {
    baseURL: server.baseURL,
    apiKey: 'sk-test',
    timeoutMs: 2000,
    maxRetries: 2,
    concurrency: 4,
    backoffMs: 5,
  };
}

/** The tokens of a simulation prompt, as written there (escaped); null for other prompts. */
export function promptTokens(prompt: string): string[] | null {
  const match = /Tokens \((\d+)\):\n/.exec(prompt);
  if (!match) return null;
  const lines = prompt.slice(match.index + match[0].length).split('\n');
  return lines.slice(0, Number(match[1]));
}

/** The explanation of a simulation prompt (after "Neuron description:" and the sentence start). */
function promptExplanation(prompt: string): string {
  const description = /description:(.*)/i.exec(prompt)?.[1]?.toLowerCase() ?? '';
  return description.replace(/^\s*the main thing this neuron does is find/, '');
}

const STOPWORDS = new Set(['the', 'a', 'an', 'of', 'and', 'or', 'in', 'on', 'to', 'word', 'words']);

/** 10 for a token whose word the explanation names, else 0. */
export function rateToken(token: string, explanation: string): number {
  const word = token
    .replace(/\\[ntr]/g, ' ')
    .trim()
    .toLowerCase();
  if (!/^\p{L}+$/u.test(word) || STOPWORDS.has(word)) return 0;
  return new RegExp(`\\b${word}\\b`, 'u').test(explanation) ? 10 : 0;
}

export async function startOpenAiTestServer(
  initial: Partial<TestServerOptions> = {},
): Promise<OpenAiTestServer> {
  let options: TestServerOptions = { ...DEFAULTS, ...initial };
  let calls = 0;
  let inFlight = 0;
  let busy = 0;
  let busySince = 0;
  const open = new Set<ServerResponse>();
  /** `choices` JSON by what decides it (see completion). */
  const answers = new Map<string, string>();

  const state: OpenAiTestServer = {
    baseURL: '',
    port: 0,
    requests: [],
    maxInFlight: 0,
    faultBytesSent: 0,
    busyMs: () => busy + (inFlight > 0 ? performance.now() - busySince : 0),
    configure(next) {
      options = { ...options, ...next };
    },
    reset(next = {}) {
      options = { ...DEFAULTS, ...next };
      calls = 0;
      state.requests.length = 0;
      state.maxInFlight = 0;
      state.faultBytesSent = 0;
      busy = 0;
      busySince = performance.now();
    },
    ask(body) {
      return fetch(`${state.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    async close() {
      for (const response of open) response.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.keepAliveTimeout = 60_000;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      return json(response, 404, {
        error: { message: `no route ${request.url}`, type: 'invalid_request_error' },
      });
    }
    if (inFlight++ === 0) busySince = performance.now();
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    open.add(response);
    response.on('close', () => {
      if (--inFlight === 0) busy += performance.now() - busySince;
      open.delete(response);
    });
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const body = JSON.parse(text) as ChatBody;
    state.requests.push(body);
    const failing = options.failFirst === undefined || calls < options.failFirst;
    calls++;
    const mode = failing ? options.mode : 'correct';
    if (options.latencyMs > 0) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (failing && options.fault !== undefined) {
      await faultNamed(options.fault).respond({
        body,
        headers: request.headers,
        response,
        correct: () => completion(body, 'correct'),
        sent: (bytes) => (state.faultBytesSent += bytes),
      });
      return;
    }
    answer(mode, body, response);
  }

  function answer(mode: TestServerMode, body: ChatBody, response: ServerResponse) {
    const retryHeaders: Record<string, string> = options.retryAfter
      ? { 'retry-after': options.retryAfter }
      : {};
    switch (mode) {
      case 'timeout':
        return; // never answers; closed by the client or by close()
      case 'rate-limit':
        return json(response, 429, rateLimitBody, retryHeaders);
      case 'server-error':
        return json(
          response,
          500,
          { error: { message: 'The server had an error', type: 'server_error' } },
          retryHeaders,
        );
      case 'reject-logprobs':
        if (body.logprobs) {
          return json(response, 400, {
            error: {
              message: 'logprobs is not supported by this model',
              type: 'invalid_request_error',
              param: 'logprobs',
            },
          });
        }
        return sendText(response, 200, completion(body, 'correct'));
      case 'truncated-json': {
        const full = completion(body, 'correct');
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(full.slice(0, Math.floor(full.length / 2)));
      }
      default:
        return sendText(response, 200, completion(body, mode));
    }
  }

  /**
   * The answer as JSON text. Its `choices` depend only on the lines written back and the options,
   * so they are built once per distinct answer (benchmarks send the same records over and over,
   * and the test server shares the CPU with the proxy it measures); id, model and usage per call.
   */
  function completion(body: ChatBody, mode: TestServerMode): string {
    const prompt = body.messages?.at(-1)?.content ?? '';
    const tokens = promptTokens(prompt);
    const withLogprobs = body.logprobs === true && mode !== 'no-logprobs';
    const wanted = Math.min(body.top_logprobs ?? 0, options.maxAlternatives);
    const explanation = tokens === null ? '' : promptExplanation(prompt);
    const values =
      tokens === null
        ? null
        : tokens.map((token) => (mode === 'zeros' ? 0 : rateToken(token, explanation)));
    const key = JSON.stringify([
      mode,
      withLogprobs,
      wanted,
      options.confidence,
      tokens === null ? options.explanation : null,
      tokens,
      values,
    ]);
    let choices = answers.get(key);
    if (choices === undefined) {
      choices = JSON.stringify(buildChoices(tokens, values, mode, withLogprobs, wanted));
      if (answers.size >= 1000) answers.clear();
      answers.set(key, choices);
    }
    const usage = JSON.stringify({
      prompt_tokens: prompt.length,
      completion_tokens: Math.round(choices.length / 40),
      total_tokens: prompt.length + Math.round(choices.length / 40),
    });
    return `{"id":"chatcmpl-test-${state.requests.length}","object":"chat.completion","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(body.model ?? 'test-model')},"choices":${choices},"usage":${usage}}`;
  }

  function buildChoices(
    tokens: string[] | null,
    values: number[] | null,
    mode: TestServerMode,
    withLogprobs: boolean,
    wanted: number,
  ) {
    let content: string;
    let logprobs: object[] | null = null;
    let finishReason = 'stop';
    if (tokens === null) {
      content = options.explanation;
      if (withLogprobs) logprobs = [entry(content, 0, [alternative(content, 0)])];
    } else {
      const entries: object[] = [];
      // As real servers do: `top_logprobs` alternatives at every token, the unlikely ones at -20.
      const alternatives = (likely: { token: string; p: number }[], numeric: boolean) => {
        const list = likely.map(({ token, p }) => alternative(token, Math.log(p)));
        for (let k = 0; list.length < wanted && k < 40; k++) {
          const token = numeric ? String(k) : `alt${k}`;
          if (numeric && k > 10) break;
          if (!likely.some((l) => l.token === token)) list.push(alternative(token, -20));
        }
        return list.slice(0, wanted);
      };
      let lines = tokens.map((token, i) => {
        const value = values![i]!;
        const echoed = mode === 'wrong-tokens' ? `wrong${i}` : token;
        const neighbour = value === 10 ? 9 : value + 1;
        const top =
          mode === 'zeros'
            ? [{ token: '0', p: 1 }]
            : [
                { token: String(value), p: options.confidence },
                { token: String(neighbour), p: 1 - options.confidence },
              ];
        entries.push(
          entry(echoed, 0, alternatives([{ token: echoed, p: 1 }], false)),
          entry('\t', 0, alternatives([{ token: '\t', p: 1 }], false)),
          entry(String(value), Math.log(top[0]!.p), alternatives(top, true)),
          entry('\n', 0, alternatives([{ token: '\n', p: 1 }], false)),
        );
        return `${echoed}\t${value}`;
      });
      if (mode === 'truncated-content') {
        lines = lines.slice(0, Math.ceil(lines.length / 2));
        finishReason = 'length';
      }
      content = lines.join('\n');
      if (withLogprobs) logprobs = entries.slice(0, lines.length * 4 - 1);
      if (mode === 'truncated-content' && logprobs) logprobs = null;
    }
    return [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: logprobs ? { content: logprobs, refusal: null } : null,
        finish_reason: finishReason,
      },
    ];
  }

  state.port = await listenInRange(server);
  state.baseURL = `http://127.0.0.1:${state.port}/v1`;
  return state;
}

const rateLimitBody = {
  error: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
};

function alternative(token: string, logprob: number) {
  return { token, logprob, bytes: [...Buffer.from(token, 'utf8')] };
}

function entry(token: string, logprob: number, top: object[]) {
  return { ...alternative(token, logprob), top_logprobs: top };
}

function json(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
) {
  sendText(response, status, JSON.stringify(body), headers);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
