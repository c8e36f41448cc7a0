/**
 * POST /api/score and POST /api/improve: validate, run the scoring engine, answer with JSON or a
 * stream of server-sent events (Accept: text/event-stream): `progress` per scorer, `explanation`
 * (improve only), then `result` or `error`. The same limits as /api/simulate: rate limit, body
 * size, request deadline, and the same error shape.
 */
import { setMaxListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ImproveRequestSchema, ScoreRequestSchema } from '../../core/api/score.ts';
import { formatSseEvent, SSE_CONTENT_TYPE } from '../../core/api/sse.ts';
import { acceptsGzip, findNeuron, validate } from '../api/routes.ts';
import type { DatasetRegistry } from '../datasets/registry.ts';
import { ApiError, toApiError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Settings } from '../settings.ts';
import type { ScoreRunOptions, ScoringEngine } from './engine.ts';

const HEARTBEAT_MS = 15_000;

class RequestTimeout extends Error {}
class ClientGone extends Error {}

export interface ScoreRoutesOptions {
  settings: Settings;
  registry: DatasetRegistry;
  scoring: ScoringEngine;
  logger: Logger;
}

export async function scoreRoutes(app: FastifyInstance, options: ScoreRoutesOptions) {
  const { settings, registry, scoring, logger } = options;
  const windowSeconds = Math.round(settings.RATE_LIMIT_WINDOW_MS / 1000);
  await app.register(fastifyRateLimit, {
    global: false,
    max: settings.RATE_LIMIT_MAX,
    timeWindow: settings.RATE_LIMIT_WINDOW_MS,
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
    compress: { encodings: ['gzip' as const], zlibOptions: { level: 1 }, syncThreshold: 1 << 20 },
  };

  app.post('/api/score', routeOptions, async (request, reply) => {
    const body = validate(ScoreRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const job = { ...body, dataset };
    return respond(request, reply, (run) => scoring.score(job, run));
  });

  app.post('/api/improve', routeOptions, async (request, reply) => {
    const body = validate(ImproveRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const job = { ...body, dataset };
    return respond(request, reply, (run) => scoring.improve(job, run));
  });

  /** Runs a task with a deadline, stopped if the client leaves, answered as JSON or as events. */
  async function respond(
    request: FastifyRequest,
    reply: FastifyReply,
    task: (run: ScoreRunOptions) => Promise<string>,
  ) {
    const controller = new AbortController();
    // Every upstream call of the request (up to 30) listens to this signal.
    setMaxListeners(500, controller.signal);
    const timer = setTimeout(
      () => controller.abort(new RequestTimeout()),
      settings.REQUEST_TIMEOUT_MS,
    );
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new ClientGone());
    });
    const describe = (error: unknown): ApiError => {
      if (error instanceof RequestTimeout || controller.signal.reason instanceof RequestTimeout) {
        return new ApiError(
          504,
          'timeout',
          `Stopped after ${settings.REQUEST_TIMEOUT_MS / 1000} s, the longest a request may take. ` +
            'Try again: scores already made are kept, so a retry is quicker.',
          { retryable: true },
        );
      }
      if (controller.signal.reason instanceof ClientGone) {
        return new ApiError(400, 'invalid_request', 'The client closed the request.');
      }
      const apiError = toApiError(error);
      if (apiError.code === 'internal') {
        logger.error(`${request.method} ${request.url}`, apiError.cause ?? error);
      }
      return apiError;
    };

    if (!(request.headers.accept ?? '').includes(SSE_CONTENT_TYPE)) {
      try {
        const json = await task({ signal: controller.signal });
        return reply
          .type('application/json; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(json);
      } catch (error) {
        throw describe(error);
      } finally {
        clearTimeout(timer);
      }
    }

    const gzip = acceptsGzip(request) ? createGzip({ level: 1 }) : null;
    const stream = gzip ?? new PassThrough();
    const write = (text: string) => {
      if (stream.writableEnded) return;
      stream.write(text);
      gzip?.flush();
    };
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    reply
      .type(`${SSE_CONTENT_TYPE}; charset=utf-8`)
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
    void task({
      signal: controller.signal,
      onProgress: (data) => write(formatSseEvent({ event: 'progress', data })),
      onExplanation: (data) => write(formatSseEvent({ event: 'explanation', data })),
    })
      .then(
        (json) => write(`event: result\ndata: ${json}\n\n`),
        (error: unknown) => {
          if (controller.signal.reason instanceof ClientGone) return;
          write(formatSseEvent({ event: 'error', data: describe(error).body }));
        },
      )
      .finally(() => {
        clearTimeout(timer);
        clearInterval(heartbeat);
        stream.end();
      });
    return reply;
  }
}
