/**
 * Reading an LLM server's answer, and what can be wrong with it. Dependency-free (core and the
 * completion reader only), so that answer-reading threads load it without the OpenAI SDK.
 *
 * Nothing an upstream server writes is trusted: logprobs are checked for type and range (a
 * log-probability is a finite number at most 0), and text quoted in an error is an excerpt.
 */
import {
  mayBeActivation,
  parseSimulationResponse,
} from '../../core/simulation/simulation-prompt.ts';
import { SimulationFormatError, type ChatTokenLogprob } from '../../core/simulation/types.ts';
import { excerpt } from '../redact.ts';
import { readCompletionChoice } from './completion-reader.ts';

/**
 * Longest answer read, by default (UPSTREAM_MAX_ANSWER_BYTES). The largest answer to the real
 * records is 84 KB; one filling the simulator's whole token budget, with 20 alternatives per
 * token, pretty-printed, about 3.6 MB (docs/server.md).
 */
export const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** An answer as it arrives: text, logprobs and finish reason. */
export interface ChatAnswer {
  content: string;
  /** `choices[0].logprobs.content`, checked; null when the server gave none. */
  logprobs: ChatTokenLogprob[] | null;
  finishReason: string | null;
  /**
   * Whether the model was asked for its most likely tokens (temperature 0, and the server took
   * the parameter): then each written token must be the most likely one at its place.
   */
  greedy: boolean;
}

export type UpstreamErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'rejected'
  | 'bad_response'
  /** Calls are paused after the server failed many in a row (see CircuitBreaker). */
  | 'unavailable';

/** A failed upstream call, with a message for the user (short, and without secrets). */
export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** How long the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: UpstreamErrorKind,
    message: string,
    options: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'UpstreamError';
    this.kind = kind;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * An answer that arrived whole but breaks the API's own rules (a logprob that is not a number, or
 * above 0): the server is at fault, and asking again at once would get the same. Never retried by
 * the client; the user may try again.
 */
export class AnswerFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'AnswerFormatError';
  }
}

/**
 * The answer in a successful response's text: a SyntaxError if it is not JSON, an UpstreamError
 * (worth another try) if it has no choice or no text, an AnswerFormatError if its logprobs are not
 * log-probabilities.
 */
export function readAnswer(
  text: string,
  keepAlternatives: ((token: string) => boolean) | undefined,
  greedy = false,
): ChatAnswer {
  const choice = readCompletionChoice(text, keepAlternatives);
  if (!choice) {
    throw new UpstreamError('bad_response', 'The LLM server answered without any choice.', {
      retryable: true,
    });
  }
  const content = choice.content;
  if (typeof content !== 'string' || content === '') {
    const refusal = choice.refusal;
    throw new UpstreamError(
      'bad_response',
      typeof refusal === 'string' && refusal
        ? `The model refused: ${excerpt(refusal)}`
        : `The LLM server answered with no text (finish_reason ${excerpt(JSON.stringify(choice.finishReason ?? null), 40)}).`,
      { retryable: true },
    );
  }
  if (choice.malformedLogprobs) throw new AnswerFormatError(choice.malformedLogprobs);
  const finishReason = typeof choice.finishReason === 'string' ? choice.finishReason : null;
  const logprobs = choice.logprobs === null ? null : checkLogprobs(choice.logprobs);
  return { content, logprobs, finishReason, greedy };
}

/**
 * A log-probability above 0 by at most this is rounding (servers print float32 values); more is
 * impossible.
 */
export const LOGPROB_TOLERANCE = 1e-4;

/**
 * The entries, checked: objects with a text token, a log-probability, optional bytes (a list of
 * byte values) and optional alternatives of the same kind. Throws an AnswerFormatError naming the
 * first entry at fault.
 */
