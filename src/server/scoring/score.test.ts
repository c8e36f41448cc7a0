import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorResponse } from '../../core/api/errors.ts';
import { SCORE_EVENT_SCHEMAS, ScoreResultSchema, type ScoreResult } from '../../core/api/score.ts';
import { SseParser } from '../../core/api/sse.ts';
import { manifestFor, temporaryDirectory, writeDataset } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
  type TestServerOptions,
} from '../../../tests/support/openai-test-server.ts';
import { scoringNeuronRecord } from '../../../tests/support/scoring-fixture.ts';
import { testServer } from '../../../tests/support/server.ts';
import type { Server } from '../app.ts';

const NEURON = { dataset: 'scored', layer: 0, neuron: 3 };
const EXPLANATION = 'the word "cat"';

describe('POST /api/score and /api/improve', () => {
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  let cacheDir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;

  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
    data = await temporaryDirectory('ne-score-');
    await writeDataset(data.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
      'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    });
  });
  beforeEach(async () => {
    upstream.reset();
    cacheDir = await temporaryDirectory('ne-score-cache-');
    server = await testServer({
      DATA_DIR: data.path,
      CACHE_DIR: cacheDir.path,
      SIMULATOR: 'openai',
      OPENAI_API_KEY: 'sk-test-never-shown',
      OPENAI_BASE_URL: upstream.baseURL,
      SIMULATOR_MODEL: 'test-simulator',
      JUDGE_MODEL: 'test-judge',
      EXPLAINER_MODEL: 'test-explainer',
      UPSTREAM_BACKOFF_MS: '1',
      UPSTREAM_MAX_RETRIES: '1',
      RATE_LIMIT_MAX: '10000',
    });
  });
  afterEach(async () => {
    await server.app.close();
    await cacheDir.remove();
  });
  afterAll(async () => {
    await upstream.close();
    await data.remove();
  });

  const post = (
    path: '/api/score' | '/api/improve',
    body: Record<string, unknown> = {},
    accept = 'application/json',
  ) =>
    server.app.inject({
      method: 'POST',
      url: path,
      headers: { accept, 'content-type': 'application/json' },
      payload: { ...NEURON, explanation: EXPLANATION, ...body },
    });
  const score = async (body: Record<string, unknown> = {}) => {
    const response = await post('/api/score', body);
    expect(response.statusCode, response.body).toBe(200);
    // The answer holds to the API's schema (the server does not check it again).
    return ScoreResultSchema.parse(response.json());
  };
  const failure = async (mode: Partial<TestServerOptions>) => {
    upstream.reset(mode);
    const response = await post('/api/score', { scorers: ['detection'] });
    return { status: response.statusCode, body: response.json<ApiErrorResponse>().error };
  };

  it('scores with all three scorers in at most 30 upstream calls, each with interval and basis', async () => {
    upstream.reset({ mode: 'judge-right' });
    const result = await score();
    expect(upstream.requests.length).toBe(28); // 10 + 10 records, 4 + 4 batches of 10 examples
    const { simulation, detection, fuzzing } = result.scores;
    expect(simulation!.ev_correlation_score).toBeGreaterThan(0.9);
    expect(simulation!.interval![0]).toBeLessThanOrEqual(simulation!.ev_correlation_score!);
    expect(simulation!.basis).toMatchObject({
      records: 10,
      calibration_records: 10,
      provider: 'openai',
      model: 'test-simulator',
      sampling: 'logprobs',
      weak: false,
    });
    expect(simulation!.scored_sequence_simulations).toHaveLength(10);
    for (const judged of [detection!, fuzzing!]) {
      expect(judged.balanced_accuracy).toBe(1);
      expect(judged.auprc).toBe(1);
      expect(judged.interval).toEqual([1, 1]);
      expect(judged.examples).toHaveLength(40);
      expect(judged.basis).toMatchObject({
        model: 'test-judge',
        sampling: 'logprobs',
        weak: false,
      });
      expect(judged.basis.prompt_version).toMatch(new RegExp(`^${judged.scorer}-[0-9a-f]{8}$`));
    }
    expect(fuzzing!.examples.every((e) => e.marked!.length > 0)).toBe(true);
    expect(result.cached).toBe(false);

    // Asked again: every score from the cache, no upstream call.
    const again = await score();
    expect(upstream.requests.length).toBe(28);
    expect(again.cached).toBe(true);
    expect(again.scores.detection!.balanced_accuracy).toBe(1);
    expect(again.scores.simulation!.interval).toEqual(simulation!.interval);
  });

  it('a wrong judge scores 0; one right half the time scores what its answers say', async () => {
    upstream.reset({ mode: 'judge-wrong' });
    const wrong = await score({ scorers: ['fuzzing'] });
    expect(wrong.scores.fuzzing!.balanced_accuracy).toBe(0);
    expect(wrong.scores.simulation).toBeUndefined();

    upstream.reset({ mode: 'judge-half' });
    const half = (await score({ scorers: ['detection'], explanation: 'the word "cat" (half)' }))
      .scores.detection!;
    // Right on the 1st, 3rd, ... of each batch of 10: 20 of the 40 examples.
    expect(half.examples.filter((e) => e.correct)).toHaveLength(20);
    const positives = half.examples.filter((e) => e.activating);
    const negatives = half.examples.filter((e) => !e.activating);
    const recall = positives.filter((e) => e.verdict.fits).length / positives.length;
    const specificity = negatives.filter((e) => !e.verdict.fits).length / negatives.length;
    expect(half.balanced_accuracy).toBeCloseTo((recall + specificity) / 2, 12);
  });

  it('a wrong-format answer or a refusal is a named error, and nothing is cached', async () => {
    const format = await failure({ mode: 'judge-format' });
    expect(format.status).toBe(502);
    expect(format.body).toMatchObject({ code: 'upstream_format', retryable: true });
    expect(format.body.message).toMatch(
      /^The judge's answer could not be read \(line 2: expected yes or no for excerpt 2, found "probably"\)/,
    );
    const refusal = await failure({ mode: 'judge-refusal' });
    expect(refusal.body.message).toMatch(/^The judge refused to answer \("I'm sorry/);

    upstream.reset({ mode: 'judge-right' });
    const retried = await score({ scorers: ['detection'] });
    expect(retried.scores.detection!.cached).toBe(false);
    expect(retried.scores.detection!.balanced_accuracy).toBe(1);
  });

  it('an upstream failure fails the request; the scorers that finished are kept for the retry', async () => {
    upstream.reset({ mode: 'judge-format' });
    const response = await post('/api/score');
    expect(response.statusCode).toBe(502);
    const calls = upstream.requests.length;
    upstream.reset({ mode: 'judge-right' });
    const retried = await score();
    expect(retried.scores.simulation!.cached).toBe(true);
    expect(upstream.requests.length).toBe(8); // only the judge's batches again
    expect(calls).toBeGreaterThanOrEqual(20);

    upstream.reset({ mode: 'server-error' });
    const broken = await post('/api/score', { explanation: 'something else' });
    // 502 from the failing calls, or 503 once the circuit breaker opens on them.
    expect([502, 503], broken.body).toContain(broken.statusCode);
    expect(broken.json<ApiErrorResponse>().error).toMatchObject({
      code: 'upstream_error',
      retryable: true,
    });
    expect(broken.body).not.toContain('balanced_accuracy');
    expect(broken.body).not.toContain('sk-test-never-shown');
  });

  it('streams progress per scorer, then the result', async () => {
    upstream.reset({ mode: 'judge-right' });
    const response = await post('/api/score', {}, 'text/event-stream');
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = new SseParser(SCORE_EVENT_SCHEMAS).push(response.body);
    const last = events.at(-1)!;
    expect(last.event).toBe('result');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    for (const scorer of ['simulation', 'detection', 'fuzzing']) {
      const mine = progress.filter((p) => 'scorer' in p && p.scorer === scorer);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.at(-1)).toMatchObject({ done: mine.at(-1)!.total });
    }
  });

  it('without logprobs: the sampled numbers and words, named so, and no AUPRC', async () => {
    upstream.reset({ mode: 'no-logprobs' });
    const { scores } = await score({ scorers: ['simulation', 'fuzzing'] });
    expect(scores.simulation!.basis.sampling).toBe('sampled');
    expect(
      scores.simulation!.scored_sequence_simulations[0]!.simulation.distribution_values,
    ).toEqual([]);
    expect(scores.fuzzing!.basis.sampling).toBe('sampled');
    expect(scores.fuzzing!.auprc).toBeNull();
    expect(scores.fuzzing!.examples.every((e) => e.verdict.probability === null)).toBe(true);
    expect(scores.fuzzing!.balanced_accuracy).toBe(1);
  });

  it('refuses a bad request naming the field, as /api/simulate does', async () => {
    const unknown = await post('/api/score', { scorers: ['simulation', 'intruder'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ApiErrorResponse>().error).toMatchObject({ field: 'scorers.1' });
    const twice = await post('/api/score', { scorers: ['detection', 'detection'] });
    expect(twice.json<ApiErrorResponse>().error.message).toMatch(/named twice/);
    const outside = await post('/api/score', { neuron: 99 });
    expect(outside.json<ApiErrorResponse>().error).toMatchObject({ field: 'neuron' });
    const missing = await post('/api/score', { neuron: 5 });
    expect(missing.statusCode).toBe(404);
  });

  it('improve: revises from the worst test-split records and scores the revision the same way', async () => {
    upstream.reset({ mode: 'judge-right', explanation: 'the word "cat" in any sentence' });
    const response = await post(
      '/api/improve',
      { explanation: 'the word "dog"', scorers: ['simulation', 'detection'] },
      'text/event-stream',
    );
    const events = new SseParser(SCORE_EVENT_SCHEMAS).push(response.body);
    const written = events.find((e) => e.event === 'explanation');
    expect(written?.data).toMatchObject({
      explanation: 'the word "cat" in any sentence',
      explainer: { id: 'openai', model: 'test-explainer' },
    });
    const result = events.at(-1)!;
    expect(result.event).toBe('result');
    const scored = result.data as ScoreResult;
    expect(scored.explanation).toBe('the word "cat" in any sentence');
    expect(scored.revision).toMatchObject({ from: 'the word "dog"' });
    expect(scored.revision!.shown).toHaveLength(3);
    expect(
      scored.revision!.shown.every((r) =>
        r.kind === 'top' ? r.index % 4 === 3 : r.index % 3 === 2,
      ),
    ).toBe(true);
    expect(Object.keys(scored.scores)).toEqual(['simulation', 'detection']);
    expect(
      events.some(
        (e) => e.event === 'progress' && 'scorer' in e.data && e.data.scorer === 'revision',
      ),
    ).toBe(true);
  });
});

describe('POST /api/score offline (the baseline simulator and judge)', () => {
  it('scores without any model, named as the baseline, and caches nothing', async () => {
    const data = await temporaryDirectory('ne-score-base-');
    await writeDataset(data.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
      'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    });
    const server = await testServer({ DATA_DIR: data.path, SIMULATOR: 'baseline' });
    try {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/score',
        payload: { ...NEURON, explanation: EXPLANATION },
      });
      const result = response.json<ScoreResult>();
      expect(result.scores.detection!.basis).toMatchObject({
        provider: 'baseline',
        model: 'baseline',
        sampling: 'offline',
        prompt_version: null,
      });
      expect(result.scores.detection!.balanced_accuracy).toBe(1);
      expect(result.cached).toBe(false);
      const health = await server.app.inject({ method: 'GET', url: '/api/health' });
      expect(health.json()).toMatchObject({ judge: { id: 'baseline', model: 'baseline' } });
    } finally {
      await server.app.close();
      await data.remove();
    }
  });
});

describe('POST /api/score limits', () => {
  it('spends the same client budget as /api/simulate, a full score costing more, with Retry-After', async () => {
    const data = await temporaryDirectory('ne-score-limit-');
    await writeDataset(data.path, manifestFor('scored', [{ layer: 0, neurons: 8 }]), {
      'collated-activations/0/3.json': scoringNeuronRecord(0, 3),
    });
    // Two simulations' worth per client (40 LLM calls).
    const server = await testServer({
      DATA_DIR: data.path,
      SIMULATOR: 'baseline',
      RATE_LIMIT_MAX: '2',
    });
    try {
      const ask = (url: string, client: string, scorers?: string[]) =>
        server.app.inject({
          method: 'POST',
          url,
          remoteAddress: client,
          payload: { ...NEURON, explanation: EXPLANATION, ...(scorers && { scorers }) },
        });
      // Two simulations fit the budget...
      expect((await ask('/api/simulate', '10.0.0.1')).statusCode).toBe(200);
      expect((await ask('/api/simulate', '10.0.0.1')).statusCode).toBe(200);
      expect((await ask('/api/simulate', '10.0.0.1')).statusCode).toBe(429);
      // ...a full score (simulation, detection, fuzzing: 28 calls) and a simulation do not.
      expect((await ask('/api/score', '10.0.0.2')).statusCode).toBe(200);
      const limited = await ask('/api/simulate', '10.0.0.2');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json<ApiErrorResponse>().error).toMatchObject({
        code: 'rate_limited',
        retryable: true,
        message: expect.stringMatching(
          /at most 2 simulations per 60 s, or their worth in LLM calls \(this request counts as 1 simulation\)/,
        ),
      });
      // Scoring with the judged scorers only (4 calls each) leaves room for more.
      expect((await ask('/api/score', '10.0.0.3', ['detection'])).statusCode).toBe(200);
      expect((await ask('/api/simulate', '10.0.0.3')).statusCode).toBe(200);
      const fullScore = await ask('/api/score', '10.0.0.3');
      expect(fullScore.statusCode).toBe(429);
      expect(fullScore.json<ApiErrorResponse>().error.message).toMatch(
        /counts as 1\.4 simulations/,
      );
    } finally {
      await server.app.close();
      await data.remove();
    }
  });
});
