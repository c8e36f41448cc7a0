import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorResponseSchema } from '../core/api/errors.ts';
import { temporaryDirectory } from '../../tests/support/datasets.ts';
import { listenInRange } from '../../tests/support/ports.ts';
import { testServer } from '../../tests/support/server.ts';
import type { Server } from './app.ts';
import { inlineScriptHashes } from './http-policy.ts';

/** Asserts the documented error shape and returns the error. */
function apiError(body: string) {
  return ApiErrorResponseSchema.strict().parse(JSON.parse(body)).error;
}

describe('client addresses behind proxies (TRUST_PROXY)', () => {
  const simulate = (server: Server, forwardedFor: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      remoteAddress: '10.0.0.2',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      payload: {},
    });

  it('rate-limits a client who writes a new address into X-Forwarded-For each time', async () => {
    // The load balancer (10.0.0.2) appends the address it saw; the client wrote the rest.
    for (const trust of ['1', '10.0.0.2', '10.0.0.0/24']) {
      const server = await testServer({ TRUST_PROXY: trust, RATE_LIMIT_MAX: '2' });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await simulate(server, `198.51.100.${i}, 203.0.113.7`)).statusCode);
      }
      expect(statuses, `TRUST_PROXY=${trust}`).toEqual([400, 400, 429]);
      // Another client behind the same balancer has its own allowance.
      expect((await simulate(server, '203.0.113.8')).statusCode).toBe(400);
      await server.app.close();
    }
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const server = await testServer({ RATE_LIMIT_MAX: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await simulate(server, `203.0.113.${i}`)).statusCode);
    expect(statuses).toEqual([400, 400, 429]);
    await server.app.close();
  });
});

describe('host names (against DNS rebinding)', () => {
  const asHost = async (env: Record<string, string>, host: string) => {
    const server = await testServer(env);
    const response = await server.app.inject({ url: '/api/health', headers: { host } });
    await server.app.close();
    return response;
  };

  it('answers only to localhost names on a loopback address', async () => {
    for (const host of [
      'localhost:8080',
      '127.0.0.1:8080',
      '[::1]:8080',
      'LOCALHOST',
      '127.0.0.1',
    ]) {
      expect((await asHost({}, host)).statusCode, host).toBe(200);
    }
    for (const host of [
      'attacker.example',
      'attacker.example:8080',
      'localhost.attacker.example',
    ]) {
      const response = await asHost({}, host);
      expect(response.statusCode, host).toBe(403);
      expect(apiError(response.body)).toMatchObject({ code: 'invalid_request', retryable: false });
    }
  });

  it('answers to ALLOWED_HOSTS, and to any name on a public address without it', async () => {
    const named = { ALLOWED_HOSTS: 'neurons.example.org' };
    expect((await asHost(named, 'neurons.example.org:443')).statusCode).toBe(200);
    expect((await asHost(named, 'localhost:8080')).statusCode).toBe(200);
    expect((await asHost(named, 'attacker.example')).statusCode).toBe(403);
    const publicNamed = { ...named, HOST: '0.0.0.0' };
    expect((await asHost(publicNamed, 'neurons.example.org')).statusCode).toBe(200);
    expect((await asHost(publicNamed, 'localhost:8080')).statusCode).toBe(403);
    expect((await asHost({ HOST: '0.0.0.0' }, 'anything.example')).statusCode).toBe(200);
    expect((await asHost({ ALLOWED_HOSTS: '*' }, 'anything.example')).statusCode).toBe(200);
  });
});

describe('response headers and what the app folder serves', () => {
  let app: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server;
  const html =
    '<!doctype html><head><script>window.a = 1;</script><script type="module" src="./assets/index.js"></script></head>';

  beforeAll(async () => {
    app = await temporaryDirectory('ne-app-');
    await mkdir(join(app.path, 'assets'));
    await writeFile(join(app.path, 'index.html'), html);
    await writeFile(join(app.path, 'assets', 'index.js'), 'console.log(1);');
    await writeFile(join(app.path, 'assets', 'index.js.map'), '{"sources":["/home/dev/src"]}');
    server = await testServer({ APP_DIR: app.path });
  });
  afterAll(async () => {
    await server.app.close();
    await app.remove();
  });

  it('sends a CSP that runs the page’s own inline script only, and forbids framing', async () => {
    const [hash] = inlineScriptHashes(html);
    expect(hash).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
    for (const url of ['/', '/assets/index.js', '/api/health', '/datasets/nope/manifest.json']) {
      const response = await server.app.inject(url);
      expect(response.headers['content-security-policy'], url).toBe(
        `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${hash}; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
      );
      expect(response.headers['cross-origin-embedder-policy'], url).toBe('require-corp');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
    }
  });

  it('makes only a document asked for with ?isolated cross-origin isolated', async () => {
    const plain = await server.app.inject('/');
    expect(plain.headers['cross-origin-opener-policy']).toBeUndefined();
    const isolated = await server.app.inject('/?isolated');
    expect(isolated.statusCode).toBe(200);
    expect(isolated.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(isolated.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('serves no source maps', async () => {
    expect((await server.app.inject('/assets/index.js')).statusCode).toBe(200);
    const map = await server.app.inject('/assets/index.js.map');
    expect(map.statusCode).toBe(404);
    expect(map.body).not.toContain('/home/dev');
  });
});

describe('the error contract for malformed requests', () => {
  let server: Server;
  beforeAll(async () => {
    server = await testServer({ BODY_TIMEOUT_MS: '500' });
  });
  afterAll(() => server.app.close());

  const post = (payload: string, contentType = 'application/json') =>
    server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      headers: { 'content-type': contentType },
      payload,
    });

  it('answers a URL with bad percent-encoding in the error shape', async () => {
    for (const url of ['/datasets/%E0%A4%A/manifest.json', '/api/%zz', '/%']) {
      const response = await server.app.inject(url);
      expect(response.statusCode, url).toBe(400);
      expect(apiError(response.body), url).toEqual({
        code: 'invalid_request',
        message:
          'The URL is not valid: each "%" must start an escape of a UTF-8 character (such as %20).',
        retryable: false,
      });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('answers a __proto__ or constructor.prototype key in the error shape', async () => {
    for (const body of [
      '{"dataset":"demo","__proto__":{"polluted":true}}',
      '{"dataset":"demo","constructor":{"prototype":{"polluted":true}}}',
    ]) {
      const response = await post(body);
      expect(response.statusCode, body).toBe(400);
      expect(apiError(response.body), body).toEqual({
        code: 'invalid_request',
        message:
          'The request body has a "__proto__" or "constructor.prototype" key, which is not accepted.',
        retryable: false,
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a text/plain or untyped body with a 415 in the error shape', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await post('cats', type);
      expect(response.statusCode, type).toBe(415);
      expect(apiError(response.body), type).toEqual({
        code: 'invalid_request',
        message: 'Send the request body as application/json.',
        retryable: false,
      });
    }
  });

  it('cuts a stalled upload at BODY_TIMEOUT_MS with a 408 in the error shape', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' }).catch(async () => {
      await listenInRange(server.app.server);
    });
    const { port } = server.app.server.address() as { port: number };
    const started = performance.now();
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            'Content-Length: 100\r\n\r\n{"dataset":',
        );
        // Then a byte now and then: trickling is no way around the limit.
        const trickle = setInterval(() => socket.write(' '), 100);
        socket.once('close', () => clearInterval(trickle));
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    const elapsed = performance.now() - started;
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(apiError(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({
      code: 'timeout',
      message: 'The request body did not arrive within 0.5 s; send it again.',
      retryable: true,
    });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5000);
  });
});
