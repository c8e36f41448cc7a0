/**
 * Chat completions from any OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, Ollama)
 * through the `openai` SDK, with what the SDK does not give us:
 * - retries of 429, 5xx, timeouts and dropped connections with backoff, honouring Retry-After
 *   (the SDK's own retries sleep without heeding an abort signal and wait for any Retry-After,
 *   however long, so they are turned off);
 * - a cap on calls in flight over all clients (a retry waiting out its backoff holds no slot);
 * - servers that reject a parameter (logprobs, max_tokens, temperature) are asked again without it,
 *   and remembered;
 * - every failure is an UpstreamError whose message a user can read.
 */
import OpenAI from 'openai';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ChatMessage, ChatTokenLogprob } from '../../core/simulation/types.ts';
import { readCompletionChoice } from './completion-reader.ts';
import { BufferedResponse, createUpstreamFetch } from './upstream-fetch.ts';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** Ask for logprobs with this many alternatives per token (when the server supports them). */
  topLogprobs?: number;
  /**
   * Which tokens' alternatives the caller reads (all when absent). The others' are never built:
   * they are most of an answer's size (see completion-reader.ts).
   */
  keepAlternatives?: (token: string) => boolean;
  temperature?: number;
}

/** An answer as it arrives: text, logprobs and finish reason. */
export interface ChatAnswer {
  content: string;
  /** `choices[0].logprobs.content`; null when the server gave none. */
  logprobs: ChatTokenLogprob[] | null;
  finishReason: string | null;
}

export interface ChatResponse extends ChatAnswer {
  /** Upstream calls this response took (1 + retries). */
  attempts: number;
}

/**
 * What a caller turns an answer into (see ChatClient.read), and optionally the same reading done
 * in a worker thread on the answer's bytes (see AnswerThreads), for when the main thread is busy.
 */
export interface AnswerReader<T> {
  read(answer: ChatAnswer): T;
  readElsewhere?: (bytes: Buffer) => Promise<ReadElsewhere<T>>;
}

/**
 * A reading done elsewhere: its value, or what failed. An `answer` failure is the answer's (not
 * JSON, no choice, no text: retried as here); a `reader` failure is the reader's, passed on.
 */
export type ReadElsewhere<T> =
  { value: T } | { failure: 'answer'; error: Error } | { failure: 'reader'; error: unknown };

/** An error the reader threw: the caller's, passed on as it is, never retried. */
class ReadFailure {
  constructor(readonly error: unknown) {}
}

export type UpstreamErrorKind =
  'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'rejected' | 'bad_response';

/** A failed upstream call, with a message for the user. */
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

export interface ChatClientOptions {
  baseURL: string;
  /** Servers such as vLLM or Ollama may need none. */
  apiKey: string | undefined;
  /** Longest one call may take (headers and body) before it is abandoned and retried. */
  timeoutMs: number;
  maxRetries: number;
  /** Calls in flight at once over all users of this client. */
  concurrency: number;
  /**
   * With more calls than this in flight, answers whose reader can be run elsewhere are read
   * there (default 20, one simulation's records): one simulation is read quicker on the main
   * thread (no messages between threads), many at once are read by more cores.
   */
  readElsewhereAbove?: number;
  /** First backoff delay; doubled each retry, with jitter, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this fails at once instead of waiting. */
  maxRetryAfterMs?: number;
}

/** Parameters some servers reject; each is dropped (or renamed) once the server says so. */
interface Compatibility {
  logprobs: boolean;
  temperature: boolean;
  tokenLimit: 'max_tokens' | 'max_completion_tokens';
}

export class ChatClient {
  readonly baseURL: string;
  private readonly client: OpenAI;
  private readonly options: Required<ChatClientOptions>;
  private readonly limit: LimitFunction;
  private readonly closeConnections: () => Promise<void>;
  private readonly compatibility: Compatibility = {
    logprobs: true,
    temperature: true,
    tokenLimit: 'max_tokens',
  };

