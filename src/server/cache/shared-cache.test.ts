/**
 * Several instances behind a load balancer, on one real redis-server (started here on a free port;
 * skipped, loudly, only when /usr/bin/redis-server is absent): a result computed through one is a
 * cache hit on the other, the rate limit counts a client's requests over both, and a Redis that
 * fails or is gone is a clear error at start and a miss (never a failed request) once running.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../../tests/support/datasets.ts';
import {
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../../../tests/support/openai-test-server.ts';
import { freePortInRange } from '../../../tests/support/ports.ts';
import { redisServerMissing, startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { capturingLogger, testServer } from '../../../tests/support/server.ts';
import {
  CAT_NEURON,
  DATASET,
  simulationDataDir,
} from '../../../tests/support/simulation-fixture.ts';
import type { Server } from '../app.ts';

const skip = redisServerMissing();
/** One upstream call per record: 10 scored and 10 calibration records. */
const CALLS_PER_SIMULATION = 20;

describe.skipIf(skip)('two instances sharing one Redis (REDIS_URL)', () => {
  let redis: TestRedis;
  let upstream: OpenAiTestServer;
  let data: Awaited<ReturnType<typeof simulationDataDir>>;
  let caches: Awaited<ReturnType<typeof temporaryDirectory>>[] = [];
  let servers: Server[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startOpenAiTestServer();
    data = await simulationDataDir();
  });
  afterAll(async () => {
    await upstream?.close();
    await data?.remove();
    await redis?.stop();
  });
  beforeEach(() => upstream.reset());
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.app.close()));
    await Promise.all(caches.map((cache) => cache.remove()));
    servers = [];
    caches = [];
  });

  /** An instance of its own (its own CACHE_DIR), on the shared Redis. */
  async function instance(env: Record<string, string> = {}, logger = capturingLogger()) {
    const cache = await temporaryDirectory('ne-shared-cache-');
    caches.push(cache);
    const server = await testServer(
      {
        DATA_DIR: data.path,
        CACHE_DIR: cache.path,
        SIMULATOR: 'openai',
        OPENAI_API_KEY: 'sk-test-shared-instances',
        OPENAI_BASE_URL: upstream.baseURL,
        SIMULATOR_MODEL: 'test-simulator',
        UPSTREAM_BACKOFF_MS: '1',
        REDIS_URL: redis.url,
        ...env,
      },
      logger,
    );
    servers.push(server);
    return server;
  }

  const simulate = (server: Server, explanation: string, client = '10.0.0.1') =>
    server.app.inject({
      method: 'POST',
      url: '/api/simulate',
      remoteAddress: client,
      headers: { 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation },
    });

  it('answers a result computed through one instance as a cache hit on the other', async () => {
    const [a, b] = [await instance(), await instance()];
    const explanation = `cats, shared ${Date.now()}`;
    const first = await simulate(a, explanation);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ cached: false, explanation });
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);

    const second = await simulate(b, explanation);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ cached: true, explanation });
    // The same result, not another simulation: no upstream call was made for it.
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);
    const { cached: _a, ...fresh } = first.json() as Record<string, unknown>;
    const { cached: _b, ...hit } = second.json() as Record<string, unknown>;
    expect(hit).toEqual(fresh);

    // A third instance started later finds it too; and b now answers it from its own copy.
    const c = await instance();
    expect((await simulate(c, explanation)).json()).toMatchObject({ cached: true });
    expect((await simulate(b, explanation)).json()).toMatchObject({ cached: true });
    expect(upstream.requests).toHaveLength(CALLS_PER_SIMULATION);
  });

  const score = (server: Server, explanation: string, client: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/score',
      remoteAddress: client,
      headers: { 'content-type': 'application/json' },
      payload: { dataset: DATASET, ...CAT_NEURON, explanation, scorers: ['simulation'] },
    });

  it('counts a client against one budget over both instances and every route', async () => {
    const limit = { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' };
    const [a, b] = [await instance(limit), await instance(limit)];
    const explanation = `cats, limited ${Date.now()}`;
    const statuses = [];
    // Alone, each instance would let 3 simulations through, and 3 scores besides: 6 in all.
    for (const [server, ask] of [
      [a, simulate],
      [b, score],
      [a, score],
      [b, simulate],
      [a, simulate],
      [b, score],
    ] as const) {
      statuses.push((await ask(server, explanation, '10.0.0.7')).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const limited = await simulate(b, explanation, '10.0.0.7');
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited', retryable: true } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client has a count of its own.
    expect((await simulate(a, explanation, '10.0.0.8')).statusCode).toBe(200);
  });

  it('counts each client on the instance while Redis is gone, and over all again once it is back', async () => {
    let own = await startRedis();
    const port = Number(new URL(own.url).port);
    const logs = [capturingLogger(), capturingLogger()];
    // Two simulations' worth per client.
    const env = { REDIS_URL: own.url, RATE_LIMIT_MAX: '2' };
    const [a, b] = [await instance(env, logs[0]), await instance(env, logs[1])];
    const explanation = `cats, no redis ${Date.now()}`;
    const ask = (server: Server, client: string, text = explanation) =>
      simulate(server, text, client).then((response) => response.statusCode);
    const alone =
      /rate limit: redis at 127\.0\.0\.1:\d+ does not answer .*counts its clients alone/;
    const back =
      /rate limit: redis at 127\.0\.0\.1:\d+ answers again; clients are counted over all/;
    const count = (lines: string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;
    try {
      expect(await ask(a, '10.0.0.1')).toBe(200);
      await own.stop();

      // Computed again (a miss in Redis is a miss), its own cache still answers what it has
      // seen, and each instance limits the client on its own: two simulations each, not three.
      expect(await ask(a, '10.0.0.1', `${explanation} 0`)).toBe(200);
      expect((await simulate(a, explanation, '10.0.0.1')).json()).toMatchObject({ cached: true });
      expect(await ask(a, '10.0.0.1')).toBe(429);
      expect([
        await ask(b, '10.0.0.1'),
        await ask(b, '10.0.0.1'),
        await ask(b, '10.0.0.1'),
      ]).toEqual([200, 200, 429]);
      // Said once per instance, however many requests it counted alone.
      expect(count(logs[0]!.lines, alone)).toBe(1);
      expect(count(logs[1]!.lines, alone)).toBe(1);
      expect(logs[0]!.lines.join('\n')).toMatch(
        /redis at 127\.0\.0\.1:\d+: .* failed .*goes on alone/,
      );

      // Redis comes back (empty: no persistence) where it was; the instances reconnect by
      // themselves and count over both again.
      own = await startRedis(port);
      const deadline = Date.now() + 15_000;
      while (count(logs[0]!.lines, back) === 0 || count(logs[1]!.lines, back) === 0) {
        if (Date.now() > deadline) throw new Error('the instances did not use Redis again');
        await new Promise((resolve) => setTimeout(resolve, 200));
        // A request lets an instance find out (each is another client, so that none is used up).
        await ask(a, `10.0.1.${Date.now() % 250}`);
        await ask(b, `10.0.2.${Date.now() % 250}`);
      }
      expect([
        await ask(a, '10.0.0.1'),
        await ask(b, '10.0.0.1'),
        await ask(a, '10.0.0.1'),
      ]).toEqual([200, 200, 429]);
      expect(count(logs[0]!.lines, alone)).toBe(1);
      expect(count(logs[0]!.lines, back)).toBe(1);
    } finally {
      await own.stop();
    }
  });

  it('does not start when Redis does not answer, naming the host and never the password', async () => {
    const port = await freePortInRange();
    const logger = capturingLogger();
    const failure = await instance(
      { REDIS_URL: `redis://:hunter2-secret-pw@127.0.0.1:${port}` },
      logger,
    ).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      new RegExp(`REDIS_URL is set, but Redis at 127\\.0\\.0\\.1:${port} does not answer`),
    );
    expect((failure as Error).message).not.toContain('hunter2');
    expect(logger.lines.join('\n')).not.toContain('hunter2');
  });
});
