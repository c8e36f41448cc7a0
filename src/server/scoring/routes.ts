/**
 * POST /api/score and POST /api/improve: validate, run the scoring engine, answer as
 * /api/simulate does (api/send.ts: JSON or server-sent events, `progress` per scorer,
 * `explanation` for improve, then `result` or `error`; the request deadline, the client leaving,
 * a shutdown; errors by the one table of errors.ts). Rate-limited per client like /api/simulate.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ScoreRequestSchema } from '../../core/api/score.ts';
import { findNeuron, validate } from '../api/routes.ts';
import type { Sender } from '../api/send.ts';
import type { DatasetRegistry } from '../datasets/registry.ts';
import { ApiError } from '../errors.ts';
import type { Settings } from '../settings.ts';
import { REDIS_PREFIX, type SharedRedis } from '../shared-redis.ts';
import type { ScoringEngine } from './engine.ts';

export interface ScoreRoutesOptions {
  settings: Settings;
  registry: DatasetRegistry;
  scoring: ScoringEngine;
  /** Answers a run with JSON or events (see api/send.ts). */
  send: Sender;
  /** With REDIS_URL: the rate limit counts each client's requests over every instance. */
  shared?: SharedRedis | null;
}

export async function scoreRoutes(app: FastifyInstance, options: ScoreRoutesOptions) {
  const { settings, registry, scoring, send, shared } = options;
  const windowSeconds = Math.round(settings.RATE_LIMIT_WINDOW_MS / 1000);
  await app.register(fastifyRateLimit, {
    global: false,
    max: settings.RATE_LIMIT_MAX,
    timeWindow: settings.RATE_LIMIT_WINDOW_MS,
    // As /api/simulate's: shared over every instance with REDIS_URL, skipped if Redis fails.
    ...(shared && {
      redis: shared.redis,
      nameSpace: `${REDIS_PREFIX}score-rate-limit:`,
      skipOnError: true,
    }),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client: at most ${context.max} scorings per ${windowSeconds} s. ` +
          `Try again in ${Math.ceil(context.ttl / 1000)} s.`,
        { retryable: true },
      ),
  });
  const routeOptions = {
    config: { rateLimit: {} },
    compress: {
      encodings: ['gzip' as const],
      zlibOptions: { level: 1 },
      syncThreshold: 1024 * 1024,
    },
  };

  app.post('/api/score', routeOptions, async (request, reply) => {
    const body = validate(ScoreRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const job = { ...body, dataset };
    return send(request, reply, (run) => scoring.score(job, run));
  });

  app.post('/api/improve', routeOptions, async (request, reply) => {
    // The same body as a score request.
    const body = validate(ScoreRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const job = { ...body, dataset };
    return send(request, reply, (run) => scoring.improve(job, run));
  });
}
