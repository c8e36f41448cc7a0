import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorResponse } from '../../core/api/errors.ts';
import type {
  ExplainResult,
  RecordsSimulationResult,
  SimulationEvent,
  TextsSimulationResult,
} from '../../core/api/simulate.ts';
import { SseParser } from '../../core/api/sse.ts';
import { temporaryDirectory } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { listenInRange } from '../../../tests/support/ports.ts';
import { testServer } from '../../../tests/support/server.ts';
import {
  BARE_NEURON,
  BROKEN_NEURON,
  CAT_NEURON,
  DATASET,
  expectedCatScore,
  simulationDataDir,
} from '../../../tests/support/simulation-fixture.ts';
import type { Server } from '../app.ts';

const EXPLANATION = 'the word "cat"';
/** 10 held-out records to score and 10 to calibrate: one upstream call each. */
const CALLS_PER_SIMULATION = 20;

describe('POST /api/simulate and /api/explain with an OpenAI-compatible server', () => {
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let cacheDir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;

  const env = () => ({
    DATA_DIR: data.path,
    CACHE_DIR: cacheDir.path,
    SIMULATOR: 'openai',
    OPENAI_API_KEY: 'sk-test-never-shown',
    OPENAI_BASE_URL: upstream.baseURL,
    SIMULATOR_MODEL: 'test-simulator',
    EXPLAINER_MODEL: 'test-explainer',
    UPSTREAM_BACKOFF_MS: '1',
    UPSTREAM_MAX_RETRIES: '2',
    RATE_LIMIT_MAX: '10000',
    // These tests are of retries; the circuit breaker has tests of its own.
    UPSTREAM_BREAKER_FAILURES: '1000',
  });

  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
    data = await simulationDataDir();
  });
  beforeEach(async () => {
    upstream.reset();
    // A fresh cache for each test, unless the test says otherwise.
    cacheDir = await temporaryDirectory('ne-cache-');
    server = await testServer(env());
  });
  afterEach(async () => {
    await server.app.close();
    await cacheDir.remove();
  });
  afterAll(async () => {
    await upstream.close();
    await data.remove();
  });

  const simulate = (
    body: Record<string, unknown> = {},
    accept = 'application/json',
    target: Server = server,
  ) =>
    target.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept, 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation: EXPLANATION, ...body },
    });

  const events = (payload: string): SimulationEvent[] => new SseParser().push(payload);
  const errorOf = (body: string) => (JSON.parse(body) as ApiErrorResponse).error;

  it('simulates the held-out records and scores them (logprobs: expected values)', async () => {
    const response = await simulate();
    expect(response.statusCode).toBe(200);
    const result = response.json<RecordsSimulationResult>();
    expect(result).toMatchObject({
      mode: 'records',
      dataset: DATASET,
      ...CAT_NEURON,
      explanation: EXPLANATION,
      simulator: 'openai',
      model: 'test-simulator',
      cached: false,
    });
    expect(result.ev_correlation_score).toBeCloseTo(expectedCatScore(true), 10);
    expect(result.records).toEqual([
      ...[2, 6, 10, 14, 18].map((index) => ({ kind: 'top', index })),
      ...[1, 4, 7, 10, 13].map((index) => ({ kind: 'random', index })),
    ]);
    const first = result.scored_sequence_simulations[0]!;
    const cat = first.simulation.tokens.indexOf(' cat');
    expect(first.simulation.uncalibrated_simulation?.expected_activations[cat]).toBe(9.8);
    expect(first.simulation.activation_scale).toBe('neuron_activations');
    // Compact: the distribution once (uncalibrated), without the negligible alternatives.
    expect(first.simulation.distribution_values).toEqual([]);
    expect(first.simulation.uncalibrated_simulation?.distribution_values[cat]).toEqual([9, 10]);
    expect(first.simulation.uncalibrated_simulation?.distribution_probabilities[cat]).toEqual([
      0.2, 0.8,
    ]);
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);
    expect(upstream.requests[0]).toMatchObject({ model: 'test-simulator', logprobs: true });
    expect(response.body).not.toContain('sk-test');
  });

  it('scores from the written numbers when the server gives no logprobs', async () => {
    upstream.reset({ mode: 'no-logprobs' });
    const result = (await simulate()).json<RecordsSimulationResult>();
    expect(result.ev_correlation_score).toBeCloseTo(expectedCatScore(false), 10);
    const first = result.scored_sequence_simulations[0]!.simulation;
    const cat = first.tokens.indexOf(' cat');
    expect(first.uncalibrated_simulation?.expected_activations[cat]).toBe(10);
    expect(first.uncalibrated_simulation?.distribution_probabilities).toEqual([]);
  });

  it('works with a server that rejects logprobs', async () => {
    upstream.reset({ mode: 'reject-logprobs' });
    const result = (await simulate()).json<RecordsSimulationResult>();
    expect(result.ev_correlation_score).toBeCloseTo(expectedCatScore(false), 10);
  });

  it('answers a second identical request from the cache, also after a restart', async () => {
    const first = await simulate();
    const second = await simulate();
    expect(second.json()).toMatchObject({ cached: true });
    // `cached` leads the text, so a client (or a benchmark) can tell a hit without parsing it.
    expect(first.body.startsWith('{"cached":false,')).toBe(true);
    expect(second.body.startsWith('{"cached":true,')).toBe(true);
    expect(second.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
      expectedCatScore(true),
      10,
    );
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);

    await server.app.close();
    server = await testServer(env());
    const afterRestart = await simulate();
    expect(afterRestart.json()).toMatchObject({ cached: true });
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);

    // Another explanation is simulated afresh.
    expect((await simulate({ explanation: 'the word "mat"' })).json()).toMatchObject({
      cached: false,
    });
  });

  it('streams progress record by record, then the result', async () => {
    const response = await simulate({}, 'text/event-stream');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const stream = events(response.body);
    expect(stream.map((e) => e.event)).toEqual([
      ...Array<string>(CALLS_PER_SIMULATION).fill('progress'),
      'result',
    ]);
    const progress = stream.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.map((p) => p.done)).toEqual(
      Array.from({ length: CALLS_PER_SIMULATION }, (_, i) => i + 1),
    );
    expect(progress.every((p) => p.total === CALLS_PER_SIMULATION)).toBe(true);
    const purposes = progress.map((p) => p.record.purpose);
    expect(purposes.filter((p) => p === 'scoring')).toHaveLength(10);
    expect(purposes.filter((p) => p === 'calibration')).toHaveLength(10);
    const result = stream.at(-1)!.data as RecordsSimulationResult;
    expect(result.ev_correlation_score).toBeCloseTo(expectedCatScore(true), 10);
  });

  it('stops calling the LLM when the client goes away', async () => {
    await server.app.close();
    server = await testServer({ ...env(), UPSTREAM_CONCURRENCY: '2' });
    await server.app.ready();
    const port = await listenInRange(server.app.server);
    upstream.reset({ latencyMs: 100 });
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ dataset: DATASET, ...CAT_NEURON, explanation: 'cats and dogs' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: progress');
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Two calls at a time, 100 ms each: without the abort all 20 would have been made by now.
    expect(upstream.requests.length).toBeLessThanOrEqual(6);
  });

  it('makes no call for a client that left before its simulation started', async () => {
    await server.app.close();
    server = await testServer({ ...env(), UPSTREAM_CONCURRENCY: '2' });
    await server.app.ready();
    const port = await listenInRange(server.app.server);
    upstream.reset({ latencyMs: 50 });
    // Each request sent whole, then the connection dropped at once: the server reads the request
    // after the client has gone.
    for (let i = 0; i < 10; i++) {
      const body = JSON.stringify({ dataset: DATASET, ...CAT_NEURON, explanation: `cats ${i}` });
      const socket = connect(port, '127.0.0.1', () => {
        socket.end(
          `POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        socket.destroy();
      });
      socket.on('error', () => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Ten simulations for nobody would have made 20 calls a second, two at a time.
    expect(upstream.requests).toHaveLength(0);
  });

  it('gzips the event stream and a JSON result when the client accepts it', async () => {
    const streamed = await server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation: EXPLANATION },
    });
    expect(streamed.headers['content-encoding']).toBe('gzip');
    const stream = events(gunzipSync(streamed.rawPayload).toString('utf8'));
    expect(stream.at(-1)?.event).toBe('result');
    expect(stream.filter((e) => e.event === 'progress')).toHaveLength(CALLS_PER_SIMULATION);

    const json = await server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept: 'application/json', 'accept-encoding': 'br, gzip' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation: EXPLANATION },
    });
    expect(json.headers['content-encoding']).toBe('gzip');
    const hit = gunzipSync(json.rawPayload).toString('utf8');
    expect(JSON.parse(hit)).toMatchObject({ cached: true });

    // The same hit to a client that takes no gzip (or refuses it) comes as it is.
    for (const acceptEncoding of ['identity', 'gzip;q=0, br']) {
      const plain = await server.app.inject({
        method: 'POST',
        url: '/api/simulate',
        headers: { accept: 'application/json', 'accept-encoding': acceptEncoding },
        payload: { dataset: DATASET, ...CAT_NEURON, explanation: EXPLANATION },
      });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(hit);
    }

    // A fresh result is gzipped too, and says it was not cached.
    const fresh = await server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { accept: 'application/json', 'accept-encoding': 'gzip' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation: 'the word "mat"' },
    });
    expect(fresh.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(fresh.rawPayload).toString('utf8'))).toMatchObject({
      cached: false,
      explanation: 'the word "mat"',
    });
  });

  it('retries a rate-limited (429) upstream and still gives the right score', async () => {
    upstream.reset({ mode: 'rate-limit', failFirst: 3, retryAfter: '0' });
    const response = await simulate();
    expect(response.statusCode).toBe(200);
    expect(response.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
      expectedCatScore(true),
      10,
    );
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION + 3);
  });

  it('reports an upstream that keeps failing, and caches nothing', async () => {
    upstream.reset({ mode: 'server-error' });
    const failed = await simulate();
    expect(failed.statusCode).toBe(502);
    expect(errorOf(failed.body)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(errorOf(failed.body).message).toMatch(/LLM server failed \(HTTP 500.*\(3 tries\)/);
    expect(failed.body).not.toMatch(/ev_correlation_score/);

    upstream.reset();
    const retried = await simulate();
    expect(retried.json()).toMatchObject({ cached: false });
    expect(retried.json<RecordsSimulationResult>().ev_correlation_score).toBeCloseTo(
      expectedCatScore(true),
      10,
    );
  });

  it('passes an upstream 429 on as 503 with Retry-After once retries run out', async () => {
    upstream.reset({ mode: 'rate-limit', retryAfter: '0.01' });
    const response = await simulate();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(errorOf(response.body)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(errorOf(response.body).message).toMatch(/rate-limiting/);
  });

  it('gives up on an upstream that does not answer in time', async () => {
    await server.app.close();
    server = await testServer({ ...env(), UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_MAX_RETRIES: '1' });
    upstream.reset({ mode: 'timeout' });
    const response = await simulate();
    expect(response.statusCode).toBe(504);
    expect(errorOf(response.body)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(errorOf(response.body).message).toMatch(/did not answer within 0.15 s \(2 tries\)/);
  });

  it('stops a request at REQUEST_TIMEOUT_MS with a clear message', async () => {
    await server.app.close();
    server = await testServer({ ...env(), REQUEST_TIMEOUT_MS: '1000' });
    upstream.reset({ mode: 'timeout' });
    const started = Date.now();
    const response = await simulate({}, 'text/event-stream');
    expect(Date.now() - started).toBeLessThan(3000);
    const stream = events(response.body);
    expect(stream.at(-1)).toMatchObject({
      event: 'error',
      data: { code: 'timeout', retryable: true, message: expect.stringMatching(/after 1 s/) },
    });
  });

  it('fails on tokens copied wrongly, saying where, never scoring 0', async () => {
    upstream.reset({ mode: 'wrong-tokens' });
    const response = await simulate();
    expect(response.statusCode).toBe(502);
    expect(errorOf(response.body)).toMatchObject({ code: 'upstream_format', retryable: true });
    expect(errorOf(response.body).message).toMatch(/could not be read.*line 1.*wrong token/);
    expect(response.body).not.toContain('ev_correlation_score');
  });

  it('streams a format failure as an error event after the progress made', async () => {
    upstream.reset({ mode: 'truncated-content' });
    const stream = events((await simulate({}, 'text/event-stream')).body);
    expect(stream.at(-1)).toMatchObject({
      event: 'error',
      data: { code: 'upstream_format', message: expect.stringMatching(/cut off/) },
    });
    expect(stream.some((e) => e.event === 'result')).toBe(false);
  });

  it('scores an all-zero simulation as undefined (null), not 0', async () => {
    upstream.reset({ mode: 'zeros' });
    const result = (await simulate()).json<RecordsSimulationResult>();
    expect(result.ev_correlation_score).toBeNull();
  });

  it('retries a response cut short, and says so when it keeps happening', async () => {
    upstream.reset({ mode: 'truncated-json', failFirst: 2 });
    expect((await simulate()).statusCode).toBe(200);
    upstream.reset({ mode: 'truncated-json' });
    const response = await simulate({ explanation: 'cats' });
    expect(response.statusCode).toBe(502);
    expect(errorOf(response.body).message).toMatch(/not valid JSON/);
  });

  it('re-simulates only the records that failed when the user retries', async () => {
    upstream.reset({ mode: 'wrong-tokens', failFirst: 1 });
    expect((await simulate()).statusCode).toBe(502);
    const before = upstream.requests.length;
    expect((await simulate()).statusCode).toBe(200);
    expect(upstream.requests.length - before).toBeLessThan(CALLS_PER_SIMULATION);
  });

  it('fails only the neuron whose records file is malformed, naming file and field', async () => {
    const broken = await simulate(BROKEN_NEURON);
    expect(broken.statusCode).toBe(500);
    expect(errorOf(broken.body)).toMatchObject({ code: 'dataset_file', retryable: false });
    expect(errorOf(broken.body).message).toMatch(
      /collated-activations\/0\/4\.json.*most_positive_activation_records\[0\]/,
    );
    expect((await simulate()).statusCode).toBe(200);
  });

  it('says a neuron without records cannot be scored, but simulates texts on it', async () => {
    const bare = await simulate(BARE_NEURON);
    expect(bare.statusCode).toBe(404);
    expect(errorOf(bare.body).message).toMatch(/no activation records.*texts of your own/);
    const texts = await simulate({ ...BARE_NEURON, texts: ['The cat sat on the mat.'] });
    expect(texts.statusCode).toBe(200);
  });

  it("simulates the user's own texts as GPT-2 tokens, without a score", async () => {
    const response = await simulate({ texts: ['The cat sat on the mat.', 'No felines.'] });
    expect(response.statusCode).toBe(200);
    const result = response.json<TextsSimulationResult>();
    expect(result.mode).toBe('texts');
    expect(result).not.toHaveProperty('ev_correlation_score');
    expect(result.simulations.map((s) => s.tokens)).toEqual([
      ['The', ' cat', ' sat', ' on', ' the', ' mat', '.'],
      ['No', ' fel', 'ines', '.'],
    ]);
    expect(result.simulations[0]!.expected_activations[1]).toBeCloseTo(9.8);
    expect(result.simulations[0]!.expected_activations[0]).toBeCloseTo(0.2);
    expect(upstream.requests).toHaveLength(2);
  });

  it('writes an explanation from the train records, then scores it', async () => {
    upstream.reset({ explanation: 'the word "cat"' });
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/explain',
      headers: { accept: 'text/event-stream' },
      payload: { dataset: DATASET, ...CAT_NEURON },
    });
    const stream = events(response.body);
    expect(stream[0]).toEqual({
      event: 'explanation',
      data: { explanation: 'the word "cat"', explainer: { id: 'openai', model: 'test-explainer' } },
    });
    const result = stream.at(-1)!.data as ExplainResult;
    expect(result.explainer).toEqual({ id: 'openai', model: 'test-explainer' });
    expect(result.explanation).toBe('the word "cat"');
    expect(result.ev_correlation_score).toBeCloseTo(expectedCatScore(true), 10);
    expect(upstream.requests[0]).toMatchObject({ model: 'test-explainer' });
    // Train records are top-activating 0, 4, 8, 12, 16.
    expect(upstream.requests[0]!.messages!.at(-1)!.content).toContain('Excerpt 5');
  });
});
