/**
 * Rules every request and response of the server follows, whatever the route: which client address
 * is believed behind proxies, which Host names are answered (against DNS rebinding), the headers
 * that keep the app from being framed or its files from being sniffed as something else, and how
 * long a request body may take to arrive. See "Security" in docs/server.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ISOLATED_QUERY } from '../core/address/address.ts';
import { ApiError } from './errors.ts';
import type { Settings } from './settings.ts';

/**
 * Fastify's trustProxy for TRUST_PROXY. A number of hops is a function of the hop's position:
 * the socket's peer and the entries the trusted proxies appended are believed, counted from the
 * right of X-Forwarded-For; what the client wrote itself (further left) never is.
 */
export function trustProxyOption(
  setting: Settings['TRUST_PROXY'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return (_address, hop) => hop < hops;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * The Host names the server answers to (null: any). On a loopback address: the loopback names (a
 * page on another site that rebinds its DNS name to 127.0.0.1 still sends its own name) and
 * ALLOWED_HOSTS (a reverse proxy's name). On another address: ALLOWED_HOSTS, else any.
 */
export function allowedHostNames(settings: Pick<Settings, 'ALLOWED_HOSTS' | 'HOST'>) {
  const named = settings.ALLOWED_HOSTS ?? [];
  if (named.includes('*')) return null;
  if (isLoopback(settings.HOST)) return new Set([...LOOPBACK_NAMES, ...named]);
  return named.length > 0 ? new Set(named) : null;
}

/** The host name of a Host header, lower case, without port or trailing dot. */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  const name = value.startsWith('[')
    ? value.slice(0, value.indexOf(']') + 1)
    : value.split(':')[0]!;
  return name.replace(/\.$/, '');
}

export function checkHost(request: FastifyRequest, allowed: ReadonlySet<string> | null): void {
  if (allowed === null) return;
  const header = request.headers.host;
  if (header !== undefined && allowed.has(hostName(header))) return;
  throw new ApiError(
    403,
    'invalid_request',
    `This server does not answer to the host name ${JSON.stringify(header ?? '')}: open it at one ` +
      'of the names it is configured for (ALLOWED_HOSTS).',
    { retryable: false },
  );
}

/** The SHA-256 sources of a page's inline scripts, for a CSP that runs them and nothing else inline. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(match[1] ?? '')) continue;
    const digest = createHash('sha256')
      .update(match[2] ?? '')
      .digest('base64');
    hashes.push(`'sha256-${digest}'`);
  }
  return hashes;
}

/**
 * The Content-Security-Policy: everything from this origin only, inline scripts only the ones the
 * built index.html holds (by hash), no plugins, no framing. Inline style attributes are allowed:
 * records colour their tokens with them (src/app/visuals/TokenRecord.tsx); style elements are not.
 * WebAssembly may be compiled ('wasm-unsafe-eval', not 'unsafe-eval'): the model runner is
 * onnxruntime's WebAssembly build. The browser may download model weights from `modelOrigins`
 * (MODEL_ORIGINS: Hugging Face by default) besides this server.
 */
export function contentSecurityPolicy(
  scriptHashes: readonly string[],
  modelOrigins: readonly string[] = [],
): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`.trim(),
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${modelOrigins.join(' ')}`.trim(),
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers on every response: the CSP of the built app in appDir, no sniffing, no framing, and
 * COEP, which a cross-origin isolated document (see isolationHeaders) needs of itself and of its
 * workers' scripts; the app embeds nothing from other origins, and model downloads are CORS
 * requests, which COEP allows.
 */
export function securityHeaders(
  appDir: string,
  modelOrigins: readonly string[] = [],
): Record<string, string> {
  const index = join(appDir, 'index.html');
  const hashes = existsSync(index) ? inlineScriptHashes(readFileSync(index, 'utf8')) : [];
  return {
    'content-security-policy': contentSecurityPolicy(hashes, modelOrigins),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
}

/**
 * COOP for a document asked for with ISOLATED_QUERY (the Your text page's link): with COEP, it
 * makes the page cross-origin isolated, so WebAssembly gets threads. Not on every document: COOP
 * puts the page in a browsing context group (a process) of its own, about 30 ms on every load of
 * every page, for threads that only the model runner uses.
 */
export function isolationHeaders(url: string): Record<string, string> {
  const query = url.indexOf('?');
  if (query < 0) return {};
  const search = new URLSearchParams(url.slice(query + 1));
  return search.has(ISOLATED_QUERY) ? { 'cross-origin-opener-policy': 'same-origin' } : {};
}

/**
 * The API's JSON body parser: JSON.parse, refusing the keys that reach an object's prototype when
 * code copies a parsed object into another (`__proto__`, `constructor.prototype`), with a message
 * that says so rather than calling the JSON invalid.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new ApiError(400, 'invalid_request', 'The request body is empty; send a JSON object.');
  }
  try {
    return JSON.parse(text, (key, value: unknown) => {
      const isPrototype =
        key === '__proto__' ||
        (key === 'constructor' &&
          typeof value === 'object' &&
          value !== null &&
          Object.hasOwn(value, 'prototype'));
      if (isPrototype) throw new PrototypeKeyError();
      return value;
    });
  } catch (error) {
    if (error instanceof PrototypeKeyError) {
      throw new ApiError(
        400,
        'invalid_request',
        'The request body has a "__proto__" or "constructor.prototype" key, which is not accepted.',
      );
    }
    throw new ApiError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
}

class PrototypeKeyError extends Error {}

/**
 * Cuts a request body that has not fully arrived `timeoutMs` after its headers: a stalled or
 * trickling upload gets a 408 in the API's error shape (and the connection is closed), instead of
 * holding a connection until Node's own request timeout, checked only every 30 s.
 */
export function limitBodyTime(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const { headers } = request;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      return payload;
    }
    const body = new PassThrough();
    const timer = setTimeout(() => {
      payload.unpipe(body);
      reply.header('connection', 'close');
      body.destroy(
        new ApiError(
          408,
          'timeout',
          `The request body did not arrive within ${timeoutMs / 1000} s; send it again.`,
          { retryable: true },
        ),
      );
    }, timeoutMs);
    const done = () => clearTimeout(timer);
    body.once('end', done).once('close', done);
    reply.raw.once('close', done);
    payload.once('error', (error) => body.destroy(error));
    // Fastify compares what arrived with Content-Length on this property.
    Object.defineProperty(body, 'receivedEncodedLength', {
      get: () => (payload as { receivedEncodedLength?: number }).receivedEncodedLength,
    });
    return payload.pipe(body);
  });
}
