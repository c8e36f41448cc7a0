/**
 * Calls to the server's API (`POST api/simulate`, `api/explain`, `api/score`, `api/improve`), streamed: the request asks
 * for server-sent events, and the body is read as it arrives (EventSource cannot POST) and fed to
 * core's SseParser. Every failure becomes an ApiRequestError saying what failed.
 */
import type { z } from 'zod';
import {
  ApiErrorResponseSchema,
  SCORE_EVENT_SCHEMAS,
  SseEventError,
  SseParser,
  SSE_CONTENT_TYPE,
  SIMULATION_EVENT_SCHEMAS,
  type ApiErrorBody,
  type ApiErrorBodySchema,
  type ExplanationEventSchema,
  type ImproveRequest,
  type ScoreProgressEvent,
  type ScoreRequest,
  type ScoreResult,
  type ApiErrorCode,
  type ExplainRequest,
  type ExplainResult,
  type ExplanationEvent,
  type ProgressEvent,
  type SimulateRequest,
  type SimulationResult,
} from '../../core/api/index.ts';

/** Server codes, plus the two failures only the app can see. */
export type RequestErrorCode =
  | ApiErrorCode
  /** The server could not be reached at all. */
  | 'network'
  /** The server answered with something that is not the API's shape. */
  | 'protocol';

/** A simulate or explain request that failed; never carries a partial result. */
export class ApiRequestError extends Error {
  readonly code: RequestErrorCode;
  /** HTTP status of the answer; null when the failure came mid-stream or from the network. */
  readonly status: number | null;
  /** The request field at fault (e.g. "explanation", "texts.2"), when one is. */
  readonly field: string | undefined;
  readonly retryable: boolean;
  /** Seconds to wait before retrying (the Retry-After header), when the server said. */
  readonly retryAfter: number | null;

  constructor(
    code: RequestErrorCode,
    message: string,
    options: {
      status?: number | null;
      field?: string | undefined;
      retryable?: boolean;
      retryAfter?: number | null;
    } = {},
  ) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
    this.status = options.status ?? null;
    this.field = options.field;
    this.retryable = options.retryable ?? true;
    this.retryAfter = options.retryAfter ?? null;
  }

  static fromBody(body: ApiErrorBody, status: number | null, retryAfter: number | null = null) {
    return new ApiRequestError(body.code, body.message, {
      status,
      field: body.field,
      retryable: body.retryable,
      retryAfter,
    });
  }
}

/** Retry-After as seconds from now: either a number of seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export type StreamHandlers = StreamCallbacks<ProgressEvent>;

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof DOMException && error.name === 'AbortError');
}

async function errorFromResponse(response: Response): Promise<ApiRequestError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  let text = '';
  try {
    text = await response.text();
  } catch {
    // the body is lost; the status still says what happened
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: not our server's error shape
  }
  const parsed = ApiErrorResponseSchema.safeParse(json);
  if (parsed.success)
    return ApiRequestError.fromBody(parsed.data.error, response.status, retryAfter);
  return new ApiRequestError(
    response.status === 404 || response.status === 405 ? 'protocol' : 'internal',
    response.status === 404 || response.status === 405
      ? `The server has no simulation API (HTTP ${response.status}); is this a static host?`
      : `The server answered HTTP ${response.status} without saying why.`,
    { status: response.status, retryable: response.status >= 500, retryAfter },
  );
}

/** What a stream reports before its result: progress, and a written explanation. */
interface StreamCallbacks<Progress> {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: Progress) => void) | undefined;
  onExplanation?: ((event: ExplanationEvent) => void) | undefined;
}

type StreamSchemas = {
  progress: z.ZodType;
  explanation: typeof ExplanationEventSchema;
  result: z.ZodType;
  error: typeof ApiErrorBodySchema;
};

/**
 * POSTs `body` to `path` asking for a stream of events, reports progress as it comes, and resolves
 * with the validated result. Rejects with ApiRequestError, or with the abort reason when `signal`
 * aborts (the server stops working when the connection closes).
 */
