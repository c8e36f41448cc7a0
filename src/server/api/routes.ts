/**
 * POST /api/simulate and POST /api/explain: validate, run the engine, answer with JSON or a stream
 * of server-sent events (Accept: text/event-stream). Rate-limited per client, bounded in time.
 */
import { setMaxListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ExplainRequestSchema,
  requestProblem,
  SimulateRequestSchema,
  type SimulationEvent,
} from '../../core/api/simulate.ts';
import { formatSseEvent, SSE_CONTENT_TYPE } from '../../core/api/sse.ts';
import type { DatasetRegistry, ServedDataset } from '../datasets/registry.ts';
import { ApiError, ClientGone, failRequest, RequestTimeout, ShuttingDown } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Settings } from '../settings.ts';
import type { RunOptions, SimulationEngine, SimulationReply } from '../simulation/engine.ts';
import { gpt2TokensOfTexts } from '../simulation/tokenize.ts';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** What a route runs: the engine's work for one request, as JSON text or a reply to send. */
type Task = (options: RunOptions) => Promise<string | SimulationReply>;

/**
 * The simulations and explanations running now, so that a shutdown can stop them: each then
 * answers (a 503, or an `error` event on its stream) before its connection closes.
 */
export class OpenRuns {
  private readonly controllers = new Set<AbortController>();

  get size(): number {
    return this.controllers.size;
  }

  add(controller: AbortController): void {
    this.controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  /** Stops every run; each answers that the server is shutting down. Returns how many. */
  stopAll(): number {
    for (const controller of this.controllers) controller.abort(new ShuttingDown());
    return this.controllers.size;
  }
}

export interface ApiRoutesOptions {
  settings: Settings;
  registry: DatasetRegistry;
  engine: SimulationEngine;
  logger: Logger;
  runs: OpenRuns;
}

export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions) {
  const { settings, registry, engine, logger, runs } = options;
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
    // Cache hits come gzipped already (see sendJson).
    compress: {
      encodings: ['gzip' as const],
      zlibOptions: { level: 1 },
      syncThreshold: 1024 * 1024,
    },
  };

  app.post('/api/simulate', routeOptions, async (request, reply) => {
    const body = validate(SimulateRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const texts = body.texts ? gpt2TokensOfTexts(body.texts) : undefined;
    const job = { dataset, layer: body.layer, neuron: body.neuron, explanation: body.explanation };
    return send(request, reply, (run) => engine.simulate(texts ? { ...job, texts } : job, run));
  });

  app.post('/api/explain', routeOptions, async (request, reply) => {
    const body = validate(ExplainRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    return send(request, reply, (run) =>
      engine.explain({ dataset, layer: body.layer, neuron: body.neuron }, run),
    );
  });

  /** The task's result as JSON, or as a stream of events when the client asks for one. */
  function send(request: FastifyRequest, reply: FastifyReply, task: Task) {
    const run = startRun(request, reply);
    return (request.headers.accept ?? '').includes(SSE_CONTENT_TYPE)
      ? sendEvents(request, reply, run, task)
      : sendJson(request, reply, run, task);
  }

  /**
   * A run's signal and its end: stopped at the deadline, when the client leaves, or when the
   * server shuts down; on behalf of the client's address (upstream capacity is shared by it).
   */
  function startRun(request: FastifyRequest, reply: FastifyReply) {
    const controller = new AbortController();
    // Every upstream call of the request (20 or more) listens to this signal.
    setMaxListeners(500, controller.signal);
    const timer = setTimeout(
      () => controller.abort(new RequestTimeout(settings.REQUEST_TIMEOUT_MS)),
      settings.REQUEST_TIMEOUT_MS,
    );
    runs.add(controller);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new ClientGone());
    });
    // A client that left before the run started (its request waited behind others) has closed
    // its connection already: the close event above will not come.
    if (request.raw.socket.destroyed) controller.abort(new ClientGone());
    const { signal } = controller;
    return {
      options: { signal, client: request.ip } satisfies RunOptions,
      finished() {
        clearTimeout(timer);
        runs.delete(controller);
      },
      /** What the run's failure answers: why it was stopped, if it was, else what it threw. */
      failure: (error: unknown) =>
        failRequest(request, signal.aborted ? signal.reason : error, logger),
      clientGone: () => signal.reason instanceof ClientGone,
    };
  }

  async function sendJson(
    request: FastifyRequest,
    reply: FastifyReply,
    run: ReturnType<typeof startRun>,
    task: Task,
  ) {
    try {
      const result = await task(run.options);
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
      throw run.failure(error);
    } finally {
      run.finished();
    }
  }

  /**
   * Progress events as they happen, then the result or an error. Results are tens of KB, so the
   * stream is gzipped when the client takes it, and flushed after each event.
   */
  function sendEvents(
    request: FastifyRequest,
    reply: FastifyReply,
    run: ReturnType<typeof startRun>,
    task: Task,
  ) {
    const gzip = acceptsGzip(request) ? createGzip({ level: 1 }) : null;
    const stream = gzip ?? new PassThrough();
    const write = (text: string) => {
      if (stream.writableEnded) return;
      stream.write(text);
      gzip?.flush();
    };
    const event = (event: SimulationEvent) => write(formatSseEvent(event));
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    reply
      .type(`${SSE_CONTENT_TYPE}; charset=utf-8`)
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
    void task({
      ...run.options,
      onProgress: (data) => event({ event: 'progress', data }),
      onExplanation: (data) => event({ event: 'explanation', data }),
    })
      .then(
        (result) =>
          write(`event: result\ndata: ${typeof result === 'string' ? result : result.json}\n\n`),
        (error: unknown) => {
          if (run.clientGone()) return;
          event({ event: 'error', data: run.failure(error).body });
        },
      )
      .finally(() => {
        run.finished();
        clearInterval(heartbeat);
        stream.end();
      });
    return reply;
  }
}

/** Whether the client takes gzip (Accept-Encoding, with its q-values and wildcard). */
function acceptsGzip(request: FastifyRequest): boolean {
  return negotiate(request.headers['accept-encoding'] ?? '', ['gzip']) === 'gzip';
}

/** The parsed body, or a 400 naming the first field at fault. */
function validate<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    throw new ApiError(400, 'invalid_request', `Unknown field(s): ${keys}.`, { field: keys });
  }
  const { field, message } = requestProblem(result.error);
  throw new ApiError(400, 'invalid_request', `${field || 'body'}: ${message}`, { field });
}

/** The dataset, after checking that the layer and neuron are inside it. */
async function findNeuron(
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
