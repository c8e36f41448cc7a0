/**
 * The attacks of issue 13 on the LLM side of the proxy, each reproduced: a key echoed by the LLM
 * server, credentials in OPENAI_BASE_URL, one client crowding out another, a huge answer,
 * impossible numbers, and an upstream that fails every call.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorResponse } from '../../core/api/errors.ts';
import type { ExplainResult, RecordsSimulationResult } from '../../core/api/simulate.ts';
import { SseParser } from '../../core/api/sse.ts';
import { catNeuronRecord, temporaryDirectory } from '../../../tests/support/datasets.ts';
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
import type { Server } from '../app.ts';

const API_KEY = 'sk-proj-Qw3rTy8uI9oP0aS1dF2gH3jK4';
/** 10 held-out records and 10 calibration records: one upstream call each. */
const CALLS_PER_SIMULATION = 20;

describe('hardening of the LLM side (issue 13)', () => {
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let cacheDir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server | null = null;
  let log = capturingLogger();

  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
    data = await simulationDataDir();
  });
  afterEach(async () => {
    await server?.app.close();
    server = null;
    await cacheDir.remove();
  });
  afterAll(async () => {
    await upstream.close();
    await data.remove();
  });

  async function start(env: Record<string, string> = {}): Promise<Server> {
    upstream.reset();
    cacheDir = await temporaryDirectory('ne-cache-');
    log = capturingLogger();
    server = await testServer(
      {
        DATA_DIR: data.path,
        CACHE_DIR: cacheDir.path,
        SIMULATOR: 'openai',
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: upstream.baseURL,
        UPSTREAM_BACKOFF_MS: '1',
        UPSTREAM_MAX_RETRIES: '1',
        RATE_LIMIT_MAX: '100000',
        LOG_REQUESTS: 'true',
        ...env,
      },
      log,
    );
    return server;
  }

  const post = (
    target: Server,
    path: '/api/simulate' | '/api/explain',
    body: Record<string, unknown>,
    accept = 'application/json',
    remoteAddress = '127.0.0.1',
  ) =>
    target.app.inject({
      method: 'POST',
      url: path,
      remoteAddress,
      headers: { accept, 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, ...body },
    });

  const errorOf = (body: string) => (JSON.parse(body) as ApiErrorResponse).error;

  it('1. never passes on an API key that the LLM server repeats: not in the error, event or log', async () => {
    const target = await start();
    upstream.reset({ fault: '401-echoing-key' });
    const json = await post(target, '/api/simulate', { explanation: 'cats' });
    expect(json.statusCode).toBe(502);
    expect(errorOf(json.body).message).toMatch(
      /refused the API key \(HTTP 401: Incorrect API key provided: \[redacted\]/,
    );
    const streamed = await post(
      target,
      '/api/simulate',
      { explanation: 'cats' },
      'text/event-stream',
    );
    expect(new SseParser().push(streamed.body).at(-1)).toMatchObject({ event: 'error' });
    for (const text of [json.body, streamed.body, ...log.lines]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('Qw3rTy8uI9');
    }
    expect(log.lines.join('\n')).toMatch(/upstream_error: The LLM server refused the API key/);
  });

  it('1. keeps the key out of an explanation that repeats it', async () => {
    const target = await start();
    upstream.reset({ explanation: `cats, as ${API_KEY} says` });
    const streamed = await post(target, '/api/explain', {}, 'text/event-stream');
    const events = new SseParser().push(streamed.body);
    expect(streamed.body).not.toContain(API_KEY);
    expect(events[0]).toMatchObject({
      event: 'explanation',
      data: { explanation: 'cats, as [redacted] says' },
    });
    expect((events.at(-1)!.data as ExplainResult).explanation).toBe('cats, as [redacted] says');
  });

  it('2. names the LLM server by its host only when it cannot be reached', async () => {
    const target = await start({
      OPENAI_BASE_URL: 'http://admin:s3cret-pa55word@127.0.0.1:9/v1?api_key=query-secret-1',
      UPSTREAM_MAX_RETRIES: '0',
    });
    const json = await post(target, '/api/simulate', { explanation: 'cats' });
    expect(json.statusCode).toBe(502);
    expect(errorOf(json.body).message).toMatch(
      /^Could not reach the LLM server at 127\.0\.0\.1:9: /,
    );
    const health = await target.app.inject('/api/health');
    expect(health.json()).toMatchObject({ openai: { baseUrl: 'http://127.0.0.1:9' } });
    for (const text of [json.body, health.body, ...log.lines]) {
      expect(text).not.toMatch(/admin|s3cret|pa55word|query-secret/);
    }
  });

  it('5. shares the upstream between clients: one client queueing 120 calls does not hold up another', async () => {
    const target = await start({ UPSTREAM_CONCURRENCY: '2' });
    upstream.reset({ latencyMs: 20 });
    // The busy client: 6 simulations at once, 120 calls in the queue.
    const busy = Array.from({ length: 6 }, (_, i) =>
      post(target, '/api/simulate', { explanation: `busy ${i}` }, 'application/json', '10.0.0.1'),
    );
    while (upstream.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = upstream.requests.length;
    const second = await post(
      target,
      '/api/simulate',
      { explanation: 'cats' },
      'application/json',
      '10.0.0.2',
    );
    const during = upstream.requests.length - before;
    expect(second.statusCode).toBe(200);
    // Its 20 calls took turns with the busy client's: about 40 calls were made meanwhile, where
    // one first-come queue would have made the busy client's 120 first.
    expect(during).toBeLessThanOrEqual(2 * CALLS_PER_SIMULATION + 6);
    for (const response of await Promise.all(busy)) expect(response.statusCode).toBe(200);
  });

  it('6. stops reading an answer past UPSTREAM_MAX_ANSWER_BYTES, with a short message', async () => {
    const target = await start({
      UPSTREAM_MAX_ANSWER_BYTES: String(1024 * 1024),
      UPSTREAM_BREAKER_FAILURES: '1000',
    });
    const rssBefore = process.memoryUsage().rss;
    upstream.reset({ fault: 'huge-body' });
    const json = await post(target, '/api/simulate', { explanation: 'cats' });
    expect(json.statusCode).toBe(502);
    expect(errorOf(json.body).message).toMatch(
      /sent an answer longer than 1 MB \(UPSTREAM_MAX_ANSWER_BYTES\)/,
    );
    // 40 calls of a 64 MB answer: a few MB each were sent before the proxy hung up.
    expect(upstream.faultBytesSent / upstream.requests.length).toBeLessThan(8 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);

    upstream.reset({ fault: 'huge-error-message' });
    const refused = await post(target, '/api/simulate', { explanation: 'cats' });
    expect(refused.body.length).toBeLessThan(700);
  });

  it('7. answers logprobs of 1e999, 800 or the wrong type with 502 upstream_format, one log line each', async () => {
    const target = await start();
    for (const fault of [
      'infinite-logprob',
      'logprob-800',
      'nan-logprob-text',
      'entry-not-object',
    ]) {
      upstream.reset({ fault });
      const from = log.lines.length;
      const json = await post(target, '/api/simulate', { explanation: `cats ${fault}` });
      expect(json.statusCode, fault).toBe(502);
      expect(errorOf(json.body), fault).toMatchObject({ code: 'upstream_format', retryable: true });
      expect(errorOf(json.body).message).toMatch(/logprob/);
      const lines = log.lines.slice(from);
      expect(lines, fault).toHaveLength(1);
      expect(lines[0]).toMatch(/^POST \/api\/simulate 502 [\d.]+ms upstream_format: /);
      expect(lines[0]!.length).toBeLessThan(800);
    }
  });

  it('7. fails a neuron whose records hold an activation of 1e308 as a data error naming the value', async () => {
    const target = await start();
    const record = catNeuronRecord(0, 6);
    record.random_sample[2]!.activations[3] = 1e308;
    await writeFile(
      join(data.path, DATASET, 'collated-activations/0/6.json'),
      JSON.stringify(record),
    );
    const from = log.lines.length;
    const json = await post(target, '/api/simulate', { explanation: 'cats', layer: 0, neuron: 6 });
    expect(json.statusCode).toBe(500);
    expect(errorOf(json.body)).toMatchObject({ code: 'dataset_file', retryable: false });
    expect(errorOf(json.body).message).toMatch(
      /collated-activations\/0\/6\.json.*random_sample\[2\]\.activations\[3\]: 1e\+308/,
    );
    expect(log.lines.slice(from)).toHaveLength(1);
  });

  it('8. rejects logprobs above 0 or contradicting the written number, and caches nothing', async () => {
    const target = await start();
    for (const fault of ['positive-logprob', 'contradicting-logprobs', 'alternatives-above-one']) {
      upstream.reset({ fault });
      const explanation = `the word "cat" (${fault})`;
      const json = await post(target, '/api/simulate', { explanation });
      expect(json.statusCode, fault).toBe(502);
      expect(errorOf(json.body), fault).toMatchObject({ code: 'upstream_format' });
      upstream.reset();
      const retried = await post(target, '/api/simulate', { explanation });
      expect(retried.json<RecordsSimulationResult>()).toMatchObject({ cached: false });
      // Simulated afresh: the failed answers were not kept.
      expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);
      expect(retried.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
        expectedCatScore(true),
        10,
      );
    }
  });

  it('9. stops a run at its first upstream failure, so that a retry once the server recovers succeeds', async () => {
    const target = await start({ UPSTREAM_MAX_RETRIES: '0', UPSTREAM_CONCURRENCY: '2' });
    upstream.reset({ mode: 'server-error', latencyMs: 20 });
    const failed = await post(target, '/api/simulate', { explanation: 'the word "cat"' });
    expect(failed.statusCode).toBe(502);
    // The two calls in flight, not all 20 records' (which would also open the circuit breaker).
    expect(upstream.requests.length).toBeLessThanOrEqual(3);
    upstream.reset();
    const retried = await post(target, '/api/simulate', { explanation: 'the word "cat"' });
    expect(retried.statusCode).toBe(200);
  });

  it('9. stops calling an upstream that fails every call, answers 503 with Retry-After, and closes after a good probe', async () => {
    const target = await start({
      UPSTREAM_BREAKER_FAILURES: '5',
      UPSTREAM_BREAKER_COOLDOWN_MS: '400',
      UPSTREAM_MAX_RETRIES: '3',
      UPSTREAM_CONCURRENCY: '4',
    });
    upstream.reset({ mode: 'server-error' });
    const first = await post(target, '/api/simulate', { explanation: 'cats' });
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect(errorOf(first.body)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(errorOf(first.body).message).toMatch(
      /failed 5 calls in a row \(last: The LLM server failed \(HTTP 500.*paused/,
    );
    // Without the breaker: 20 records, 4 tries each.
    expect(upstream.requests.length).toBeLessThanOrEqual(8);

    const calls = upstream.requests.length;
    const again = await post(target, '/api/simulate', { explanation: 'dogs' });
    expect(again.statusCode).toBe(503);
    expect(upstream.requests).toHaveLength(calls);
    expect(log.lines.filter((line) => line.startsWith('warning: upstream:'))).toHaveLength(1);

    upstream.reset();
    await new Promise((resolve) => setTimeout(resolve, 450));
    const recovered = await post(target, '/api/simulate', { explanation: 'the word "cat"' });
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
      expectedCatScore(true),
      10,
    );
    expect(log.lines.some((line) => /upstream: the LLM server answered again/.test(line))).toBe(
      true,
    );
  });
});
