/**
 * Errors the server answers with, all in the ApiErrorResponse shape of src/core/api.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorCode, ApiErrorResponse } from '../core/api/errors.ts';

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
    super(message, { cause: options.cause });
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
  if (fastifyError?.code === 'FST_ERR_BAD_URL') {
    return new ApiError(
      400,
      'invalid_request',
      'The URL is not valid: each "%" must start an escape of a UTF-8 character (such as %20).',
    );
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
