/**
 * The server as a Fastify instance: the built app at `/`, datasets under `/datasets/`, the API under
 * `/api/`. `main.ts` starts it; tests call `buildServer` and use `inject` or a real port.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import { baselineJudge } from '../core/scoring/baseline-judge.ts';
import { baselineExplainer, baselineSimulator } from '../core/simulation/baseline.ts';
import { baselineReviser } from '../core/simulation/revise.ts';
import { apiRoutes } from './api/routes.ts';
import { appPageRoutes } from './app-page.ts';
import { ClientBudget } from './api/rate-limit.ts';
import { createSender, OpenRuns } from './api/send.ts';
import { SharedSimulationCache } from './cache/shared-cache.ts';
import { SimulationCache, type ResultCache } from './cache/simulation-cache.ts';
import { DatasetRegistry } from './datasets/registry.ts';
import { datasetRoutes } from './datasets/routes.ts';
import { failRequest, failureOf, notFound, sendApiError, ShuttingDown } from './errors.ts';
import { healthRoutes } from './health.ts';
import {
  allowedHostNames,
  checkHost,
  limitBodyTime,
  parseJsonBody,
  isolationHeaders,
  securityHeaders,
  trustProxyOption,
} from './http-policy.ts';
import { modelRoutes } from './models/routes.ts';
import { connectSharedRedis, type SharedRedis } from './shared-redis.ts';
import { consoleLogger, safeLogger, type Logger } from './log.ts';
import { AnswerThreads } from '../node/llm/answer-threads.ts';
import { ChatClient } from '../node/llm/chat.ts';
import { openAiJudge, openAiReviser } from '../node/llm/judge.ts';
import { openAiExplainer, openAiSimulator } from '../node/llm/openai.ts';
import { ScoringEngine } from './scoring/engine.ts';
import { scoreRoutes } from './scoring/routes.ts';
import type { Settings } from './settings.ts';
import { markCached, SimulationEngine } from './simulation/engine.ts';
import { NeuronRecordStore } from './simulation/records.ts';

export interface ServerOptions {
  settings: Settings;
  logger?: Logger;
}

export interface Server {
  app: FastifyInstance;
  registry: DatasetRegistry;
  engine: SimulationEngine;
  /** Detection, fuzzing and the simulation score with intervals: /api/score and /api/improve. */
  scoring: ScoringEngine;
  /** Null with the baseline simulator (nothing to cache); shared through Redis with REDIS_URL. */
  cache: ResultCache | null;
  /** Null with the baseline simulator. */
  chat: ChatClient | null;
  /**
   * Stops every running simulation and explanation: each answers that the server is shutting
   * down (a 503, or an `error` event). For a shutdown whose grace period has run out; returns how
   * many were stopped.
   */
  stopRequests(): number;
}

/** The simulator and explainer the settings choose, with the LLM client and cache they need. */
export function createEngine(
  settings: Settings,
  logger: Logger = safeLogger(consoleLogger),
  shared: SharedRedis | null = null,
) {
  const records = new NeuronRecordStore();
  if (settings.SIMULATOR === 'baseline') {
    const engine = new SimulationEngine({
      simulator: baselineSimulator,
      explainer: baselineExplainer,
      cache: null,
      records,
      concurrency: 20,
    });
    const scoring = new ScoringEngine({
      simulation: engine,
      judge: baselineJudge,
      reviser: baselineReviser,
      cache: null,
      records,
      concurrency: 4,
    });
    return { engine, scoring, cache: null, chat: null, threads: null };
  }
  const chat = new ChatClient({
    baseURL: settings.OPENAI_BASE_URL,
    apiKey: settings.OPENAI_API_KEY,
    timeoutMs: settings.UPSTREAM_TIMEOUT_MS,
    maxRetries: settings.UPSTREAM_MAX_RETRIES,
    concurrency: settings.UPSTREAM_CONCURRENCY,
    backoffMs: settings.UPSTREAM_BACKOFF_MS,
    maxAnswerBytes: settings.UPSTREAM_MAX_ANSWER_BYTES,
    breakerFailures: settings.UPSTREAM_BREAKER_FAILURES,
    breakerCooldownMs: settings.UPSTREAM_BREAKER_COOLDOWN_MS,
    log: logger,
  });
  const local = new SimulationCache(settings.CACHE_DIR, {
    maxEntries: settings.CACHE_MAX_ENTRIES,
    hitForm: markCached,
  });
  const cache = shared
    ? new SharedSimulationCache(local, shared, settings.REDIS_CACHE_TTL_S)
    : local;
  const threads = settings.ANSWER_THREADS > 0 ? new AnswerThreads(settings.ANSWER_THREADS) : null;
  const engine = new SimulationEngine({
    simulator: openAiSimulator(chat, settings.SIMULATOR_MODEL, threads),
    explainer: openAiExplainer(chat, settings.EXPLAINER_MODEL),
    cache,
    records,
    // Every record of a request at once; the client's cap bounds calls over all requests.
    concurrency: 20,
  });
  const scoring = new ScoringEngine({
    simulation: engine,
    judge: openAiJudge(chat, settings.JUDGE_MODEL ?? settings.SIMULATOR_MODEL),
    reviser: openAiReviser(chat, settings.EXPLAINER_MODEL),
    cache,
    records,
    // Every batch of a scorer at once (4 of 10 examples).
    concurrency: 4,
  });
  return { engine, scoring, cache, chat, threads };
}

