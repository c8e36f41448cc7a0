/**
 * Errors the server answers with, all in the ApiErrorResponse shape of src/core/api, and the one
 * table (toApiError) that says what every other error answers with.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorCode, ApiErrorResponse } from '../core/api/errors.ts';
import { DatasetFileError } from '../core/format/parse.ts';
import { NoRecordsError } from '../core/simulation/simulate.ts';
import { ExplanationFormatError, SimulationFormatError } from '../core/simulation/types.ts';
import { AnswerFormatError, UpstreamError, type UpstreamErrorKind } from './llm/answer.ts';
import type { Logger } from './log.ts';
import { capped } from './redact.ts';

/** Longest message an error carries: a sentence or two, never a quoted answer. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

/** Why each request failed, for its log line (an event stream fails after its 200). */
const failures = new WeakMap<object, ApiError>();

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly field: string | undefined;
  readonly retryable: boolean;
  /** Seconds, sent as Retry-After. */
  readonly retryAfter: number | undefined;

  constructor(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    options: { field?: string; retryable?: boolean; retryAfter?: number; cause?: unknown } = {},
  ) {
    // Every error a client sees is made here: no secret, and no text long enough to hide one in.
    super(capped(message, MAX_ERROR_MESSAGE_CHARS), { cause: options.cause });
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? statusCode >= 500;
    this.retryAfter = options.retryAfter;
  }

  get body(): ApiErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined && { field: this.field }),
      retryable: this.retryable,
    };
  }
}

/** Why a running simulation or explanation was stopped (the reason its signal aborted with). */
export class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`stopped after ${ms} ms`);
    this.name = 'RequestTimeout';
  }
}
export class ClientGone extends Error {
  constructor() {
    super('the client closed the request');
    this.name = 'ClientGone';
  }
}
export class ShuttingDown extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'ShuttingDown';
  }
}

/** Seconds a client is told to wait before trying a server that is shutting down (a restart). */
const RESTART_RETRY_AFTER_S = 5;

/** The HTTP status of each way an LLM call fails. */
const UPSTREAM_STATUS: Record<UpstreamErrorKind, number> = {
  rate_limited: 503,
  unavailable: 503,
  timeout: 504,
  server_error: 502,
  connection: 502,
  rejected: 502,
  bad_response: 502,
};

type Translation<E> = [new (...args: never[]) => E, (error: E) => ApiError];
const translate = <E>(type: new (...args: never[]) => E, to: (error: E) => ApiError) =>
  [type, to] as Translation<unknown>;

/**
 * What each kind of error answers a client with: the one table from errors to API errors. Errors
 * raised with a request's own context (a bad field, a missing neuron) are ApiErrors already.
 */
const TRANSLATIONS: readonly Translation<unknown>[] = [
  translate(ApiError, (error) => error),
  translate(UpstreamError, (error) => {
    const retryAfter = error.retryAfterMs === undefined ? undefined : error.retryAfterMs / 1000;
    return new ApiError(UPSTREAM_STATUS[error.kind], 'upstream_error', error.message, {
      retryable: error.retryable,
      ...(retryAfter !== undefined && { retryAfter: Math.max(1, Math.ceil(retryAfter)) }),
      cause: error,
    });
  }),
  translate(
    SimulationFormatError,
    (error) =>
      new ApiError(
        502,
        'upstream_format',
        `The simulator's answer could not be read (${error.message}), so there is no score; try again.`,
        { retryable: true, cause: error },
      ),
  ),
  translate(
    AnswerFormatError,
    (error) =>
      new ApiError(
        502,
        'upstream_format',
        `The LLM server's answer breaks the API's rules (${error.message}), so there is no result; try again.`,
        { retryable: true, cause: error },
      ),
  ),
  translate(
    ExplanationFormatError,
    (error) =>
      new ApiError(
        502,
        'upstream_format',
        `The explainer's answer could not be read (${error.message}); try again.`,
        { retryable: true, cause: error },
      ),
  ),
  translate(
    NoRecordsError,
    (error) =>
      new ApiError(404, 'not_found', `This neuron has no records to work from: ${error.message}.`),
  ),
  translate(
    DatasetFileError,
    (error) =>
      new ApiError(500, 'dataset_file', `A dataset file cannot be used: ${error.message}`, {
        retryable: false,
        cause: error,
      }),
  ),
  translate(
    RequestTimeout,
    (error) =>
      new ApiError(
        504,
        'timeout',
        `Stopped after ${error.ms / 1000} s, the longest a request may take. ` +
          'Try again: records already simulated are kept, so a retry is quicker.',
        { retryable: true },
      ),
  ),
  translate(
    ShuttingDown,
    () =>
      new ApiError(
        503,
        'unavailable',
        'The server is shutting down, so this request was not finished; try again in a moment.',
        { retryable: true, retryAfter: RESTART_RETRY_AFTER_S },
      ),
  ),
  // Nobody is listening; this only ends the request quietly.
  translate(
    ClientGone,
    () => new ApiError(400, 'invalid_request', 'The client closed the request.'),
  ),
];

/** Fastify's own errors (a body too large, not JSON, ...), by their code. */
const FASTIFY_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new ApiError(413, 'payload_too_large', 'The request body is too large.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError(415, 'invalid_request', 'Send the request body as application/json.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new ApiError(400, 'invalid_request', 'The request body is empty; send a JSON object.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new ApiError(400, 'invalid_request', 'The request body is not valid JSON.'),
  FST_ERR_BAD_URL: () =>
    new ApiError(
      400,
      'invalid_request',
      'The URL is not valid: each "%" must start an escape of a UTF-8 character (such as %20).',
    ),
};

/** Turns whatever was thrown (ours, Fastify's, a plugin's) into an ApiError, by the table. */
export function toApiError(error: unknown): ApiError {
  for (const [type, to] of TRANSLATIONS) if (error instanceof type) return to(error);
  const fastifyError = error as Partial<FastifyError> | undefined;
  const byCode = FASTIFY_ERRORS[fastifyError?.code ?? ''];
  if (byCode) return byCode();
  // Fastify's JSON body parser throws a bare SyntaxError for some bodies.
  if (error instanceof SyntaxError) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY!();
  const status = fastifyError?.statusCode;
  if (status === 429) {
    return new ApiError(429, 'rate_limited', String(fastifyError?.message), { retryable: true });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'invalid_request', String(fastifyError?.message));
  }
  return new ApiError(500, 'internal', 'The server failed unexpectedly; see its log.', {
    cause: error,
  });
}

/**
 * The ApiError a failed request answers with: translated by the table, logged when unexpected,
 * and noted for the request's log line.
 */
export function failRequest(request: FastifyRequest, error: unknown, logger: Logger): ApiError {
  const apiError = toApiError(error);
  if (apiError.code === 'internal') {
    logger.error(`${request.method} ${request.url}`, apiError.cause ?? error);
  }
  failures.set(request, apiError);
  return apiError;
}

/** Why the request failed, as a few words for its log line; empty when it did not. */
export function failureOf(request: FastifyRequest): string {
  const error = failures.get(request);
  return error ? `${error.code}: ${error.message}` : '';
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  // A header set for the file that was to be sent must not make its error cacheable.
  reply.removeHeader('etag').removeHeader('vary').header('cache-control', 'no-store');
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  const body: ApiErrorResponse = { error: error.body };
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}

export function notFound(request: FastifyRequest): ApiError {
  const path = request.url.split('?')[0] ?? request.url;
  return new ApiError(404, 'not_found', `Nothing is served at ${path}.`);
}
