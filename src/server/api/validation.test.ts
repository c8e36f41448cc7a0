import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorResponse } from '../../core/api/errors.ts';
import type { ExplainResult, RecordsSimulationResult } from '../../core/api/simulate.ts';
import { testServer } from '../../../tests/support/server.ts';
import {
  CAT_NEURON,
  DATASET,
  simulationDataDir,
} from '../../../tests/support/simulation-fixture.ts';
import type { Server } from '../app.ts';

const valid = { dataset: DATASET, ...CAT_NEURON, explanation: 'cats' };

describe('requests to the simulation API (offline baseline simulator)', () => {
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let server: Server;

  beforeAll(async () => {
    data = await simulationDataDir();
    server = await testServer({ DATA_DIR: data.path, BODY_LIMIT: '2048' });
  });
  afterAll(async () => {
    await server.app.close();
    await data.remove();
  });

  const post = (payload: unknown, url = '/api/simulate', target = server) =>
    target.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('simulates and scores offline with the baseline, named so', async () => {
    const response = await post(valid);
    expect(response.statusCode).toBe(200);
    const result = response.json<RecordsSimulationResult>();
    expect(result).toMatchObject({ simulator: 'baseline', model: 'baseline', cached: false });
    // The baseline reads "cats" and rates " cat" high: a real, positive correlation.
    expect(result.ev_correlation_score).toBeGreaterThan(0.5);
  });

  it('explains offline with the baseline explainer, named so', async () => {
    const response = await post({ dataset: DATASET, ...CAT_NEURON }, '/api/explain');
    expect(response.statusCode).toBe(200);
    const result = response.json<ExplainResult>();
    expect(result.explainer).toEqual({ id: 'baseline', model: 'baseline' });
    expect(result.explanation).toMatch(/cat/);
    expect(result.ev_correlation_score).not.toBeNull();
  });

  it.each([
    [{ ...valid, explanation: '' }, 'explanation', /must not be empty/],
    [{ ...valid, explanation: 'x'.repeat(501) }, 'explanation', /at most 500 characters/],
    [{ ...valid, explanation: 42 }, 'explanation', /expected text/],
    [{ ...valid, layer: 1 }, 'layer', /has no layer 1 \(layers 0 to 0\)/],
    [{ ...valid, neuron: 8 }, 'neuron', /has 8 neurons \(0 to 7\)/],
    [{ ...valid, neuron: -1 }, 'neuron', /0 or more/],
    [{ ...valid, layer: '0' }, 'layer', /whole number/],
    [{ ...valid, dataset: '../../etc' }, 'dataset', /not a dataset id/],
    [{ ...valid, texts: Array(9).fill('cat') }, 'texts', /at most 8 texts/],
    [{ ...valid, texts: ['fine', ''] }, 'texts.1', /must not be empty/],
    [{ ...valid, texts: ['fine', ' cat'.repeat(65)] }, 'texts.1', /65 GPT-2 tokens; at most 64/],
    [{ ...valid, sneaky: true }, 'sneaky', /Unknown field/],
  ])('rejects %j with a 400 naming the field', async (body, field, message) => {
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    const { error } = response.json<ApiErrorResponse>();
    expect(error).toMatchObject({ code: 'invalid_request', field, retryable: false });
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${field}`) || field === 'sneaky').toBe(true);
  });

  it('accepts a text of exactly 64 tokens', async () => {
    const response = await post({ ...valid, texts: [' cat'.repeat(64)] });
    expect(response.statusCode).toBe(200);
  });

  it('answers an unknown dataset with 404 naming the field', async () => {
    const response = await post({ ...valid, dataset: 'nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json<ApiErrorResponse>().error).toMatchObject({ field: 'dataset' });
  });

  it('rejects bodies that are not JSON objects, or too large', async () => {
    expect((await post('{"dataset":')).statusCode).toBe(400);
    expect((await post('[1,2]')).json<ApiErrorResponse>().error.message).toMatch(/JSON object/);
    const large = await post({ ...valid, texts: ['x'.repeat(3000)] });
    expect(large.statusCode).toBe(413);
    expect(large.json<ApiErrorResponse>().error.code).toBe('payload_too_large');
    const text = await server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { 'content-type': 'text/plain' },
      payload: 'cats',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json<ApiErrorResponse>().error.message).toMatch(/application\/json/);
  });

  it('limits each client, answering 429 with Retry-After', async () => {
    const limited = await testServer({ DATA_DIR: data.path, RATE_LIMIT_MAX: '2' });
    const from = (ip: string) =>
      limited.app.inject({
        method: 'POST',
        url: '/api/simulate',
        payload: valid,
        remoteAddress: ip,
      });
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    const third = await from('10.0.0.1');
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json<ApiErrorResponse>().error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      message: expect.stringMatching(/at most 2 simulations per 60 s/),
    });
    // Another client is not affected, nor are datasets.
    expect((await from('10.0.0.2')).statusCode).toBe(200);
    expect((await limited.app.inject('/datasets/index.json')).statusCode).toBe(200);
    await limited.app.close();
  });

  it('sends no CORS headers: the API is same-origin', async () => {
    const response = await server.app.inject({
      method: 'OPTIONS',
      url: '/api/simulate',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