export async function buildServer({
  settings,
  logger: given = consoleLogger,
}: ServerOptions): Promise<Server> {
  // Every line is redacted and bounded before it reaches the given logger.
  const logger = safeLogger(given);
  // First, so that a Redis that does not answer stops the start before anything else is made.
  const shared = settings.REDIS_URL ? await connectSharedRedis(settings.REDIS_URL, logger) : null;
  const headers = securityHeaders(settings.APP_DIR, settings.MODEL_ORIGINS);
  const app = Fastify({
    logger: false,
    bodyLimit: settings.BODY_LIMIT,
    trustProxy: trustProxyOption(settings.TRUST_PROXY),
    // Node's own cut-off for a request that never completes (checked every 30 s); a body that
    // stalls is cut sooner, at BODY_TIMEOUT_MS (limitBodyTime). Long simulations are bounded per
    // route instead.
    requestTimeout: 30_000 + settings.BODY_TIMEOUT_MS,
    // Requests that arrive while closing get our 503 (below), in the API's error shape.
    return503OnClosing: false,
    // A URL Fastify cannot read (bad percent-encoding) gets the same error shape as any other.
    frameworkErrors: (error, request, reply) => {
      void sendApiError(reply.headers(headers), failRequest(request, error, logger));
    },
  });

  const allowedHosts = allowedHostNames(settings);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(headers).headers(isolationHeaders(request.url));
    checkHost(request, allowedHosts);
  });
  limitBodyTime(app, settings.BODY_TIMEOUT_MS);
  // The API takes JSON only: a text/plain body is a 415, not a string handed to a route.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  if (settings.LOG_REQUESTS) {
    app.addHook('onResponse', async (request, reply) => {
      const failure = failureOf(request);
      logger.info(
        `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms` +
          (failure ? ` ${failure}` : ''),
      );
    });
  }

  // While closing, new requests get a 503 in the API's shape, and each connection is closed once
  // its response is done (an idle kept-alive connection would hold the shutdown up).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new ShuttingDown();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
  });

  app.setErrorHandler((error, request, reply) =>
    sendApiError(reply, failRequest(request, error, logger)),
  );
  app.setNotFoundHandler((request, reply) => sendApiError(reply, notFound(request)));

  await app.register(fastifyCompress, { encodings: ['br', 'gzip'] });

  const registry = new DatasetRegistry(settings.DATA_DIR, {
    defaultDataset: settings.DEFAULT_DATASET,
    sourceCacheDir: join(settings.CACHE_DIR, 'sources'),
    sourceCacheTtlMs: settings.SOURCE_CACHE_TTL_MS,
    warn: logger.warn,
  });
  await app.register(datasetRoutes, {
    registry,
    warn: logger.warn,
    serveIngestReports: settings.SERVE_INGEST_REPORTS,
  });
  const { engine, scoring, cache, chat, threads } = createEngine(settings, logger, shared);
  app.addHook('onClose', async () => {
    cache?.close();
    await Promise.all([chat?.close(), threads?.close(), shared?.close()]);
  });
  const runs = new OpenRuns();
  const send = createSender({ settings, logger, runs });
  // One budget per client over every POST route (and with REDIS_URL over every instance).
  const budget = new ClientBudget(settings, shared, logger);
  apiRoutes(app, { registry, budget, engine, send });
  scoreRoutes(app, { registry, budget, scoring, send });
  await app.register(healthRoutes, { settings, registry, engine, scoring });
  await app.register(modelRoutes, { modelsDir: settings.MODELS_DIR });

  if (existsSync(join(settings.APP_DIR, 'index.html'))) {
    await app.register(appPageRoutes, { appDir: settings.APP_DIR, registry });
    await app.register(fastifyStatic, {
      root: settings.APP_DIR,
      prefix: '/',
      cacheControl: false,
      // The build writes .br and .gz copies (vite.config.ts): sent as they are, not compressed
      // again on every request.
      preCompressed: true,
      dotfiles: 'deny',
      // Source maps are not built (vite.config.ts); one left in APP_DIR is not served either.
      allowedPath: (path) => !path.endsWith('.map'),
      // Vite names everything under assets/ by content hash.
      setHeaders(response, path) {
        response.setHeader(
          'cache-control',
          /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  } else {
    logger.warn(`no built app in ${settings.APP_DIR}; only /datasets/ and /api/ are served`);
  }

  return { app, registry, engine, scoring, cache, chat, stopRequests: () => runs.stopAll() };
}
