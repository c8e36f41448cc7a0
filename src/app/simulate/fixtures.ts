/**
 * Test helpers for the simulate panel: typed API answers for neuron 1/2 of the neuron page's
 * fixtures, and a fake server whose streamed answers each test writes event by event.
 */
import { vi } from 'vitest';
import {
  formatSseEvent,
  type ApiErrorBody,
  type ExplainResult,
  type Health,
  type RecordsSimulationResult,
  type SimulationEvent,
  type TextsSimulationResult,
} from '../../core/api/index.ts';
import { explanationsFixture, recordFixture } from '../neuron/fixtures.ts';

export const healthFixture: Health = {
  status: 'ok',
  version: '0.1.0',
  simulator: { id: 'baseline', model: 'baseline' },
  explainer: { id: 'baseline', model: 'baseline' },
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeySet: false },
  datasets: { default: 'tiny', ids: ['tiny'] },
  limits: {
    maxExplanationChars: 500,
    maxTexts: 8,
    maxTextTokens: 64,
    bodyLimitBytes: 65536,
    rateLimit: { max: 30, windowMs: 60000 },
    requestTimeoutMs: 180000,
    upstreamTimeoutMs: 60000,
    upstreamMaxRetries: 3,
    upstreamConcurrency: 16,
  },
};

/** The explanation the page shows first for neuron 1/2 (best published score, 0.62). */
export const publishedFixture = explanationsFixture.scored_explanations[1]!;

function scoredSequence(kind: 'top' | 'random', index: number, simulated: (i: number) => number) {
  const record =
    kind === 'top'
      ? recordFixture.most_positive_activation_records[index]!
      : recordFixture.random_sample[index]!;
  return {
    simulation: {
      tokens: record.tokens,
      expected_activations: record.tokens.map((_, i) => simulated(i)),
      activation_scale: 'neuron_activations' as const,
      distribution_values: [],
      distribution_probabilities: [],
      uncalibrated_simulation: null,
    },
    true_activations: record.activations,
    ev_correlation_score: 0.5,
    rsquared_score: 0.1,
    absolute_dev_explained_score: 0.2,
  };
}

/** What every result of the fixtures' neuron 1:2 says about where it comes from. */
function resultOf(explanation: string) {
  return {
    dataset: 'tiny',
    layer: 1,
    neuron: 2,
    explanation,
    simulator: 'baseline',
    model: 'baseline',
    cached: false,
  } as const;
}

export function recordsResult(
  explanation: string,
  overrides: Partial<RecordsSimulationResult> = {},
): RecordsSimulationResult {
  return {
    ...resultOf(explanation),
    mode: 'records',
    records: [
      { kind: 'top', index: 2 },
      { kind: 'random', index: 1 },
    ],
    scored_sequence_simulations: [
      scoredSequence('top', 2, (i) => (i % 3 === 0 ? 2.5 : 0)),
      scoredSequence('random', 1, () => 0.05),
    ],
    ev_correlation_score: 0.4321,
    rsquared_score: 0.1234,
    absolute_dev_explained_score: -0.0567,
    ...overrides,
  };
}

export function explainResult(explanation: string): ExplainResult {
  return {
    ...recordsResult(explanation),
    explainer: { id: 'baseline', model: 'baseline' },
  };
}

export function textsResult(explanation: string, texts: string[][]): TextsSimulationResult {
  return {
    ...resultOf(explanation),
    mode: 'texts',
    simulations: texts.map((tokens) => ({
      tokens,
      expected_activations: tokens.map((_, i) => (i === 1 ? 9 : 0)),
      activation_scale: 'simulated_normalized_activations' as const,
      distribution_values: [],
      distribution_probabilities: [],
      uncalibrated_simulation: null,
    })),
  };
}

export const upstreamError: ApiErrorBody = {
  code: 'upstream_error',
  message: 'The LLM server answered HTTP 500 three times.',
  retryable: true,
};

/** A streamed answer the test writes to. */
export interface Stream {
  response: Response;
  send: (event: SimulationEvent) => void;
  /** Writes raw text (e.g. a comment, or a malformed event). */
  write: (text: string) => void;
  close: () => void;
}

export function sseStream(): Stream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  let closed = false;
  const write = (text: string) => {
    if (!closed) controller.enqueue(encoder.encode(text));
  };
  return {
    response: new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    }),
    send: (event) => write(formatSseEvent(event)),
    write,
    close: () => {
      if (!closed) controller.close();
      closed = true;
    },
  };
}

export interface ApiCall {
  path: string;
  body: unknown;
  headers: Headers;
  signal: AbortSignal | null;
  stream: Stream;
}

/**
 * Replaces fetch: `api/health` answers `health` (undefined: 404, as a static host), and each POST
 * to the API gets a fresh stream (or the Response `answer` returns) that the test drives.
 */
export function fakeApi(
  options: {
    health?: Health | undefined;
    answer?: (path: string, body: unknown) => Response | undefined;
  } = {},
) {
  const calls: ApiCall[] = [];
  const health = 'health' in options ? options.health : healthFixture;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url === 'api/health') {
      return health === undefined
        ? new Response('not found', { status: 404 })
        : new Response(JSON.stringify(health), { status: 200 });
    }
    if (url === 'api/simulate' || url === 'api/explain') {
      const body: unknown = JSON.parse(String(init?.body));
      const answered = options.answer?.(url, body);
      if (answered) return answered;
      const stream = sseStream();
      const signal = init?.signal ?? null;
      signal?.addEventListener('abort', () => stream.close());
      calls.push({ path: url, body, headers: new Headers(init?.headers), signal, stream });
      return stream.response;
    }
    return new Response('not found', { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls };
}

export function jsonError(
  status: number,
  error: ApiErrorBody,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
