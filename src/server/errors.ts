/**
 * Errors the server answers with, all in the ApiErrorResponse shape of src/core/api.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorCode, ApiErrorResponse } from '../core/api/errors.ts';
import { capped } from './redact.ts';

/** Longest message an error carries: a sentence or two, never a quoted answer. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

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

/** Turns whatever was thrown (ours, Fastify's, a plugin's) into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as Partial<FastifyError> | undefined;
  const status = fastifyError?.statusCode;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'invalid_request', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_request', 'The request body is empty; send a JSON object.');
  }
  if (error instanceof SyntaxError || fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError(400, 'invalid_request', `The request body is not valid JSON.`);
  }
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

const failures = new WeakMap<object, ApiError>();

/** Remembers why a request failed, for its log line (an event stream fails after its 200). */
export function noteFailure(request: FastifyRequest, error: ApiError): void {
  failures.set(request, error);
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
