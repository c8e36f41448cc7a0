import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startOpenAiTestServer,
  testChatOptions,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { UpstreamError } from './answer.ts';
import { ChatClient, type ChatClientOptions, type ChatRequest } from './chat.ts';

const request: ChatRequest = {
  model: 'test-model',
  messages: [
    {
      role: 'user',
      content:
        'Neuron description: the main thing this neuron does is find the word cat.\n\nTokens (3):\nThe\n cat\n sat',
    },
  ],
  maxTokens: 100,
  topLogprobs: 5,
  temperature: 0,
};

describe('ChatClient against the OpenAI-compatible test server', () => {
  let upstream: OpenAiTestServer;
  beforeAll(async () => {
    upstream = await startOpenAiTestServer();
  });
  afterAll(() => upstream.close());
  beforeEach(() => upstream.reset());

  const client = (options: Partial<ChatClientOptions> = {}) =>
    new ChatClient({ ...testChatOptions(upstream), ...options });

  it('returns the text and the logprobs it asked for', async () => {
    const response = await client().complete(request);
    expect(response.content).toBe('The\t0\n cat\t10\n sat\t0');
    expect(response.logprobs?.map((l) => l.token).join('')).toBe(response.content);
    // top_logprobs: 5 alternatives, as asked.
    expect(response.logprobs?.[6]?.top_logprobs?.map((t) => t.token)).toEqual([
      '10',
      '9',
      '0',
      '1',
      '2',
    ]);
    expect(response.attempts).toBe(1);
    expect(upstream.requests[0]).toMatchObject({
      logprobs: true,
      top_logprobs: 5,
      max_tokens: 100,
    });
  });

  it('keeps only the alternatives the caller reads', async () => {
    const response = await client().complete({
      ...request,
      keepAlternatives: (token) => /^\d+$/.test(token),
    });
    const kept = response.logprobs?.map((l) => l.top_logprobs?.length ?? 0);
    // The 3 numbers keep their 5 alternatives; the tokens, tabs and newlines none.
    expect(kept).toEqual([0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5]);
    expect(response.logprobs?.map((l) => l.token).join('')).toBe(response.content);
  });

  it('hands the answer to the caller as it arrives, and passes on what the caller throws', async () => {
    const chat = client();
    expect(await chat.read(request, { read: (answer) => answer.content.split('\n').length })).toBe(
      3,
    );
    class WrongFormat extends Error {}
    const failure = await chat
      .read(request, {
        read: () => {
          throw new WrongFormat('line 2 has no number');
        },
      })
      .catch((error: unknown) => error);
    // The caller's own error, not an upstream failure, and not retried.
    expect(failure).toBeInstanceOf(WrongFormat);
    expect(upstream.requests).toHaveLength(2);
  });

  it('works with servers that give no logprobs', async () => {
    upstream.reset({ mode: 'no-logprobs' });
    const response = await client().complete(request);
    expect(response.content).toContain(' cat\t10');
    expect(response.logprobs).toBeNull();
  });

  it('asks again without logprobs when the server rejects them, and remembers', async () => {
    upstream.reset({ mode: 'reject-logprobs' });
    const chat = client();
    expect((await chat.complete(request)).logprobs).toBeNull();
    await chat.complete(request);
    expect(upstream.requests.map((r) => r.logprobs ?? false)).toEqual([true, false, false]);
  });

  it('honours Retry-After on a 429, then succeeds', async () => {
    upstream.reset({ mode: 'rate-limit', failFirst: 1, retryAfter: '1' });
    const started = Date.now();
    const response = await client().complete(request);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(response.attempts).toBe(2);
    expect(upstream.requests).toHaveLength(2);
  });

  it('gives up on a 429 after its retries, saying so and passing on Retry-After', async () => {
    upstream.reset({ mode: 'rate-limit', retryAfter: '0' });
    const failure = await client()
      .complete(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 0,
    });
    expect((failure as Error).message).toMatch(/rate-limiting.*429.*Rate limit reached.*3 tries/);
    expect(upstream.requests).toHaveLength(3);
  });

  it('fails at once when Retry-After is longer than it will wait', async () => {
    upstream.reset({ mode: 'rate-limit', retryAfter: '120' });
    const failure = await client()
      .complete(request)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000 });
    expect(upstream.requests).toHaveLength(1);
  });

  it('retries a 500 with backoff', async () => {
    upstream.reset({ mode: 'server-error', failFirst: 2 });
    expect((await client().complete(request)).attempts).toBe(3);
    upstream.reset({ mode: 'server-error' });
    await expect(client().complete(request)).rejects.toThrow(
      /failed \(HTTP 500: The server had an error\) \(3 tries\)/,
    );
  });

  it('abandons a call that takes too long and retries it', async () => {
    upstream.reset({ mode: 'timeout', failFirst: 1 });
    expect((await client({ timeoutMs: 200 }).complete(request)).attempts).toBe(2);
    upstream.reset({ mode: 'timeout' });
    await expect(client({ timeoutMs: 100, maxRetries: 1 }).complete(request)).rejects.toThrow(
      /did not answer within 0.1 s \(2 tries\)/,
    );
  });

  it('retries a response cut short', async () => {
    upstream.reset({ mode: 'truncated-json', failFirst: 1 });
    expect((await client().complete(request)).attempts).toBe(2);
    upstream.reset({ mode: 'truncated-json' });
    await expect(client().complete(request)).rejects.toThrow(/not valid JSON \(3 tries\)/);
  });

  it('keeps upstream calls in flight within the cap', async () => {
    upstream.reset({ latencyMs: 30 });
    const chat = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => chat.complete(request)));
    expect(upstream.maxInFlight).toBe(3);
  });

  it('stops when the caller aborts, without further calls', async () => {
    upstream.reset({ mode: 'timeout' });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 10_000 }).complete(request, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
    expect(upstream.requests).toHaveLength(1);
  });

  it('names the server it cannot reach', async () => {
    const unreachable = client({ baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
    await expect(unreachable.complete(request)).rejects.toThrow(
      /Could not reach the LLM server at 127.0.0.1:1:/,
    );
  });
});
