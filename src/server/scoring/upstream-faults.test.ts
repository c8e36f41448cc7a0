/**
 * /api/score against an OpenAI-compatible server that misbehaves in the ways of
 * tests/support/upstream-faults.ts that break any answer, a judge's too (a status, the transport,
 * the body's form, prose, a refusal), as the proxy's own test holds /api/simulate to all of them:
 * with all three scorers and with the judge alone, each fails the request with the error a
 * simulation gets. Never a score, no secret in any response, event or log line, and once the
 * server behaves again the same request is scored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ApiErrorResponse } from '../../core/api/errors.ts';
import { SCORE_EVENT_SCHEMAS, type ScoreResult } from '../../core/api/score.ts';
import { SseParser } from '../../core/api/sse.ts';
import { manifestFor, temporaryDirectory, writeDataset } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { scoringNeuronRecord } from '../../../tests/support/scoring-fixture.ts';
import { capturingLogger, testServer } from '../../../tests/support/server.ts';
import { UPSTREAM_FAULTS, type Fault } from '../../../tests/support/upstream-faults.ts';
import type { Server } from '../app.ts';
import { MAX_ERROR_MESSAGE_CHARS } from '../errors.ts';

const API_KEY = 'sk-live-Qy72hR3nM8pK1bA4cD5eF6gH7iJ8';
const URL_USER = 'scoreuser';
const URL_PASSWORD = 'hunter3-score-pass';
const SECRETS = [API_KEY, URL_USER, URL_PASSWORD, 'Qy72hR3nM8'];
const NEURON = { dataset: 'scored', layer: 0, neuron: 3 };

/**
 * Faults that break a judge's answer too. The others rewrite the numbers or lines of a
 * simulation's answer (a judge's "3: yes" lines pass through them unchanged, so its answer may
 * still be a right one) or the log-probabilities of its first number (a judge's answer has none:
 * the test server cannot apply them); /api/simulate's own test covers those.
 */
const BREAKS_ANY_ANSWER = new Set([
  'prose',
  'content-echoing-key',
  'cut-content',
  'empty-content',
  'null-content',
  'content-not-text',
  'refusal-echoing-key',
  'no-choices',
  'choices-not-list',
  'not-an-object',
  'error-body-200',
  'html-200',
  'empty-200',
  'event-stream',
  'truncated-json',
  'deep-nesting',
]);
const judgeFaults = UPSTREAM_FAULTS.filter(
  (fault) => fault.outcome.code === 'upstream_error' || BREAKS_ANY_ANSWER.has(fault.name),
);

describe(`/api/score against ${judgeFaults.length} ways an LLM server misbehaves`, () => {
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  let cacheDir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;
  const log = capturingLogger();

  beforeAll(async () => {
    upstream = await startOpenAiTestServer({ mode: 'judge-right' });
    data = await temporaryDirectory('ne-score-faults-');
    await writeDataset(data.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
      'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    });
    cacheDir = await temporaryDirectory('ne-score-faults-cache-');
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
        SIMULATOR_MODEL: 'test-simulator',
        JUDGE_MODEL: 'test-judge',
        UPSTREAM_TIMEOUT_MS: '1000',
        UPSTREAM_MAX_RETRIES: '1',
        UPSTREAM_BACKOFF_MS: '1',
        UPSTREAM_MAX_ANSWER_BYTES: String(512 * 1024),
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

  const score = (explanation: string, scorers: string[], accept: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/score',
      headers: { accept, 'content-type': 'application/json' },
      payload: { ...NEURON, explanation, scorers },
    });

  const expectNoSecret = (text: string, where: string) => {
    for (const secret of SECRETS) expect(text, `${secret} in ${where}`).not.toContain(secret);
    expect(text, where).not.toMatch(/Bearer\s+sk-/i);
  };

  async function expectFailure(fault: Fault, scorers: string[]) {
    const explanation = `the word "cat" (${fault.name}, ${scorers.join(' ')})`;
    const logFrom = log.lines.length;
    upstream.reset({ fault: fault.name });

    const json = await score(explanation, scorers, 'application/json');
    expectNoSecret(json.body, 'the JSON error');
    expect(fault.outcome.status, json.body.slice(0, 300)).toContain(json.statusCode);
    const error: ApiErrorBody = (JSON.parse(json.body) as ApiErrorResponse).error;
    expect(error).toMatchObject({
      code: fault.outcome.code,
      retryable: fault.outcome.retryable ?? true,
    });
    expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    expect(json.body).not.toMatch(/balanced_accuracy|ev_correlation_score/);

    const streamed = await score(explanation, scorers, 'text/event-stream');
    expectNoSecret(streamed.body, 'the event stream');
    const events = new SseParser(SCORE_EVENT_SCHEMAS).push(streamed.body);
    expect(events.some((event) => event.event === 'result')).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: fault.outcome.code } });

    const lines = log.lines.slice(logFrom);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expectNoSecret(line, 'the log');
      expect(line).toMatch(new RegExp(`^POST /api/score \\d{3} [\\d.]+ms ${fault.outcome.code}: `));
    }

    upstream.reset({ mode: 'judge-right' });
    const retried = await score(explanation, scorers, 'application/json');
    expect(retried.statusCode, retried.body.slice(0, 300)).toBe(200);
    const result = retried.json<ScoreResult>();
    for (const scorer of scorers) expect(result.scores).toHaveProperty(scorer);
  }

  it.each(judgeFaults.map((fault) => [fault.name, fault] as const))(
    'all three scorers, %s: the error a simulation gets, no secret, then a score once it recovers',
    (_name, fault) => expectFailure(fault, ['simulation', 'detection', 'fuzzing']),
    30_000,
  );

  it.each(judgeFaults.map((fault) => [fault.name, fault] as const))(
    'the judge alone, %s: an error, never a score, no secret, then a score once it recovers',
    (_name, fault) => expectFailure(fault, ['detection', 'fuzzing']),
    30_000,
  );

  it('covers the judge with most of the faults', () => {
    expect(judgeFaults.length).toBeGreaterThanOrEqual(30);
  });
});
