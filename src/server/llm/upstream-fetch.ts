/**
 * The `fetch` the OpenAI SDK uses for upstream calls: undici's request API over a keep-alive pool.
 * Node's global fetch costs about a millisecond of CPU per call more, which a simulation (20 calls)
 * pays twenty times. Bodies are read whole (the SDK is not used for streaming here) and handed
 * back as a Response whose json() and text() read the bytes directly: a Response over a buffer
 * would go through a web stream and a TextDecoder first, a third more work on 200 KB of logprobs.
 */
import { Agent, request, type Dispatcher } from 'undici';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** An answer longer than the client takes (see ChatClientOptions.maxAnswerBytes). */
export class AnswerTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
    this.name = 'AnswerTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export function createUpstreamFetch(options: { connections: number; maxBytes: number }): {
  fetch: Fetch;
  close: () => Promise<void>;
} {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    // Timeouts are the caller's (an abort signal per call).
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  async function upstreamFetch(input: string | URL | Request, init: RequestInit = {}) {
    if (input instanceof Request) throw new TypeError('upstreamFetch takes a URL, not a Request');
    const headers: Record<string, string> = {};
    // The SDK passes a Headers object; anything else is made into one.
    const given = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    given.forEach((value, name) => {
      headers[name] = value;
    });
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('upstreamFetch sends string or byte bodies only');
    }
    const response = await request(input, {
      method: (init.method ?? 'GET') as 'GET',
      headers,
      body: body ?? null,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    const bytes = await readBody(response.body, options.maxBytes, response.headers);
    // Name-value pairs, so that the Response builds its Headers once (not from another Headers).
    const responseHeaders: [string, string][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.push([name, item]);
      else if (value !== undefined) responseHeaders.push([name, value]);
    }
    const nullBody = [101, 204, 205, 304].includes(response.statusCode);
    return new BufferedResponse(nullBody ? Buffer.alloc(0) : bytes, {
      status: response.statusCode,
      headers: responseHeaders,
    });
  }

  return { fetch: upstreamFetch, close: () => agent.close() };
}

/**
 * The body, read whole, or an AnswerTooLargeError as soon as it (or its announced length) passes
 * maxBytes: reading stops there, so a huge answer costs at most maxBytes of memory.
 */
function readBody(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  headers: Dispatcher.ResponseData['headers'],
): Promise<Buffer> {
  const announced = Number(headers['content-length']);
  if (announced > maxBytes) {
    body.destroy();
    return Promise.reject(new AnswerTooLargeError(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy();
        reject(new AnswerTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks, size)));
    body.once('error', reject);
  });
}

/** A whole response body in memory, read without a stream. */
export class BufferedResponse extends Response {
  /** The whole body. */
  readonly content: Buffer;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.content = bytes;
  }

  /** The body as text, at once. */
  textNow(): string {
    return this.content.toString('utf8');
  }

  override text(): Promise<string> {
    return Promise.resolve(this.textNow());
  }

  override json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.textNow()));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.content;
    return Promise.resolve(buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer);
  }
}