export function checkLogprobs(entries: readonly unknown[]): ChatTokenLogprob[] {
  for (let i = 0; i < entries.length; i++) {
    const where = `logprobs entry ${i + 1}`;
    const entry = checkTokenLogprob(entries[i], where);
    if (entry.bytes != null && !isByteList(entry.bytes)) {
      throw new AnswerFormatError(`${where}: bytes is not a list of byte values`);
    }
    const alternatives: unknown = entry.top_logprobs;
    if (alternatives == null) continue;
    if (!Array.isArray(alternatives)) {
      throw new AnswerFormatError(`${where}: top_logprobs is not a list`);
    }
    for (let j = 0; j < alternatives.length; j++) {
      checkTokenLogprob(alternatives[j], `${where}, alternative ${j + 1}`);
    }
  }
  return entries as ChatTokenLogprob[];
}

function checkTokenLogprob(value: unknown, where: string): ChatTokenLogprob {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AnswerFormatError(`${where} is not an object`);
  }
  const { token, logprob } = value as { token?: unknown; logprob?: unknown };
  if (typeof token !== 'string') throw new AnswerFormatError(`${where}: token is not text`);
  if (typeof logprob !== 'number') {
    throw new AnswerFormatError(`${where} (${quote(token)}): logprob is not a number`);
  }
  if (!Number.isFinite(logprob)) {
    throw new AnswerFormatError(
      `${where} (${quote(token)}): logprob is ${logprob}, not a finite number`,
    );
  }
  if (logprob > LOGPROB_TOLERANCE) {
    throw new AnswerFormatError(
      `${where} (${quote(token)}): logprob ${logprob} is above 0, an impossible log-probability`,
    );
  }
  return value as ChatTokenLogprob;
}

function isByteList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (byte) => typeof byte === 'number' && Number.isInteger(byte) && byte >= 0 && byte <= 255,
    )
  );
}

function quote(token: string): string {
  return excerpt(JSON.stringify(token), 40);
}

/** Only the alternatives of the written numbers are read (see keepAlternatives). */
export const SIMULATION_ALTERNATIVES = mayBeActivation;

/** A record's simulation from the simulator's answer (a SimulationFormatError if unreadable). */
export function simulationFromAnswer(tokens: readonly string[], answer: ChatAnswer) {
  return parseSimulationResponse(tokens, answer.content, answer.logprobs, {
    finishReason: answer.finishReason,
    greedy: answer.greedy,
  });
}

/** What the reader of an answer knows besides its bytes. */
export interface AnswerContext {
  greedy: boolean;
}

/**
 * A reading done elsewhere (see AnswerThreads): its value, or what failed. An `answer` failure is
 * the answer's (not JSON, no choice, no text: retried as on the main thread); a `reader` failure
 * is the reader's, or the answer breaking the API's rules, passed on.
 */
export type ReadElsewhere<T> =
  { value: T } | { failure: 'answer'; error: Error } | { failure: 'reader'; error: unknown };

/** A failure of reading an answer, as plain data: errors lose their class between threads. */
export type AnswerFailure =
  | { type: 'upstream'; kind: UpstreamErrorKind; message: string; retryable: boolean }
  | { type: 'answer-format'; message: string }
  | { type: 'simulation-format'; problem: string; line: number | null }
  | { type: 'not-json'; message: string }
  | { type: 'other'; name: string; message: string };

/** The failure as data, to send to another thread (failureError makes it an error again). */
export function failureData(error: unknown): AnswerFailure {
  if (error instanceof UpstreamError) {
    const { kind, message, retryable } = error;
    return { type: 'upstream', kind, message, retryable };
  }
  if (error instanceof AnswerFormatError) return { type: 'answer-format', message: error.message };
  if (error instanceof SimulationFormatError) {
    return { type: 'simulation-format', problem: error.problem, line: error.line };
  }
  if (error instanceof SyntaxError) return { type: 'not-json', message: error.message };
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { type: 'other', name, message };
}

/** The error a failure stands for, of the class the reading threw. */
export function failureError(failure: AnswerFailure): Error {
  switch (failure.type) {
    case 'upstream':
      return new UpstreamError(failure.kind, failure.message, { retryable: failure.retryable });
    case 'answer-format':
      return new AnswerFormatError(failure.message);
    case 'simulation-format':
      return new SimulationFormatError(failure.problem, failure.line);
    case 'not-json':
      return new SyntaxError(failure.message);
    case 'other':
      return Object.assign(new Error(failure.message), { name: failure.name });
  }
}
