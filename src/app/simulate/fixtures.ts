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
  type JudgedScoreResult,
  type RecordsSimulationResult,
  type ScoreResult,
  type TextsSimulationResult,
} from '../../core/api/index.ts';
import type { ScoreBasis, ScorerName } from '../../core/scoring/basis.ts';
import { explanationsFixture, recordFixture } from '../neuron/fixtures.ts';

export const healthFixture: Health = {
  status: 'ok',
  version: '0.1.0',
  simulator: { id: 'baseline', model: 'baseline' },
  explainer: { id: 'baseline', model: 'baseline' },
  judge: { id: 'baseline', model: 'baseline' },
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
  send: (event: { event: string; data: unknown }) => void;
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
    if (['api/simulate', 'api/explain', 'api/score', 'api/improve'].includes(url)) {
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

function basis(scorer: ScorerName, overrides: Partial<ScoreBasis> = {}): ScoreBasis {
  const judged = scorer !== 'simulation';
  return {
    scorer,
    records: judged ? 4 : 2,
    record_kinds: judged ? { top: 2, random: 2, quantile: 0 } : { top: 1, random: 1, quantile: 0 },
    tokens: judged ? 36 : 15,
    calibration_records: judged ? 0 : 2,
    activating: judged ? 2 : 0,
    non_activating: judged ? 2 : 0,
    role: judged ? 'judge' : 'simulator',
    provider: 'baseline',
    model: 'baseline',
    sampling: 'offline',
    prompt_version: null,
    seed: 20230509,
    bootstrap: {
      level: 0.95,
      resamples: 1000,
      defined: 1000,
      strata: judged ? 'firing or quiet' : 'record kind',
    },
    weak: true,
    ...overrides,
  };
}

/** Detection or fuzzing of neuron 1:2: four examples, the judge right on three. */
export function judgedResult(
  scorer: 'detection' | 'fuzzing',
  overrides: Partial<JudgedScoreResult> = {},
): JudgedScoreResult {
  const top = recordFixture.most_positive_activation_records;
  const random = recordFixture.random_sample;
  const example = (
    kind: 'top' | 'random',
    index: number,
    activating: boolean,
    fits: boolean,
    marked: number[],
  ) => {
    const record = kind === 'top' ? top[index]! : random[index]!;
    return {
      source: { kind, index },
      tokens: record.tokens,
      activations: record.activations,
      activating,
      marked: scorer === 'fuzzing' ? marked : null,
      verdict: { fits, probability: fits ? 0.9 : 0.2 },
      correct: fits === activating,
    };
  };
  return {
    scorer,
    accuracy: 0.75,
    balanced_accuracy: 0.75,
    precision: 0.6667,
    recall: 1,
    f1: 0.8,
    auprc: 0.8333,
    interval: [0.5, 1],
    basis: basis(scorer),
    note: null,
    examples: [
      example('top', 1, true, true, [2]),
      example('top', 2, true, true, [5]),
      example('random', 0, false, true, [1]),
      example('random', 1, false, false, [3]),
    ],
    firing_level: 1,
    quiet_level: 0.4,
    cached: false,
    ...overrides,
  };
}

/** The scores of an explanation of neuron 1:2, by the scorers asked for. */
export function scoreResult(
  explanation: string,
  options: { scorers?: readonly ScorerName[]; cached?: boolean; weak?: boolean } = {},
): ScoreResult {
  const scorers = options.scorers ?? ['simulation', 'detection', 'fuzzing'];
  const cached = options.cached ?? false;
  const simulated = recordsResult(explanation);
  return {
    dataset: 'tiny',
    layer: 1,
    neuron: 2,
    explanation,
    cached,
    scores: {
      ...(scorers.includes('simulation') && {
        simulation: {
          scorer: 'simulation',
          ev_correlation_score: simulated.ev_correlation_score,
          rsquared_score: simulated.rsquared_score,
          absolute_dev_explained_score: simulated.absolute_dev_explained_score,
          interval: [0.21, 0.65],
          basis: basis('simulation', { weak: options.weak ?? true }),
          cached,
          records: simulated.records,
          scored_sequence_simulations: simulated.scored_sequence_simulations,
        },
      }),
      ...(scorers.includes('detection') && {
        detection: judgedResult('detection', { cached }),
      }),
      ...(scorers.includes('fuzzing') && { fuzzing: judgedResult('fuzzing', { cached }) }),
    },
  };
}
