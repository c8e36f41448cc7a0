/**
 * Chat completions from any OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, Ollama)
 * through the `openai` SDK, with what the SDK does not give us:
 * - retries of 429, 5xx, timeouts and dropped connections with backoff, honouring Retry-After
 *   (the SDK's own retries sleep without heeding an abort signal and wait for any Retry-After,
 *   however long, so they are turned off);
 * - a cap on calls in flight, shared fairly between clients (a retry waiting out its backoff holds
 *   no slot), and a circuit breaker that pauses calls while the server fails every one;
 * - a cap on an answer's size, read no further than that;
 * - servers that reject a parameter (logprobs, max_tokens, temperature) are asked again without it,
 *   and remembered;
 * - every failure is an UpstreamError whose message a user can read: short, naming the server by
 *   its host only, with no secret (the key and URL credentials are kept by redact.ts).
 */
import OpenAI from 'openai';
import type { ChatMessage } from '../../core/simulation/types.ts';
import { responseRetryAfterMs, sleep } from '../../node/retry.ts';
import type { Logger } from '../log.ts';
import { excerpt, hostOf, keepSecret, keepUrlSecrets } from '../redact.ts';
import {
  AnswerFormatError,
  DEFAULT_MAX_ANSWER_BYTES,
  readAnswer,
  UpstreamError,
  type AnswerContext,
  type ChatAnswer,
  type ReadElsewhere,
} from './answer.ts';
import { BREAKER_DEFAULTS, CircuitBreaker, type BreakerRefusal } from './breaker.ts';
import { FairLimiter } from './fair-limit.ts';
import { AnswerTooLargeError, BufferedResponse, createUpstreamFetch } from './upstream-fetch.ts';

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

export interface ChatResponse extends ChatAnswer {
  /** Upstream calls this response took (1 + retries). */
  attempts: number;
}

/** Who asks, and until when. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** The client the call is for: upstream capacity is shared fairly between clients. */
  client?: string | undefined;
}

/**
 * What a caller turns an answer into (see ChatClient.read), and optionally the same reading done
 * in a worker thread on the answer's bytes (see AnswerThreads), for when the main thread is busy.
 */
export interface AnswerReader<T> {
  read(answer: ChatAnswer): T;
  readElsewhere?: (bytes: Buffer, context: AnswerContext) => Promise<ReadElsewhere<T>>;
}

/** An error the reader threw: the caller's, passed on as it is, never retried. */
class ReadFailure {
  constructor(readonly error: unknown) {}
}

export interface ChatClientOptions {
  baseURL: string;
  /** Servers such as vLLM or Ollama may need none. */
  apiKey: string | undefined;
  /** Longest one call may take (headers and body) before it is abandoned and retried. */
  timeoutMs: number;
  maxRetries: number;
  /** Calls in flight at once over all users of this client, shared fairly between clients. */
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
  /** Longest answer read (bytes); a longer one fails as soon as it passes this. */
  maxAnswerBytes?: number;
  /** Failed calls in a row after which calls pause (see CircuitBreaker). */
  breakerFailures?: number;
  /** How long calls pause then, before they try the server again. */
  breakerCooldownMs?: number;
  /** Where the client tells of the breaker opening and closing, and the SDK of its problems. */
  log?: Pick<Logger, 'info' | 'warn'>;
}

/** Parameters some servers reject; each is dropped (or renamed) once the server says so. */
interface Compatibility {
  logprobs: boolean;
  temperature: boolean;
  tokenLimit: 'max_tokens' | 'max_completion_tokens';
}

export class ChatClient {
  /** The server, as its host only (it is named so in messages). */
  readonly host: string;
  private readonly client: OpenAI;
  private readonly options: Required<Omit<ChatClientOptions, 'log'>>;
  private readonly limit: FairLimiter;
  private readonly breaker: CircuitBreaker;
  private readonly closeConnections: () => Promise<void>;
  private closed = false;
  private readonly compatibility: Compatibility = {
    logprobs: true,
    temperature: true,
    tokenLimit: 'max_tokens',
  };