async function streamRequest<Schemas extends StreamSchemas>(
  path: 'api/simulate' | 'api/explain' | 'api/score' | 'api/improve',
  body: object,
  schemas: Schemas,
  { signal, onProgress, onExplanation }: StreamCallbacks<z.infer<Schemas['progress']>>,
): Promise<z.infer<Schemas['result']>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: SSE_CONTENT_TYPE },
      body: JSON.stringify(body),
      cache: 'no-store',
      ...(signal && { signal }),
    });
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    throw new ApiRequestError('network', `Could not reach the server: ${String(error)}`);
  }
  if (!response.ok) throw await errorFromResponse(response);

  const type = response.headers.get('content-type') ?? '';
  if (!type.includes(SSE_CONTENT_TYPE)) {
    // A server (or proxy) that ignored the Accept header answers with the result as JSON.
    const parsed = schemas.result.safeParse(await readJson(response));
    if (!parsed.success) {
      throw new ApiRequestError('protocol', 'The server sent a result the app cannot read.');
    }
    return parsed.data as z.infer<Schemas['result']>;
  }
  if (!response.body) throw new ApiRequestError('protocol', 'The server sent an empty answer.');

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser<StreamSchemas>(schemas);
  let result: { value: unknown } | null = null;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (isAbort(error, signal)) throw error;
        throw new ApiRequestError(
          'network',
          `The connection to the server broke during the run: ${String(error)}`,
        );
      }
      if (chunk.done) break;
      for (const event of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        switch (event.event) {
          case 'progress':
            onProgress?.(event.data as z.infer<Schemas['progress']>);
            break;
          case 'explanation':
            onExplanation?.(event.data as ExplanationEvent);
            break;
          case 'error':
            throw ApiRequestError.fromBody(event.data as ApiErrorBody, null);
          case 'result':
            result = { value: event.data };
            break;
        }
      }
    }
  } catch (error) {
    if (error instanceof SseEventError) {
      throw new ApiRequestError(
        'protocol',
        `The server sent an event the app cannot read: ${error.message}`,
      );
    }
    throw error;
  } finally {
    reader.cancel().catch(() => {});
  }
  if (result === null) {
    throw new ApiRequestError('protocol', 'The server ended the stream without a result.');
  }
  return result.value as z.infer<Schemas['result']>;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** `POST api/simulate`, streamed. */
export async function streamSimulation(
  request: SimulateRequest,
  handlers: StreamHandlers = {},
): Promise<SimulationResult> {
  return streamRequest('api/simulate', request, SIMULATION_EVENT_SCHEMAS, handlers);
}

/** `POST api/explain`, streamed: the explanation event first, then progress, then the result. */
export async function streamExplanation(
  request: ExplainRequest,
  handlers: StreamHandlers = {},
): Promise<ExplainResult> {
  const result = await streamRequest('api/explain', request, SIMULATION_EVENT_SCHEMAS, handlers);
  if (!('explainer' in result)) {
    throw new ApiRequestError('protocol', 'The server sent a result without its explainer.');
  }
  return result;
}

export type ScoreStreamHandlers = StreamCallbacks<ScoreProgressEvent>;

/** `POST api/score`, streamed: progress per scorer, then every score with its interval and basis. */
export function streamScore(
  request: ScoreRequest,
  handlers: ScoreStreamHandlers = {},
): Promise<ScoreResult> {
  return streamRequest('api/score', request, SCORE_EVENT_SCHEMAS, handlers);
}

/** `POST api/improve`, streamed: the revision (an explanation event), progress, its scores. */
export async function streamImprove(
  request: ImproveRequest,
  handlers: ScoreStreamHandlers = {},
): Promise<ScoreResult> {
  const result = await streamRequest('api/improve', request, SCORE_EVENT_SCHEMAS, handlers);
  if (!result.revision) {
    throw new ApiRequestError('protocol', 'The server sent an improvement without its revision.');
  }
  return result;
}
