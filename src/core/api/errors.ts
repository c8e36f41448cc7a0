/**
 * The one shape of every error the server answers with (any 4xx or 5xx from /api or /datasets).
 */
import { z } from 'zod';

export const API_ERROR_CODES = [
  /** The request is malformed or a field is invalid (`field` names it). */
  'invalid_request',
  'not_found',
  'payload_too_large',
  /** Too many requests from this client; see the Retry-After header. */
  'rate_limited',
  /** The request took longer than the server allows. */
  'timeout',
  /** The LLM server failed (after retries) or could not be reached. */
  'upstream_error',
  /** The LLM answered in a form that cannot be read (e.g. tokens not reproduced). */
  'upstream_format',
  /** A dataset file needed for the request is malformed or unreadable. */
  'dataset_file',
  /** The server is shutting down (a restart); see the Retry-After header. */
  'unavailable',
  'internal',
] as const;

export const ApiErrorCodeSchema = z.enum(API_ERROR_CODES);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorBodySchema = z.object({
  code: ApiErrorCodeSchema,
  /** A sentence for the user: what failed and where. */
  message: z.string(),
  /** The request field at fault, as a dotted path (e.g. "texts.2"), when one is. */
  field: z.string().optional(),
  /** True when trying again later may succeed. */
  retryable: z.boolean(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

export const ApiErrorResponseSchema = z.object({ error: ApiErrorBodySchema });
export type ApiErrorResponse = z.infer<typeof ApiErrorResponseSchema>;
