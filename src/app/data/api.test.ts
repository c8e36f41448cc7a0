import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSseEvent, type SimulationEvent } from '../../core/api/index.ts';
import { recordsResult } from '../simulate/fixtures.ts';
import { ApiRequestError, parseRetryAfter, streamExplanation, streamSimulation } from './api.ts';

afterEach(() => vi.unstubAllGlobals());

const request = { dataset: 'tiny', layer: 1, neuron: 2, explanation: 'the word “café”' };

/** Answers every fetch with `body` cut into byte chunks of `size` (splitting UTF-8 characters). */
function answerInChunks(body: string, size: number, init: ResponseInit = {}) {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
  const fetchMock = vi.fn(
    async () =>
      new Response(stream, {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        ...init,
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('streamSimulation', () => {
  it('reads events split anywhere, even inside a character, and resolves with the result', async () => {
    const result = recordsResult(request.explanation);
    const events: SimulationEvent[] = [
      { event: 'progress', data: { done: 1, total: 2, record: { kind: 'top', index: 2 } } },
      { event: 'progress', data: { done: 2, total: 2, record: { kind: 'random', index: 1 } } },
      { event: 'result', data: result },
    ];
    const fetchMock = answerInChunks(`: ping\n\n${events.map(formatSseEvent).join('')}`, 5);
    const progress: unknown[] = [];
    await expect(
      streamSimulation(request, { onProgress: (event) => progress.push(event) }),
    ).resolves.toEqual(result);
    expect(progress).toEqual([events[0]!.data, events[1]!.data]);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('api/simulate');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual(request);
  });

  it('rejects with the error event, never a result', async () => {
    answerInChunks(
      formatSseEvent({
        event: 'error',
        data: { code: 'upstream_format', message: 'tokens not reproduced', retryable: true },
      }),
      7,
    );
    const error = await streamSimulation(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ code: 'upstream_format', retryable: true, status: null });
  });

  it('rejects a stream that ends without a result, or with an unreadable event', async () => {
    answerInChunks(': ping\n\n', 3);
    await expect(streamSimulation(request)).rejects.toMatchObject({ code: 'protocol' });
    answerInChunks('event: progress\ndata: {"done":"x"}\n\n', 100);
    await expect(streamSimulation(request)).rejects.toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/cannot read.*progress/),
    });
  });

  it('reads an API error answer with its field and Retry-After', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              error: { code: 'rate_limited', message: 'Slow down.', retryable: true },
            }),
            { status: 429, headers: { 'retry-after': '12' } },
          ),
      ),
    );
    await expect(streamSimulation(request)).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfter: 12,
      message: 'Slow down.',
    });
  });

  it('says so when there is no API behind the app (a static host)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<!doctype html>', { status: 405 })),
    );
    await expect(streamSimulation(request)).rejects.toMatchObject({
      code: 'protocol',
      message: expect.stringMatching(/no simulation API/),
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(streamSimulation(request)).rejects.toMatchObject({ code: 'network' });
  });

  it('passes an abort through as an abort, not as a failure', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            init.signal?.addEventListener('abort', () =>
              controller.error(new DOMException('aborted', 'AbortError')),
            );
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const controller = new AbortController();
    const run = streamSimulation(request, { signal: controller.signal });
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApiRequestError);
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('streamExplanation', () => {
  it('reports the explanation written before its result', async () => {
    const result = { ...recordsResult('cats'), explainer: { id: 'baseline', model: 'baseline' } };
    answerInChunks(
      [
        formatSseEvent({
          event: 'explanation',
          data: { explanation: 'cats', explainer: { id: 'baseline', model: 'baseline' } },
        }),
        formatSseEvent({ event: 'result', data: result } as SimulationEvent),
      ].join(''),
      11,
    );
    const written: string[] = [];
    await expect(
      streamExplanation(
        { dataset: 'tiny', layer: 1, neuron: 2 },
        { onExplanation: (event) => written.push(event.explanation) },
      ),
    ).resolves.toEqual(result);
    expect(written).toEqual(['cats']);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds or an HTTP date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
  });
});
