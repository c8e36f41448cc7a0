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

  it('counts a client against one rate limit over both instances', async () => {
    const limit = { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' };
    const [a, b] = [await instance(limit), await instance(limit)];
    const explanation = `cats, limited ${Date.now()}`;
    const statuses = [];
    // Alone, each instance would let 3 through: 6 in all.
    for (const server of [a, b, a, b, a, b]) {
      statuses.push((await simulate(server, explanation, '10.0.0.7')).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const limited = await simulate(b, explanation, '10.0.0.7');
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited', retryable: true } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client has a count of its own.
    expect((await simulate(a, explanation, '10.0.0.8')).statusCode).toBe(200);
  });

  it('keeps answering, each instance alone, while Redis is gone, and says so in the log', async () => {
    const own = await startRedis();
    const logger = capturingLogger();
    const a = await instance({ REDIS_URL: own.url, RATE_LIMIT_MAX: '2' }, logger);
    const explanation = `cats, no redis ${Date.now()}`;
    expect((await simulate(a, explanation)).statusCode).toBe(200);
    await own.stop();
    // Computed again (a miss in Redis is a miss), and the rate limit lets requests through.
    const answered = [];
    for (let i = 0; i < 3; i++) {
      answered.push((await simulate(a, `${explanation} ${i}`)).statusCode);
    }
    expect(answered).toEqual([200, 200, 200]);
    // Its own cache still answers what it has seen.
    expect((await simulate(a, explanation)).json()).toMatchObject({ cached: true });
    expect(logger.lines.join('\n')).toMatch(/redis at 127\.0\.0\.1:\d+: .* failed .*goes on alone/);
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