  constructor(options: ChatClientOptions) {
    this.options = {
      backoffMs: 500,
      maxBackoffMs: 8000,
      maxRetryAfterMs: 60_000,
      readElsewhereAbove: 20,
      ...options,
    };
    this.baseURL = options.baseURL;
    const upstream = createUpstreamFetch({ connections: options.concurrency });
    this.closeConnections = upstream.close;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: options.timeoutMs,
      fetch: upstream.fetch,
    });
    this.limit = pLimit(options.concurrency);
  }

  /** Closes the kept-alive connections to the LLM server. */
  close(): Promise<void> {
    return this.closeConnections();
  }

  /** Calls waiting for a slot, and in flight: for /api/health and benchmarks. */
  get load(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  async complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
    const { value, attempts } = await this.withRetries(request, { read: (a) => a }, signal);
    return { ...value, attempts };
  }

  /**
   * The answer turned by the reader into what the caller keeps, in the same turn of the event loop
   * in which the answer arrives. Under load an answer's 80 KB of text and its logprobs would
   * otherwise wait their turn through the promise chain and outlive young-generation GCs, whose
   * copying of them cost more than reading them. What the reader throws is passed on, never
   * retried.
   */
  async read<T>(request: ChatRequest, reader: AnswerReader<T>, signal?: AbortSignal): Promise<T> {
    return (await this.withRetries(request, reader, signal)).value;
  }

  private async withRetries<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    signal: AbortSignal | undefined,
  ): Promise<{ value: T; attempts: number }> {
    const { maxRetries } = this.options;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const value = await this.limit(() => this.once(request, reader, signal));
        return { value, attempts: attempt + 1 };
      } catch (error) {
        signal?.throwIfAborted();
        if (error instanceof ReadFailure) throw error.error;
        const failure = this.describe(error, attempt);
        if (!failure.retryable || attempt >= maxRetries) throw failure;
        const delay = failure.retryAfterMs ?? this.backoff(attempt);
        if (delay > this.options.maxRetryAfterMs) throw failure;
        await sleep(delay, signal);
      }
    }
  }

  private backoff(attempt: number): number {
    const delay = Math.min(this.options.backoffMs * 2 ** attempt, this.options.maxBackoffMs);
    return delay * (1 - Math.random() * 0.25);
  }

  /** One call, asked again at once without any parameter the server rejects. */
  private async once<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    for (;;) {
      const sent = { ...this.compatibility };
      try {
        return await this.call(request, reader, sent, signal);
      } catch (error) {
        if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) {
          throw error;
        }
        const message = error.message.toLowerCase();
        if (sent.logprobs && request.topLogprobs !== undefined && message.includes('logprobs')) {
          this.compatibility.logprobs = false;
        } else if (sent.tokenLimit === 'max_tokens' && message.includes('max_tokens')) {
          this.compatibility.tokenLimit = 'max_completion_tokens';
        } else if (
          sent.temperature &&
          request.temperature !== undefined &&
          message.includes('temperature')
        ) {
          this.compatibility.temperature = false;
        } else {
          throw error;
        }
      }
    }
  }

  private async call<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    compatibility: Compatibility,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: request.messages,
      [compatibility.tokenLimit]: request.maxTokens,
    };
    if (request.temperature !== undefined && compatibility.temperature) {
      body.temperature = request.temperature;
    }
    if (request.topLogprobs !== undefined && compatibility.logprobs) {
      body.logprobs = true;
      body.top_logprobs = request.topLogprobs;
    }
    // The SDK's own timeout (its `timeout` option) covers the whole call, body included, because
    // upstreamFetch reads the body before it resolves; it fails with APIConnectionTimeoutError.
    // The SDK throws for error statuses; a success is read here (a SyntaxError if it is not
    // JSON), without the alternatives the caller does not read (see keepAlternatives).
    const response = await this.client.chat.completions
      .create(body, signal ? { signal } : undefined)
      .asResponse();
    if (
      reader.readElsewhere &&
      response instanceof BufferedResponse &&
      this.limit.activeCount > this.options.readElsewhereAbove
    ) {
      const outcome = await reader.readElsewhere(response.content);
      if ('value' in outcome) return outcome.value;
      throw outcome.failure === 'reader' ? new ReadFailure(outcome.error) : outcome.error;
    }
    const text = response instanceof BufferedResponse ? response.textNow() : await response.text();
    const answer = readAnswer(text, request.keepAlternatives);
    try {
      return reader.read(answer);
    } catch (error) {
      throw new ReadFailure(error);
    }
  }

  /** What went wrong, for the user, and whether another try may help. */
  private describe(error: unknown, attempt: number): UpstreamError {
    if (error instanceof UpstreamError) return error;
    const tries = `${attempt + 1} ${attempt === 0 ? 'try' : 'tries'}`;
    const server = this.baseURL;
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return new UpstreamError(
        'timeout',
        `The LLM server at ${server} did not answer within ${this.options.timeoutMs / 1000} s (${tries}).`,
        { retryable: true, cause: error },
      );
    }
    if (error instanceof OpenAI.APIConnectionError) {
      const cause = (error.cause as Error | undefined)?.message ?? error.message;
      return new UpstreamError(
        'connection',
        `Could not reach the LLM server at ${server}: ${cause} (${tries}).`,
        { retryable: true, cause: error },
      );
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      const detail = upstreamDetail(error);
      const retryAfterMs = retryAfter(error.headers);
      if (status === 429) {
        return new UpstreamError(
          'rate_limited',
          `The LLM server is rate-limiting requests (HTTP 429${detail}) (${tries}).`,
          {
            status,
            retryable: true,
            cause: error,
            ...(retryAfterMs !== undefined && { retryAfterMs }),
          },
        );
      }
      if (status >= 500 || status === 408 || status === 409) {
        return new UpstreamError(
          'server_error',
          `The LLM server failed (HTTP ${status}${detail}) (${tries}).`,
          {
            status,
            retryable: true,
            cause: error,
            ...(retryAfterMs !== undefined && { retryAfterMs }),
          },
        );
      }
      const what =
        status === 401 || status === 403
          ? 'refused the API key'
          : status === 404
            ? 'does not know this model or endpoint'
            : 'rejected the request';
      return new UpstreamError('rejected', `The LLM server ${what} (HTTP ${status}${detail}).`, {
        status,
        retryable: false,
        cause: error,
      });
    }
    if (error instanceof SyntaxError) {
      // A body cut short by a proxy or a dropped connection: worth another try.
      return new UpstreamError(
        'bad_response',
        `The LLM server sent a response that is not valid JSON (${tries}).`,
        { retryable: true, cause: error },
      );
    }
    return new UpstreamError('connection', `The LLM call failed: ${String(error)} (${tries}).`, {
      retryable: true,
      cause: error,
    });
  }
}

/**
 * The answer in a successful response's text: a SyntaxError if it is not JSON, an UpstreamError
 * (worth another try) if it has no choice or no text.
 */
export function readAnswer(
  text: string,
  keepAlternatives: ((token: string) => boolean) | undefined,
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
        ? `The model refused: ${refusal}`
        : `The LLM server answered with no text (finish_reason ${JSON.stringify(choice.finishReason ?? null)}).`,
      { retryable: true },
    );
  }
  const finishReason = typeof choice.finishReason === 'string' ? choice.finishReason : null;
  return { content, logprobs: choice.logprobs, finishReason };
}

function upstreamDetail(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : '';
  return message ? `: ${message.slice(0, 300)}` : '';
}

/** Retry-After-Ms, or Retry-After in seconds or as an HTTP date. */
export function retryAfter(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
