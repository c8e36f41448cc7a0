/**
 * POST /api/simulate and POST /api/explain: validate, run the engine, answer with JSON or a stream
 * of server-sent events (Accept: text/event-stream). Rate-limited per client, bounded in time.
 */
import { setMaxListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ExplainRequestSchema,
  SimulateRequestSchema,
  type SimulationEvent,
} from '../../core/api/simulate.ts';
import { formatSseEvent, SSE_CONTENT_TYPE } from '../../core/api/sse.ts';
import type { DatasetRegistry, ServedDataset } from '../datasets/registry.ts';
import { ApiError, toApiError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Settings } from '../settings.ts';
import type { RunOptions, SimulationEngine, SimulationReply } from '../simulation/engine.ts';
import { tokenizeTexts } from '../simulation/tokenize.ts';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

class RequestTimeout extends Error {}
class ClientGone extends Error {}

export interface ApiRoutesOptions {
  settings: Settings;
  registry: DatasetRegistry;
  engine: SimulationEngine;
  logger: Logger;
}

export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions) {
  const { settings, registry, engine, logger } = options;
  const windowSeconds = Math.round(settings.RATE_LIMIT_WINDOW_MS / 1000);

  await app.register(fastifyRateLimit, {
    global: false,
    max: settings.RATE_LIMIT_MAX,
    timeWindow: settings.RATE_LIMIT_WINDOW_MS,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client: at most ${context.max} simulations per ${windowSeconds} s. ` +
          `Try again in ${Math.ceil(context.ttl / 1000)} s.`,
        { retryable: true },
      ),
  });

  const routeOptions = {
    config: { rateLimit: {} },
    // Fresh results of tens of KB: fast gzip in one call (under a millisecond) rather than
    // through a zlib stream, whose setup costs more than the compression; brotli costs more.
    // Cache hits come gzipped already (see run).
    compress: {
      encodings: ['gzip' as const],
      zlibOptions: { level: 1 },
      syncThreshold: 1024 * 1024,
    },
  };

  app.post('/api/simulate', routeOptions, async (request, reply) => {
    const body = validate(SimulateRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const texts = body.texts ? tokenizeTexts(body.texts) : undefined;
    const job = { dataset, layer: body.layer, neuron: body.neuron, explanation: body.explanation };
    return run(request, reply, (run) => engine.simulate(texts ? { ...job, texts } : job, run));
  });

  app.post('/api/explain', routeOptions, async (request, reply) => {
    const body = validate(ExplainRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    return run(request, reply, (run) =>
      engine.explain({ dataset, layer: body.layer, neuron: body.neuron }, run),
    );
  });

  /** Runs a task with a deadline, stopped if the client leaves, answered as JSON or as events. */
  async function run(
    request: FastifyRequest,
    reply: FastifyReply,
    task: (options: RunOptions) => Promise<string | SimulationReply>,
  ) {
    const controller = new AbortController();
    // Every upstream call of the request (20 or more) listens to this signal.
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
            'Try again: records already simulated are kept, so a retry is quicker.',
          { retryable: true },
        );
      }
      if (controller.signal.reason instanceof ClientGone) {
        // Nobody is listening; this only ends the request quietly.
        return new ApiError(400, 'invalid_request', 'The client closed the request.');
      }
      const apiError = toApiError(error);
      if (apiError.code === 'internal') {
        logger.error(`${request.method} ${request.url}`, apiError.cause ?? error);
      }
      return apiError;
    };

    const accept = request.headers.accept ?? '';
    if (!accept.includes(SSE_CONTENT_TYPE)) {
      try {
        const result = await task({ signal: controller.signal });
        const { json, gzipped } = typeof result === 'string' ? { json: result } : result;
        reply.type('application/json; charset=utf-8').header('cache-control', 'no-store');
        if (gzipped && acceptsGzip(request)) {
          return reply
            .header('content-encoding', 'gzip')
            .header('vary', 'accept-encoding')
            .send(gzipped());
        }
        return reply.send(json);
      } catch (error) {
        throw describe(error);
      } finally {
        clearTimeout(timer);
      }
    }

    // Results are tens of KB, so the stream is gzipped when the client takes it, and flushed after
    // each event so that progress arrives as it happens.
    const gzip = acceptsGzip(request) ? createGzip({ level: 1 }) : null;
    const stream = gzip ?? new PassThrough();
    const write = (text: string) => {
      if (stream.writableEnded) return;
      stream.write(text);
      gzip?.flush();
    };
    const send = (event: SimulationEvent) => write(formatSseEvent(event));
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    reply
      .type(`${SSE_CONTENT_TYPE}; charset=utf-8`)
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
    void task({
      signal: controller.signal,
      onProgress: (data) => send({ event: 'progress', data }),
      onExplanation: (data) => send({ event: 'explanation', data }),
    })
      .then(
        (result) =>
          write(`event: result\ndata: ${typeof result === 'string' ? result : result.json}\n\n`),
        (error: unknown) => {
          if (controller.signal.reason instanceof ClientGone) return;
          send({ event: 'error', data: describe(error).body });
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

/** Whether the client takes gzip (named in Accept-Encoding, and not with q=0). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const match = /(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*([\d.]+))?/i.exec(
    request.headers['accept-encoding'] ?? '',
  );
  return match !== null && (match[1] === undefined || Number(match[1]) > 0);
}

/** The parsed body, or a 400 naming the first field at fault. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    throw new ApiError(400, 'invalid_request', `Unknown field(s): ${keys}.`, { field: keys });
  }
  const detail = issue.message.replace(/^[\w.]+:\s*/, '');
  throw new ApiError(400, 'invalid_request', `${field || 'body'}: ${detail}`, { field });
}

/** The dataset, after checking that the layer and neuron are inside it. */
export async function findNeuron(
  registry: DatasetRegistry,
  id: string,
  layer: number,
  neuron: number,
): Promise<ServedDataset> {
  const dataset = await registry.get(id);
  if (!dataset) {
    throw new ApiError(404, 'not_found', `dataset: no dataset "${id}" is served here.`, {
      field: 'dataset',
    });
  }
  const neurons = dataset.neuronsPerLayer.get(layer);
  if (neurons === undefined) {
    const layers = [...dataset.neuronsPerLayer.keys()].sort((a, b) => a - b);
    const range = layers.length ? `${layers[0]} to ${layers.at(-1)}` : 'none';
    throw new ApiError(
      400,
      'invalid_request',
      `layer: dataset ${id} has no layer ${layer} (layers ${range}).`,
      {
        field: 'layer',
      },
    );
  }
  if (neuron >= neurons) {
    throw new ApiError(
      400,
      'invalid_request',
      `neuron: layer ${layer} of ${id} has ${neurons} neurons (0 to ${neurons - 1}).`,
      { field: 'neuron' },
    );
  }
  return dataset;
}
