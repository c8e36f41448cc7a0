/**
 * The harness of the upstream-fault tests (/api/simulate's and /api/score's): the server in front
 * of an OpenAI-compatible test server set to misbehave, given secrets to leak (an API key, and
 * credentials in OPENAI_BASE_URL), and the checks every fault must pass: an API error as the
 * fault's outcome says, never a result, no secret in any response, event or log line, one short
 * log line per request.
 */
import { expect } from 'vitest';
import type { ApiErrorBody, ApiErrorResponse } from '../../src/core/api/errors.ts';
import type { Server } from '../../src/server/app.ts';
import { MAX_ERROR_MESSAGE_CHARS } from '../../src/server/errors.ts';
import { temporaryDirectory } from './datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
  type TestServerOptions,
} from './openai-test-server.ts';
import { capturingLogger, testServer } from './server.ts';
import type { Fault } from './upstream-faults.ts';

export interface Secrets {
  apiKey: string;
  urlUser: string;
  urlPassword: string;
}

export interface FaultyUpstream {
  server: Server;
  upstream: OpenAiTestServer;
  log: ReturnType<typeof capturingLogger>;
  /** Fails when `text` holds a secret, or any bearer token. */
  expectNoSecret: (text: string, where: string) => void;
  close: () => Promise<void>;
}

/** The server over DATA_DIR `dataDir`, calling the test server with `secrets`; `env` adds settings. */
export async function startFaultyUpstream(options: {
  dataDir: string;
  secrets: Secrets;
  upstream?: Partial<TestServerOptions>;
  env?: Record<string, string>;
  maxAnswerBytes: number;
}): Promise<FaultyUpstream> {
  const { secrets } = options;
  const upstream = await startOpenAiTestServer(options.upstream);
  const cacheDir = await temporaryDirectory('ne-faults-cache-');
  const log = capturingLogger();
  const base = new URL(upstream.baseURL);
  base.username = secrets.urlUser;
  base.password = secrets.urlPassword;
  const server = await testServer(
    {
      DATA_DIR: options.dataDir,
      CACHE_DIR: cacheDir.path,
      SIMULATOR: 'openai',
      OPENAI_API_KEY: secrets.apiKey,
      OPENAI_BASE_URL: base.href,
      // Long enough for a huge answer to pass the cap on a loaded machine, short for the stalls.
      UPSTREAM_TIMEOUT_MS: '1000',
      UPSTREAM_MAX_RETRIES: '1',
      UPSTREAM_BACKOFF_MS: '1',
      UPSTREAM_MAX_ANSWER_BYTES: String(options.maxAnswerBytes),
      // Each fault is checked on its own; the circuit breaker has tests of its own.
      UPSTREAM_BREAKER_FAILURES: '1000000',
      RATE_LIMIT_MAX: '100000',
      LOG_REQUESTS: 'true',
      ...options.env,
    },
    log,
  );
  // Also a part of the key alone, as a message that cut it short would show it.
  const leaks = [secrets.apiKey, secrets.urlUser, secrets.urlPassword, secrets.apiKey.slice(8, 18)];
  return {
    server,
    upstream,
    log,
    expectNoSecret: (text, where) => {
      for (const secret of leaks) expect(text, `${secret} in ${where}`).not.toContain(secret);
      expect(text, where).not.toMatch(/Bearer\s+sk-/i);
    },
    close: async () => {
      await server.app.close();
      await upstream.close();
      await cacheDir.remove();
    },
  };
}

/**
 * What one request under `fault` must give: asked for JSON, the fault's API error with no
 * `result` field in it; asked for an event stream, no result event and the error last; two short
 * log lines of `route` with the error's code; no secret anywhere. `ask(accept)` sends the request.
 */
export async function expectFaultFails(
  harness: FaultyUpstream,
  {
    fault,
    route,
    ask,
    events,
    result,
  }: {
    fault: Fault;
    route: string;
    ask: (accept: string) => Promise<{ statusCode: number; body: string }>;
    /** The events of a streamed answer. */
    events: (body: string) => { event: string; data: unknown }[];
    /** What only a result holds (a score's field). */
    result: RegExp;
  },
) {
  const { expectNoSecret, log } = harness;
  const logFrom = log.lines.length;

  const json = await ask('application/json');
  expectNoSecret(json.body, 'the JSON error');
  expect(fault.outcome.status, json.body.slice(0, 300)).toContain(json.statusCode);
  const error: ApiErrorBody = (JSON.parse(json.body) as ApiErrorResponse).error;
  expect(error).toMatchObject({
    code: fault.outcome.code,
    retryable: fault.outcome.retryable ?? true,
  });
  expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
  expect(json.body).not.toMatch(result);

  const streamed = await ask('text/event-stream');
  expectNoSecret(streamed.body, 'the event stream');
  const parsed = events(streamed.body);
  expect(parsed.some((event) => event.event === 'result')).toBe(false);
  expect(parsed.at(-1)).toMatchObject({ event: 'error', data: { code: fault.outcome.code } });

  const lines = log.lines.slice(logFrom);
  // One request, one short line.
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expectNoSecret(line, 'the log');
    expect(line).toMatch(new RegExp(`^POST ${route} \\d{3} [\\d.]+ms ${fault.outcome.code}: `));
    expect(line.length).toBeLessThan(800);
  }
}
