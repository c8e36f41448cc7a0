/**
 * The proxy against an OpenAI-compatible server that misbehaves in each of the ways of
 * tests/support/upstream-faults.ts: no fault yields a score, no secret (the API key, the
 * credentials in OPENAI_BASE_URL) appears in any response, event or log line, and once the server
 * behaves again the same request succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ApiErrorResponse } from '../../core/api/errors.ts';
import type { RecordsSimulationResult } from '../../core/api/simulate.ts';
import { SseParser } from '../../core/api/sse.ts';
import { temporaryDirectory } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { capturingLogger, testServer } from '../../../tests/support/server.ts';
import {
  CAT_NEURON,
  DATASET,
  expectedCatScore,
  simulationDataDir,
} from '../../../tests/support/simulation-fixture.ts';
import { UPSTREAM_FAULTS } from '../../../tests/support/upstream-faults.ts';
import type { Server } from '../app.ts';
import { MAX_ERROR_MESSAGE_CHARS } from '../errors.ts';

const API_KEY = 'sk-live-Zx81fQ2mN7pL0aB3cD4eF5gH6iJ7';
const URL_USER = 'proxyuser';
const URL_PASSWORD = 'hunter2-proxy-pass';
const SECRETS = [API_KEY, URL_USER, URL_PASSWORD, 'Zx81fQ2mN7'];
const MAX_ANSWER_BYTES = 512 * 1024;

describe(`the proxy against ${UPSTREAM_FAULTS.length} ways an LLM server misbehaves`, () => {
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let cacheDir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;
  const log = capturingLogger();

  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
    data = await simulationDataDir();
    cacheDir = await temporaryDirectory('ne-cache-');
    const base = new URL(upstream.baseURL);
    base.username = URL_USER;
    base.password = URL_PASSWORD;
    server = await testServer(
      {
        DATA_DIR: data.path,
        CACHE_DIR: cacheDir.path,
        SIMULATOR: 'openai',
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: base.href,
        // Long enough for a huge answer to pass the cap on a loaded machine, short for the stalls.
        UPSTREAM_TIMEOUT_MS: '1000',
        UPSTREAM_MAX_RETRIES: '1',
        UPSTREAM_BACKOFF_MS: '1',
        UPSTREAM_MAX_ANSWER_BYTES: String(MAX_ANSWER_BYTES),
        // Each fault is checked on its own; the circuit breaker has tests of its own.
        UPSTREAM_BREAKER_FAILURES: '1000000',
        RATE_LIMIT_MAX: '100000',
        LOG_REQUESTS: 'true',
      },
      log,
    );
  });
  afterAll(async () => {
    await server.app.close();
    await upstream.close();
    await Promise.all([data.remove(), cacheDir.remove()]);
  });

  const simulate = (explanation: string, accept: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept, 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation },
    });

  const expectNoSecret = (text: string, where: string) => {
    for (const secret of SECRETS) expect(text, `${secret} in ${where}`).not.toContain(secret);
    expect(text, where).not.toMatch(/Bearer\s+sk-/i);
  };

  it.each(UPSTREAM_FAULTS.map((fault) => [fault.name, fault] as const))(
    '%s: an error, no secret, and a retry that succeeds once the server recovers',
    async (name, fault) => {
      const explanation = `the word "cat" (${name})`;
      const logFrom = log.lines.length;
      upstream.reset({ fault: name });

      const json = await simulate(explanation, 'application/json');
      expectNoSecret(json.body, 'the JSON error');
      expect(fault.outcome.status, json.body.slice(0, 300)).toContain(json.statusCode);
      const error: ApiErrorBody = (JSON.parse(json.body) as ApiErrorResponse).error;
      expect(error).toMatchObject({
        code: fault.outcome.code,
        retryable: fault.outcome.retryable ?? true,
      });
      expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
      expect(json.body).not.toContain('ev_correlation_score');

      const streamed = await simulate(explanation, 'text/event-stream');
      expectNoSecret(streamed.body, 'the event stream');
      const events = new SseParser().push(streamed.body);
      expect(events.some((event) => event.event === 'result')).toBe(false);
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: fault.outcome.code } });

      // Reading stopped at the cap: a huge answer was not read to its end (what a call sends
      // before its connection closes is what the socket buffers take, a few MB at most).
      const calls = Math.max(1, upstream.requests.length);
      expect(upstream.faultBytesSent / calls).toBeLessThan(8 * 1024 * 1024);

      const lines = log.lines.slice(logFrom);
      for (const line of lines) expectNoSecret(line, 'the log');
      // One request, one short line.
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        expect(line).toMatch(
          new RegExp(`^POST /api/simulate \\d{3} [\\d.]+ms ${fault.outcome.code}: `),
        );
        expect(line.length).toBeLessThan(800);
      }

      upstream.reset();
      const retried = await simulate(explanation, 'application/json');
      expect(retried.statusCode, retried.body.slice(0, 300)).toBe(200);
      expect(retried.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
        expectedCatScore(true),
        10,
      );
    },
    20_000,
  );

  it('has at least 40 of them', () => {
    expect(UPSTREAM_FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(UPSTREAM_FAULTS.map((fault) => fault.name)).size).toBe(UPSTREAM_FAULTS.length);
  });
});