  constructor({ log, ...options }: ChatClientOptions) {
    this.options = {
      backoffMs: 500,
      maxBackoffMs: 8000,
      maxRetryAfterMs: 60_000,
      readElsewhereAbove: 20,
      maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
      breakerFailures: BREAKER_DEFAULTS.failures,
      breakerCooldownMs: BREAKER_DEFAULTS.cooldownMs,
      ...options,
    };
    // The key and any credentials in the URL are never to be written anywhere (see redact.ts).
    keepSecret(options.apiKey);
    keepUrlSecrets(options.baseURL);
    this.host = hostOf(options.baseURL);
    const upstream = createUpstreamFetch({
      connections: options.concurrency,
      maxBytes: this.options.maxAnswerBytes,
    });
    this.closeConnections = upstream.close;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: options.timeoutMs,
      fetch: upstream.fetch,
      // The SDK's own notices (OPENAI_LOG) go through the server's log, which redacts them.
      ...(log ? { logger: sdkLogger(log) } : { logLevel: 'off' as const }),
    });
    this.limit = new FairLimiter(options.concurrency);
    this.breaker = new CircuitBreaker({
      failures: this.options.breakerFailures,
      cooldownMs: this.options.breakerCooldownMs,
      onChange: (state, detail) =>
        state === 'open' ? log?.warn(`upstream: ${detail}`) : log?.info(`upstream: ${detail}`),
    });
  }

  /** Closes the kept-alive connections to the LLM server; calls after this fail at once. */
  close(): Promise<void> {
    this.closed = true;
    return this.closeConnections();
  }

  /** Calls waiting for a slot, and in flight: for /api/health and benchmarks. */
  get load(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const { value, attempts } = await this.withRetries(request, { read: (a) => a }, options);
    return { ...value, attempts };
  }

  /**
   * The answer turned by the reader into what the caller keeps, in the same turn of the event loop
   * in which the answer arrives. Under load an answer's 80 KB of text and its logprobs would
   * otherwise wait their turn through the promise chain and outlive young-generation GCs, whose
   * copying of them cost more than reading them. What the reader throws is passed on, never
   * retried.
   */
  async read<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return (await this.withRetries(request, reader, options)).value;
  }

  private async withRetries<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    { signal, client = '' }: CallOptions,
  ): Promise<{ value: T; attempts: number }> {
    const { maxRetries } = this.options;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      // While the breaker is open, calls fail here rather than wait in the queue for nothing.
      const refusal = this.breaker.refusal();
      if (refusal) throw this.paused(refusal);
      try {
        const value = await this.limit.run(
          client,
          () => this.attempt(request, reader, signal),
          signal,
        );
        return { value, attempts: attempt + 1 };
      } catch (error) {
        signal?.throwIfAborted();
        if (error instanceof ReadFailure) throw error.error;
        if (!(error instanceof UpstreamError)) throw error;
        if (!error.retryable || error.kind === 'unavailable') throw withTries(error, attempt);
        const delay = error.retryAfterMs ?? this.backoff(attempt);
        if (attempt >= maxRetries || delay > this.options.maxRetryAfterMs) {
          throw withTries(error, attempt);
        }
        await sleep(delay, signal);
      }
    }
  }

  /** One call, unless the breaker has opened meanwhile; its outcome told to the breaker. */
  private async attempt<T>(
    request: ChatRequest,
    reader: AnswerReader<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (this.closed) {
      // A run finishing during shutdown: not a failure of the LLM server.
      throw new UpstreamError('unavailable', 'The server is shutting down.', { retryable: true });
    }
    // Calls that waited for a slot while the breaker opened fail now, without calling.
    const refusal = this.breaker.refusal();
    if (refusal) throw this.paused(refusal);
    try {
      const value = await this.once(request, reader, signal);
      this.breaker.succeeded();
      return value;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof ReadFailure) {
        // The server answered; what it said is the caller's business.
        this.breaker.succeeded();
        throw error;
      }
      const failure = this.describe(error);
      // A refusal (401, 404, 400) is an answer too; only failures to answer count.
      if (failure.retryable) this.breaker.failed(failure.message, failure.retryAfterMs);
      else this.breaker.succeeded();
      throw failure;
    }
  }

  private paused(refusal: BreakerRefusal): UpstreamError {
    const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
    return new UpstreamError(
      'unavailable',
      `The LLM server at ${this.host} failed ${refusal.failures} calls in a row (last: ` +
        `${excerpt(refusal.lastFailure, 160)}), so calls to it are paused; try again in ${seconds} s.`,
      { retryable: true, retryAfterMs: refusal.retryAfterMs },
    );
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
    const greedy = request.temperature === 0 && compatibility.temperature;
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
      const outcome = await reader.readElsewhere(response.content, { greedy });
      if ('value' in outcome) return outcome.value;
      throw outcome.failure === 'reader' ? new ReadFailure(outcome.error) : outcome.error;
    }
    const text = response instanceof BufferedResponse ? response.textNow() : await response.text();
    let answer: ChatAnswer;
    try {
      answer = readAnswer(text, request.keepAlternatives, greedy);
    } catch (error) {
      // An answer that breaks the API's rules is the server's fault, and would come again.
      if (error instanceof AnswerFormatError) throw new ReadFailure(error);
      throw error;
    }
    try {
      return reader.read(answer);
    } catch (error) {
      throw new ReadFailure(error);
    }
  }

  /**
   * What went wrong, for the user (without the number of tries, which withTries adds), and whether
   * another try may help. Text from the server is quoted as a short excerpt only.
   */
  private describe(error: unknown): UpstreamError {
    if (error instanceof UpstreamError) return error;
    const server = this.host;
    const cause = (error as { cause?: unknown } | undefined)?.cause;
    if (cause instanceof AnswerTooLargeError) {
      const megabytes = Math.round((cause.maxBytes / 1024 / 1024) * 10) / 10;
      return new UpstreamError(
        'bad_response',
        `The LLM server at ${server} sent an answer longer than ${megabytes} MB ` +
          '(UPSTREAM_MAX_ANSWER_BYTES); it was not read.',
        { retryable: true, cause: error },
      );
    }
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return new UpstreamError(
        'timeout',
        `The LLM server at ${server} did not answer within ${this.options.timeoutMs / 1000} s.`,
        { retryable: true, cause: error },
      );
    }
    if (error instanceof OpenAI.APIConnectionError) {
      const reason = cause instanceof Error ? cause.message : error.message;
      return new UpstreamError(
        'connection',
        `Could not reach the LLM server at ${server}: ${excerpt(reason, 120)}.`,
        { retryable: true, cause: error },
      );
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      const detail = upstreamDetail(error);
      const retryAfterMs = error.headers
        ? (responseRetryAfterMs(error.headers) ?? undefined)
        : undefined;
      if (status === 429) {
        return new UpstreamError(
          'rate_limited',
          `The LLM server is rate-limiting requests (HTTP 429${detail}).`,
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
          `The LLM server failed (HTTP ${status}${detail}).`,
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
    if (error instanceof SyntaxError || error instanceof RangeError) {
      // A body cut short by a proxy or a dropped connection: worth another try. (A RangeError is
      // JSON nested deeper than the parser's stack.)
      return new UpstreamError(
        'bad_response',
        'The LLM server sent a response that is not valid JSON.',
        { retryable: true, cause: error },
      );
    }
    return new UpstreamError('connection', `The LLM call failed: ${excerpt(String(error), 120)}.`, {
      retryable: true,
      cause: error,
    });
  }
}

/** The error as it is thrown to the caller: retried kinds say how many tries were made. */
function withTries(error: UpstreamError, attempt: number): UpstreamError {
  if (error.kind === 'rejected' || error.kind === 'unavailable') return error;
  const tries = `${attempt + 1} ${attempt === 0 ? 'try' : 'tries'}`;
  return new UpstreamError(error.kind, `${error.message.replace(/\.$/, '')} (${tries}).`, {
    retryable: error.retryable,
    cause: error.cause,
    ...(error.status !== undefined && { status: error.status }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
  });
}

/** The server's own message for an error status, as a short excerpt (it may repeat the key). */
function upstreamDetail(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? excerpt(body.message, 200) : '';
  return message ? `: ${message}` : '';
}

/** The SDK's logger, writing through the server's (redacting) log. */
function sdkLogger(log: Pick<Logger, 'info' | 'warn'>) {
  const line = (message: string, rest: unknown[]) =>
    excerpt(
      [
        message,
        ...rest.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))),
      ].join(' '),
      500,
    );
  return {
    error: (message: string, ...rest: unknown[]) => log.warn(`openai sdk: ${line(message, rest)}`),
    warn: (message: string, ...rest: unknown[]) => log.warn(`openai sdk: ${line(message, rest)}`),
    info: (message: string, ...rest: unknown[]) => log.info(`openai sdk: ${line(message, rest)}`),
    debug: (message: string, ...rest: unknown[]) => log.info(`openai sdk: ${line(message, rest)}`),
  };
}
